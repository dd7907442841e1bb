/**
 * The Get Started walkthrough's steps open the examples shipped in the
 * .vsix. A step's link runs kstep.openExample with an example's name; the
 * command sets a context key per example so each step completes when its
 * own example was opened (completionEvents `onContext:`), not when any was.
 */
import * as vscode from 'vscode';
import { EXAMPLES, exampleContextKey } from './walkthrough_steps';

export function registerWalkthrough(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('kstep.openExample', async (name?: string) => {
      // The name comes from a link: open only an example the extension ships.
      const example = EXAMPLES.find((e) => e.file === name) ?? EXAMPLES[0];
      if (!example) return;
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(context.extensionUri, 'examples', example.file));
      await vscode.window.showTextDocument(doc, { preview: false });
      await vscode.commands.executeCommand('setContext', exampleContextKey(example.file), true);
    }),
  );
}
