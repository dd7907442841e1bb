/**
 * The web side of platform.ts (vscode.dev, github.dev, code-server's web
 * worker extension host): no Node.js, so workers are Web Workers, the
 * adapter always runs inline and scenarios are read through
 * vscode.workspace.fs and handed to the adapter in the launch configuration.
 */
import * as vscode from 'vscode';
import { MAX_SCENARIO_BYTES } from '../../sim';
import type { KstepLaunchConfig } from '../config';
import type { ProcessAdapter } from '../platform';
import { canStartWorkers, setWorkerNotice } from './worker_threads';
import { IN_THREAD_MAX_STEPS } from './in_thread';
import { scenarioUri } from './scenario_uri';
import { rereadOnRestart } from './restart_reread';
import type { MessageAdapter, ReadScenario } from './restart_reread';

export type { ProcessAdapter } from '../platform';

/** The worker script offThread starts: the URI of the browser build of the worker. */
export function workerScript(extensionUri: vscode.Uri): string {
  return vscode.Uri.joinPath(extensionUri, 'dist', 'web', 'worker.js').toString();
}

/** Where this extension runs, read from the globals it sees (not from how it was built). */
export function hostDescription(): string {
  const g = globalThis as { importScripts?: unknown; process?: unknown; window?: unknown };
  const where = typeof g.importScripts === 'function' ? 'the web worker extension host' : g.window !== undefined ? 'a web page' : 'a web extension host';
  const node = g.process === undefined ? 'no Node.js' : 'Node.js globals present';
  return `${where} (${node}; workers: ${canStartWorkers() ? 'Web Workers' : `none, checks run in this thread within a step budget cut to ${IN_THREAD_MAX_STEPS} and the work budget`})`;
}

/** Where a host that cannot start workers says so, once: the kstep output channel. */
export function showWorkerTrouble(output: vscode.OutputChannel): void {
  setWorkerNotice((line) => output.appendLine(line));
}

export function processAdapter(): Promise<ProcessAdapter | undefined> {
  void vscode.window.showWarningMessage('kstep: "kstep.adapter": "process" runs the adapter as a Node.js process, which needs desktop VS Code; here the adapter runs inline.');
  return Promise.resolve(undefined);
}

/**
 * The launch configuration with the scenario's text in `source`: the inline
 * adapter has no file system here. Read from the file (as the desktop
 * adapter reads it), not from an editor's unsaved text.
 */
export async function readScenarioText(config: KstepLaunchConfig): Promise<{ config: KstepLaunchConfig } | { error: string }> {
  const program = config.program;
  if (typeof program !== 'string' || program === '') return { config };
  try {
    const uri = scenarioUri(program, vscode.workspace.textDocuments.map((d) => d.uri), vscode.workspace.workspaceFolders?.map((f) => f.uri) ?? [], (u) => vscode.Uri.parse(u), vscode.window.activeTextEditor?.document.uri);
    const stat = await vscode.workspace.fs.stat(uri);
    if (stat.type & vscode.FileType.Directory) throw new Error('it is a directory, not a .kstep file');
    if (stat.size > MAX_SCENARIO_BYTES) throw new Error(`it is ${stat.size} bytes: a scenario may be at most ${MAX_SCENARIO_BYTES} bytes`);
    const source = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    // A file outside the browser's own file system goes to the adapter as its URI: VS Code names its breakpoints
    // so, and opens a stack frame's source by it (a bare path would mean file:, which the browser cannot read).
    return { config: { ...config, program: uri.scheme === 'file' ? uri.fsPath : uri.toString(), source } };
  } catch (e) {
    return { error: `cannot read scenario '${program}': ${e instanceof Error ? e.message : String(e)}` };
  }
}

/** The configuration a launch starts with: a read that fails is shown and the launch does not start. */
export async function withScenarioText(config: KstepLaunchConfig): Promise<KstepLaunchConfig | undefined> {
  const r = await readScenarioText(config);
  if ('config' in r) return r.config;
  void vscode.window.showErrorMessage(`kstep: ${r.error}`);
  return undefined;
}

/**
 * The inline adapter as this host runs it: VS Code restarts a session with the configuration of its first
 * launch, whose `source` is the text of then, so a restart reads the scenario again first.
 */
export function inlineAdapter(session: vscode.DebugAdapter): vscode.DebugAdapter {
  const read = (config: Record<string, unknown>): ReturnType<ReadScenario> => readScenarioText(config as KstepLaunchConfig) as ReturnType<ReadScenario>;
  return rereadOnRestart(session as unknown as MessageAdapter, read) as unknown as vscode.DebugAdapter;
}
