import * as vscode from 'vscode';
import { DEBUG_TYPE, isProgram } from './config';
import { traceText } from './trace_text';

/**
 * What the extension watches over a kstep debug session:
 *
 * - an edit of the scenario being debugged: the session runs the text it
 *   loaded, so its current line and inline values would drift from the file
 *   without a word; the user is warned once and offered a restart;
 * - `"trace": true`: the DAP traffic also goes to the "kstep DAP trace"
 *   output channel (the adapter logs it to the Debug Console itself, inline
 *   or as a process), where it outlives the session; a scenario's text in a
 *   web launch shows as its length.
 */
export function registerSessionWatch(context: vscode.ExtensionContext): void {
  const warned = new Set<string>();
  let trace: vscode.OutputChannel | undefined;
  const traceChannel = (): vscode.OutputChannel => {
    trace ??= vscode.window.createOutputChannel('kstep DAP trace');
    return trace;
  };
  context.subscriptions.push(
    { dispose: () => trace?.dispose() },
    vscode.debug.onDidStartDebugSession((s) => warned.delete(s.id)),
    vscode.debug.onDidTerminateDebugSession((s) => warned.delete(s.id)),
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.contentChanges.length === 0) return;
      const cwd = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? process.cwd();
      const s = vscode.debug.activeDebugSession;
      if (s?.type !== DEBUG_TYPE || warned.has(s.id) || !(s.configuration.program === e.document.uri.toString() || isProgram(s.configuration.program, e.document.uri.fsPath, cwd))) return;
      warned.add(s.id);
      void offerRestart(s, e.document);
    }),
    vscode.debug.registerDebugAdapterTrackerFactory(DEBUG_TYPE, {
      createDebugAdapterTracker: (session) => {
        if (session.configuration.trace !== true) return undefined;
        const out = traceChannel();
        out.appendLine(`── ${session.name}`);
        return {
          onWillReceiveMessage: (m: unknown) => out.appendLine(`From client: ${traceText(m)}`),
          onDidSendMessage: (m: unknown) => out.appendLine(`To client: ${JSON.stringify(m)}`),
          onError: (e: Error) => out.appendLine(`Error: ${e.message}`),
        };
      },
    }),
  );
}

async function offerRestart(session: vscode.DebugSession, doc: vscode.TextDocument): Promise<void> {
  const name = vscode.workspace.asRelativePath(doc.uri);
  const pick = await vscode.window.showWarningMessage(
    `kstep: ${name} changed while it is being debugged. The session runs the text it loaded, so its current line and inline values no longer match the file. Restart to debug the new text.`,
    doc.isDirty ? 'Save and Restart' : 'Restart',
  );
  if (pick === undefined) return;
  // The adapter reads the scenario from disk.
  if (doc.isDirty && !(await doc.save())) return;
  const config = session.configuration;
  await vscode.debug.stopDebugging(session);
  await vscode.debug.startDebugging(session.workspaceFolder, config);
}
