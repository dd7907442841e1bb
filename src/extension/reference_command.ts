/**
 * The command that opens the language reference shipped in the .vsix in
 * Markdown preview, from the command palette (the notes) or a hover link
 * (the statement reference at the statement's heading), and the trust a
 * hover needs to run that one command and no other.
 */
import * as vscode from 'vscode';
import { OPEN_REFERENCE, REFERENCE_PAGES } from './reference';
import type { ReferencePage, ReferenceTarget } from './reference';

/** A hover's Markdown: command links run only OPEN_REFERENCE. */
export function referenceMarkdown(text: string): vscode.MarkdownString {
  const md = new vscode.MarkdownString(text);
  md.isTrusted = { enabledCommands: [OPEN_REFERENCE] };
  return md;
}

export function registerReferenceCommand(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.commands.registerCommand(OPEN_REFERENCE, async (target?: ReferenceTarget) => {
      // A link's argument comes from a hover's text: take only a known page and a plain anchor.
      const page: ReferencePage = target?.page && target.page in REFERENCE_PAGES ? target.page : 'notes';
      const section = typeof target?.section === 'string' && /^[\p{L}\p{N}_-]{1,100}$/u.test(target.section) ? target.section : '';
      const uri = vscode.Uri.joinPath(context.extensionUri, REFERENCE_PAGES[page]).with({ fragment: section });
      await vscode.commands.executeCommand('markdown.showPreview', uri);
    }),
  );
}
