/**
 * What the extension does differently in desktop VS Code (a Node.js
 * extension host) and on the web: this is the desktop side. The web build
 * (scripts/web_build.mjs) puts web/platform.ts in its place; both export
 * the same names.
 */
import * as vscode from 'vscode';
import type { KstepLaunchConfig } from './config';
import { startSocketAdapter } from './socket_adapter';

/** The worker script offThread starts: a path for Node's worker threads. */
export function workerScript(extensionUri: vscode.Uri): string {
  return vscode.Uri.joinPath(extensionUri, 'dist', 'worker.js').fsPath;
}

/** Where this extension runs, for "kstep: About". */
export function hostDescription(): string {
  return `the desktop extension host (Node.js ${process.versions.node})`;
}

/** Node's worker threads start wherever the desktop host runs: there is no trouble to report. */
export function showWorkerTrouble(_output: vscode.OutputChannel): void {
  // Nothing to wire: a failing worker reports itself through offThread's reply.
}

/** A separate-process adapter (`kstep.adapter: process`) and what ends it. */
export interface ProcessAdapter {
  readonly descriptor: vscode.DebugAdapterDescriptor;
  dispose(): void;
}

export async function processAdapter(extensionUri: vscode.Uri): Promise<ProcessAdapter | undefined> {
  const adapterJs = vscode.Uri.joinPath(extensionUri, 'dist', 'adapter.js').fsPath;
  // Windows has no Unix socket with owner-only permissions here: stdio is private to the editor as well.
  if (process.platform === 'win32') return { descriptor: new vscode.DebugAdapterExecutable(process.execPath, [adapterJs]), dispose: () => undefined };
  // A Unix socket in a 0700 directory: the adapter is reachable by this user alone, unlike a port on 127.0.0.1.
  const a = await startSocketAdapter(process.execPath, adapterJs);
  return { descriptor: new vscode.DebugAdapterNamedPipeServer(a.path), dispose: () => a.dispose() };
}

/** The adapter reads the scenario from `program` itself on the desktop: the configuration goes out as it is. */
export function withScenarioText(config: KstepLaunchConfig): KstepLaunchConfig | Promise<KstepLaunchConfig | undefined> {
  return config;
}

/** The inline adapter as this host runs it: on the desktop it reads the scenario file itself, on restart as well. */
export function inlineAdapter(session: vscode.DebugAdapter): vscode.DebugAdapter {
  return session;
}
