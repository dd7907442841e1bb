// `worker_threads` inside the web extension bundle: off_thread.ts starts `new Worker(script)` and listens for
// message/error/exit as it does with Node's worker threads; here the script is a Web Worker. The script's URI
// (the extension's dist/web/worker.js) is read through vscode.workspace.fs, because in a remote workspace it is
// a vscode-remote: URI that the host refuses to start a worker from, and started from a blob: URL. A host with
// no Worker at all answers in its own thread instead (in_thread.ts), bounded by the simulator's budgets, and so
// does a host whose workers cannot start (a constructor that throws, a script the host will not load): after the
// first such failure every later request goes to the in-thread path, and the user is told once.
import * as vscode from 'vscode';
import { EventEmitter } from '../../web/shims/events';
import { startInThread } from './in_thread';

interface WebWorker {
  onmessage: ((e: { data: unknown }) => void) | null;
  onerror: ((e: { message?: string; preventDefault(): void }) => void) | null;
  postMessage(data: unknown): void;
  terminate(): void;
}
type WebWorkerClass = new (url: string, options?: { name?: string }) => WebWorker;

const blobUrls = new Map<string, Promise<string>>();

/** The blob: URL of a worker script, read once per extension host. */
function blobUrlOf(script: string): Promise<string> {
  let url = blobUrls.get(script);
  if (!url) {
    url = Promise.resolve(vscode.workspace.fs.readFile(vscode.Uri.parse(script))).then((bytes) => URL.createObjectURL(new Blob([bytes], { type: 'text/javascript' })));
    // A failed read is tried again next time (the extension may have been updated underneath).
    url.catch(() => blobUrls.delete(script));
    blobUrls.set(script, url);
  }
  return url;
}

/** Set when a worker failed before any worker ever answered: this host cannot run them. */
let broken = false;
/** Set when any worker answered: a later failure is that request's, not the host's. */
let answered = false;
let notice: ((line: string) => void) | undefined;

/** Where the one line saying workers are off goes (the kstep output channel); console.warn until it is set. */
export function setWorkerNotice(show: (line: string) => void): void {
  notice = show;
}

function workersBroken(why: string): void {
  if (broken || answered) return;
  broken = true;
  const line = `kstep: this host cannot start Web Workers (${why}); checks and runs now happen in the extension host's thread, within a smaller step budget.`;
  if (notice) notice(line);
  else console.warn(line);
}

/** Whether this extension host can start workers (VS Code's web worker host can, nested in its own). */
export function canStartWorkers(): boolean {
  return !broken && typeof (globalThis as { Worker?: unknown }).Worker === 'function';
}

export class Worker extends EventEmitter {
  private worker: Pick<WebWorker, 'postMessage'> | undefined;
  private ended = false;
  private readonly queued: unknown[] = [];

  constructor(script: string) {
    super();
    const Web = (globalThis as { Worker?: WebWorkerClass }).Worker;
    if (!Web || broken) {
      this.worker = startInThread((reply) => {
        if (!this.ended) this.emit('message', reply);
      });
      return;
    }
    blobUrlOf(script).then(
      (url) => {
        if (this.ended) return;
        let w: WebWorker;
        try {
          w = new Web(url, { name: 'kstep worker' });
        } catch (e) {
          // A DOMException (SecurityError) is an Error in a browser; anything with a message is taken by it.
          const message = (e as { message?: unknown } | null)?.message;
          const err = e instanceof Error ? e : new Error(typeof message === 'string' ? message : String(e));
          workersBroken(err.message);
          this.fail(err);
          return;
        }
        let heard = false;
        w.onmessage = (e) => {
          heard = answered = true;
          this.emit('message', e.data);
        };
        w.onerror = (e) => {
          e.preventDefault();
          const err = new Error(e.message || 'the kstep worker failed');
          if (!heard) workersBroken(err.message);
          this.fail(err);
        };
        this.worker = w;
        for (const m of this.queued.splice(0)) w.postMessage(m);
      },
      (e: unknown) => this.fail(e instanceof Error ? e : new Error(String(e))),
    );
  }

  postMessage(data: unknown): void {
    if (this.worker) this.worker.postMessage(data);
    else this.queued.push(data);
  }

  terminate(): Promise<number> {
    this.ended = true;
    if (this.worker && 'terminate' in this.worker) (this.worker as WebWorker).terminate();
    return Promise.resolve(1);
  }

  private fail(e: Error): void {
    if (this.ended) return;
    this.ended = true;
    this.emit('error', e);
  }
}

export default { Worker, parentPort: undefined };

/** The extension host is no worker: worker.ts, bundled here for in_thread.ts, finds no parent to listen to. */
export const parentPort = undefined;
