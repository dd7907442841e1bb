// `worker_threads` inside the web worker bundle: the extension's worker (src/extension/worker.ts) talks to its
// parent through `parentPort`; in a Web Worker that is the worker's own global scope.
type Listener = (data: unknown) => void;

interface WorkerScope {
  addEventListener(type: 'message', fn: (e: { data: unknown }) => void): void;
  postMessage(data: unknown): void;
}

const scope = globalThis as unknown as WorkerScope;

export const parentPort = {
  on(event: string, fn: Listener): void {
    if (event === 'message') scope.addEventListener('message', (e) => fn(e.data));
  },
  postMessage(data: unknown): void {
    scope.postMessage(data);
  },
};

export default { parentPort };
