/**
 * The command that opens the language reference shipped in the .vsix in
 * Markdown preview, from the command palette (the notes) or a hover link
 * (the statement reference at the statement's heading), and the trust a
 * hover needs to run that one command and no other.
 */
import * as vscode from 'vscode';
import { headingLine, OPEN_REFERENCE, REFERENCE_PAGES } from './reference';
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
      const page: ReferencePage = target?.page !== undefined && Object.hasOwn(REFERENCE_PAGES, target.page) ? target.page : 'notes';
      const section = typeof target?.section === 'string' && /^[\p{L}\p{N}_-]{1,100}$/u.test(target.section) ? target.section : undefined;
      const uri = vscode.Uri.joinPath(context.extensionUri, REFERENCE_PAGES[page]);
      if (section !== undefined) {
        // The preview opens where the source was last scrolled: put the section's heading at the top first.
        const doc = await vscode.workspace.openTextDocument(uri);
        const line = headingLine(doc.getText(), section);
        if (line !== undefined) {
          const editor = await vscode.window.showTextDocument(doc, { preview: true });
          const at = new vscode.Range(line, 0, line, 0);
          editor.selection = new vscode.Selection(at.start, at.start);
          editor.revealRange(at, vscode.TextEditorRevealType.AtTop);
        }
      }
      await vscode.commands.executeCommand('markdown.showPreview', uri);
    }),
  );
}
