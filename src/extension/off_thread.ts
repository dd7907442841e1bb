import { Worker } from 'node:worker_threads';
import type { EditorDiagnostic } from './language_info';
import type { WorkerReply, WorkerRequest } from './worker_protocol';

/** How long diagnostics may take before the file is reported as too costly to check. */
export const DIAGNOSTICS_BUDGET_MS = 2_000;
/** How long "Run Scenario" may take, on top of its step budget. */
export const RUN_BUDGET_MS = 30_000;

/**
 * Runs one request in a fresh worker thread (dist/worker.js) and terminates
 * it after `budgetMs`: whatever the file does, the caller gets an answer in
 * time and the extension host's thread is never blocked.
 */
export function offThread(workerJs: string, req: WorkerRequest, budgetMs: number): Promise<WorkerReply> {
  return new Promise((resolve) => {
    const worker = new Worker(workerJs);
    let settled = false;
    const done = (reply: WorkerReply): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      resolve(reply);
    };
    const timer = setTimeout(() => done({ kind: 'timeout', ms: budgetMs }), budgetMs);
    worker.on('message', (reply: WorkerReply) => done(reply));
    worker.on('error', (e) => done({ kind: 'failed', message: e.message }));
    worker.on('exit', (code) => done({ kind: 'failed', message: `the worker exited with ${code}` }));
    worker.postMessage(req);
  });
}

/** The diagnostic a file gets when checking it took longer than its budget. */
export function tooLongDiagnostic(ms: number): EditorDiagnostic {
  return { severity: 'warning', message: `kstep: checking this file took longer than ${ms / 1000} s; its diagnostics were not computed`, startLine: 0, startCol: 0, endLine: 0, endCol: 1 };
}
