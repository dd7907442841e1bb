/**
 * The web extension's `worker_threads`: Web Workers started from a blob: URL,
 * and the in-thread path when the host cannot start them. A worker that
 * cannot start (its constructor throws, or it errors before it ever answers)
 * fails its request with an error, marks workers broken for this host, says
 * so once, and every later request is answered in the host's thread.
 */
import { join } from 'node:path';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { webOptions } from '../../scripts/web_build.mjs';
import type { WorkerReply, WorkerRequest } from '../../src/extension/worker_protocol';
import { runBundle } from './sandbox';

const ROOT = join(__dirname, '..', '..');
const CHECK: WorkerRequest = { kind: 'diagnostics', file: '/ws/bad.kstep', text: '# bad\nfrobnicate 3\n', maxSteps: 1000 };

interface NodeLikeWorker {
  on(event: string, fn: (x: never) => void): void;
  postMessage(data: unknown): void;
  terminate(): Promise<number>;
}
interface Module {
  Worker: new (script: string) => NodeLikeWorker;
  canStartWorkers(): boolean;
  setWorkerNotice(show: (line: string) => void): void;
}
interface StubWorker {
  onmessage: ((e: { data: unknown }) => void) | null;
  onerror: ((e: { message?: string; preventDefault(): void }) => void) | null;
}

let code = '';
beforeAll(async () => {
  const out = await build({ ...webOptions(ROOT, 'extension', { KSTEP_VERSION: '"test"' }), entryPoints: [join(ROOT, 'src/extension/web/worker_threads.ts')], write: false, sourcemap: false, logLevel: 'silent' });
  code = out.outputFiles?.[0]?.text ?? '';
});

/** A fresh copy of the module (its broken flag unset) in a host whose Worker is `Web`. */
function load(Web: unknown): { m: Module; notices: string[] } {
  const vscode = { Uri: { parse: (s: string) => s }, workspace: { fs: { readFile: () => Promise.resolve(new TextEncoder().encode('/* worker */')) } } };
  // Wrapped as VS Code wraps a CommonJS module: the bundle's top-level `var Worker` must not replace the host's.
  const m = runBundle(`(function () {\n${code}\n})();`, { Worker: Web, Blob }, { vscode }).exports as unknown as Module;
  const notices: string[] = [];
  m.setWorkerNotice((l) => notices.push(l));
  return { m, notices };
}

/** One request through the module's Worker: its reply, or the error it failed with. */
function ask(m: Module): Promise<WorkerReply | Error> {
  return new Promise((resolve) => {
    const w = new m.Worker('file:///ext/dist/web/worker.js');
    w.on('message', (r: WorkerReply) => resolve(r));
    w.on('error', (e: Error) => resolve(e));
    w.postMessage(CHECK);
  });
}

describe('Web Workers that cannot start', () => {
  it('a constructor that throws fails that request, and later ones run in this thread; the user is told once', async () => {
    let started = 0;
    const { m, notices } = load(
      class {
        constructor() {
          started++;
          throw new Error('blocked by the content security policy');
        }
      },
    );
    expect(m.canStartWorkers()).toBe(true);
    const first = await ask(m);
    expect((first as Error).message).toBe('blocked by the content security policy');
    expect(m.canStartWorkers()).toBe(false);
    const later = await ask(m);
    expect(later).toMatchObject({ kind: 'parsed' });
    expect(await ask(m)).toMatchObject({ kind: 'parsed' });
    expect(started).toBe(1);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(/cannot start Web Workers \(blocked by the content security policy\)/);
  });

  it('a worker that errors before it ever answers marks workers broken', async () => {
    let started = 0;
    const { m, notices } = load(
      class {
        onerror: StubWorker['onerror'] = null;
        onmessage: StubWorker['onmessage'] = null;
        constructor() {
          started++;
          setTimeout(() => this.onerror?.({ message: 'NetworkError: the script could not be loaded', preventDefault: () => undefined }), 0);
        }
        postMessage(): void {}
        terminate(): void {}
      },
    );
    const first = await ask(m);
    expect((first as Error).message).toBe('NetworkError: the script could not be loaded');
    expect(await ask(m)).toMatchObject({ kind: 'parsed' });
    expect(started).toBe(1);
    expect(notices).toHaveLength(1);
  });

  it('a worker failing after workers have answered is that request\'s failure, not the host\'s', async () => {
    let n = 0;
    const { m, notices } = load(
      class {
        onerror: StubWorker['onerror'] = null;
        onmessage: StubWorker['onmessage'] = null;
        private readonly nth = ++n;
        postMessage(): void {
          setTimeout(() => (this.nth === 1 ? this.onmessage?.({ data: { kind: 'parsed', diagnostics: [], formatted: [] } }) : this.onerror?.({ message: 'out of memory', preventDefault: () => undefined })), 0);
        }
        terminate(): void {}
      },
    );
    expect(await ask(m)).toMatchObject({ kind: 'parsed' });
    expect(((await ask(m)) as Error).message).toBe('out of memory');
    expect(m.canStartWorkers()).toBe(true);
    expect(notices).toEqual([]);
  });
});
