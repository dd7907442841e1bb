import * as vscode from 'vscode';
import { basename } from 'node:path';
import { BEFORE_PATCHES, DEFAULT_MAX_STEPS } from '../sim';
import { DEBUG_TYPE } from './config';
import type { CompareView } from './kernel_compare_view';
import { staleCompare } from './kernel_compare_view';
import { offThread, RUN_BUDGET_MS } from './off_thread';

/*
 * "Compare with the Kernel Before Patch…": runs the scenario on both kernels
 * (off the extension host's thread, as `kstep diff` does) and opens a diff
 * editor over the two rendered states at the first divergence, named in its
 * title. From there, "Debug on …" starts a debug session on either kernel
 * stopped where the statement that diverged starts.
 */

const SCHEME = 'kstep-state';

/** The rendered states, read-only documents under kstep-state:. */
class StateDocuments implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  put(name: string, text: string): vscode.Uri {
    const uri = vscode.Uri.from({ scheme: SCHEME, path: `/${name}` });
    this.texts.set(uri.toString(), text);
    this.changed.fire(uri);
    return uri;
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '';
  }
}

/** The session config's step to travel to at its first stop (a private key of this module). */
const GOTO_KEY = 'kstepGotoStep';

/** The scenario to compare: the argument's, the active editor's, or the active kstep session's. */
function scenarioOf(arg: unknown): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri && arg.fsPath.endsWith('.kstep')) return arg;
  const ed = vscode.window.activeTextEditor?.document.uri;
  if (ed?.fsPath.endsWith('.kstep')) return ed;
  const s = vscode.debug.activeDebugSession;
  const program = s?.type === DEBUG_TYPE ? (s.configuration as { program?: unknown }).program : undefined;
  return typeof program === 'string' && program.endsWith('.kstep') ? vscode.Uri.file(program) : undefined;
}

async function patchOf(): Promise<string | undefined> {
  const s = vscode.debug.activeDebugSession;
  const running = s?.type === DEBUG_TYPE ? (s.configuration as { kernel?: unknown }).kernel : undefined;
  if (typeof running === 'string' && /^before=\d+$/.test(running)) return running;
  const pick = await vscode.window.showQuickPick(
    BEFORE_PATCHES.map((p) => ({ label: `before=${p}`, description: p === '004' ? 'region_add coalesces (hugetlb resv_map)' : 'one vm_normal_page for every caller (device-coherent pages)' })),
    { title: 'Compare with the kernel before which patch?' },
  );
  return pick?.label;
}

async function debugOn(uri: vscode.Uri, kernel: string | undefined, step: number): Promise<void> {
  const name = `Debug ${basename(uri.fsPath)} on ${kernel ?? 'after (patched)'}`;
  const config: vscode.DebugConfiguration = { type: DEBUG_TYPE, request: 'launch', name, program: uri.fsPath, stopOnEntry: true, [GOTO_KEY]: step, ...(kernel ? { kernel } : {}) };
  await vscode.debug.startDebugging(vscode.workspace.getWorkspaceFolder(uri), config);
}

async function compare(docs: StateDocuments, workerJs: string, arg: unknown): Promise<void> {
  const uri = scenarioOf(arg);
  if (!uri) {
    void vscode.window.showErrorMessage('kstep: open a .kstep scenario (or debug one) to compare kernels.');
    return;
  }
  if (!vscode.workspace.isTrusted) {
    void vscode.window.showWarningMessage('kstep: comparing kernels runs the scenario and needs a trusted workspace (Workspaces: Manage Workspace Trust).');
    return;
  }
  const kernel = await patchOf();
  if (!kernel) return;
  const paths = await vscode.window.showInputBox({
    title: `Compare ${basename(uri.fsPath)} on ${kernel} and after (patched)`,
    prompt: 'Which state? Empty: all of it (what statements return included); or paths, comma-separated',
    placeHolder: 'resv.f.regions, hugetlb',
  });
  if (paths === undefined) return;
  const only = paths.split(',').map((p) => p.trim()).filter(Boolean);
  const doc = await vscode.workspace.openTextDocument(uri);
  // "Debug on …" runs the file on disk: the compare must run that text too.
  if (doc.isDirty) {
    const save = 'Save and Compare';
    const ok = await vscode.window.showWarningMessage(`kstep: ${basename(uri.fsPath)} has unsaved changes; the debugger runs the file on disk.`, { modal: true }, save);
    if (ok !== save || !(await doc.save())) return;
  }
  const version = doc.version;
  const reply = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `kstep: running ${basename(uri.fsPath)} on ${kernel} and after (patched)…` }, () =>
    offThread(workerJs, { kind: 'kernelDiff', file: uri.fsPath, text: doc.getText(), maxSteps: DEFAULT_MAX_STEPS, kernel, only }, RUN_BUDGET_MS),
  );
  if (reply.kind === 'parsed') return void vscode.window.showErrorMessage(`kstep: ${basename(uri.fsPath)} has errors; nothing was compared. ${reply.formatted[0] ?? ''}`);
  if (reply.kind === 'timeout') return void vscode.window.showErrorMessage(`kstep: comparing the kernels took longer than ${reply.ms / 1000} s`);
  if (reply.kind !== 'compared') return void vscode.window.showErrorMessage(`kstep compare: ${reply.kind === 'failed' ? reply.message : 'no answer'}`);
  const r = reply.result;
  if (r.kind !== 'view') return void vscode.window.showInformationMessage(`kstep: ${r.message}`);
  await show(docs, doc, version, kernel, r.view);
}

async function show(docs: StateDocuments, doc: vscode.TextDocument, version: number, kernel: string, v: CompareView): Promise<void> {
  const uri = doc.uri;
  const stem = basename(uri.fsPath);
  const left = docs.put(`${kernel}/${stem}.state`, v.left);
  const right = docs.put(`after/${stem}.state`, v.right);
  await vscode.commands.executeCommand('vscode.diff', left, right, v.title, { preview: false });
  const onBefore = `Debug on ${kernel}`;
  const onAfter = 'Debug on after (patched)';
  const choice = await vscode.window.showInformationMessage(`kstep: ${v.title}: ${v.summary}`, onBefore, onAfter);
  const stale = choice ? staleCompare(doc, version, stem) : undefined;
  if (stale) return void vscode.window.showErrorMessage(`kstep: ${stale}`);
  if (choice === onBefore) await debugOn(uri, kernel, v.beforeStep);
  else if (choice === onAfter) await debugOn(uri, undefined, v.afterStep);
}

export function registerKernelCompare(context: vscode.ExtensionContext, workerJs: string): void {
  const docs = new StateDocuments();
  context.subscriptions.push(
    vscode.workspace.registerTextDocumentContentProvider(SCHEME, docs),
    vscode.commands.registerCommand('kstep.compareKernels', (arg?: unknown) =>
      compare(docs, workerJs, arg).catch((e: unknown) => void vscode.window.showErrorMessage(`kstep compare: ${e instanceof Error ? e.message : String(e)}`)),
    ),
    // A session started by "Debug on …" goes to the divergent statement at its first stop.
    vscode.debug.registerDebugAdapterTrackerFactory(DEBUG_TYPE, {
      createDebugAdapterTracker: (session) => {
        const step = (session.configuration as Record<string, unknown>)[GOTO_KEY];
        if (typeof step !== 'number') return undefined;
        let done = false;
        return {
          onDidSendMessage: (m: { type?: string; event?: string }) => {
            if (done || m.type !== 'event' || m.event !== 'stopped') return;
            done = true;
            // After this message is handled: the session answers requests once its stop is out.
            setTimeout(() => void Promise.resolve(session.customRequest('kstep/gotoStep', { step })).catch(() => undefined), 0);
          },
        };
      },
    }),
  );
}
