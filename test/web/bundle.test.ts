/**
 * The web bundles (vscode.dev, github.dev, code-server's web worker host):
 * dist/web/extension.js and dist/web/worker.js name no Node module, and the
 * worker answers requests in a context with no Node API at all.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { WorkerReply, WorkerRequest } from '../../src/extension/worker_protocol';
import { runBundle } from './sandbox';

const ROOT = join(__dirname, '..', '..');
const read = (f: string): string => readFileSync(join(ROOT, 'dist', 'web', f), 'utf8');
const NODE = /\b(?:require\(\s*["'`](?:node:)?(?:fs|path|net|child_process|worker_threads|os|crypto|stream|events|url|util|buffer)["'`]|from\s*["'](?:node:)[a-z_/]+["'])/;

describe('the web bundles', () => {
  it('the extension requires only vscode, and nothing of Node', () => {
    const code = read('extension.js');
    expect(code).not.toMatch(NODE);
    const required = new Set([...code.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]));
    expect([...required]).toEqual(['vscode']);
    // The desktop platform module (child processes, Unix sockets) is swapped for its web side.
    expect(code).not.toContain('ELECTRON_RUN_AS_NODE');
    expect(code).toContain('DebugAdapterInlineImplementation');
  });

  it('the worker requires nothing at all', () => {
    const code = read('worker.js');
    expect(code).not.toMatch(NODE);
    expect(code).not.toMatch(/\brequire\(/);
  });

  it('the worker checks and runs scenarios as a Web Worker, with no Node API in its context', async () => {
    const replies: WorkerReply[] = [];
    const listeners: Array<(e: { data: unknown }) => void> = [];
    const { required } = runBundle(read('worker.js'), {
      addEventListener: (type: string, fn: (e: { data: unknown }) => void) => type === 'message' && listeners.push(fn),
      postMessage: (r: WorkerReply) => replies.push(r),
    });
    expect(required).toEqual([]);
    expect(listeners).toHaveLength(1);
    const ask = (req: WorkerRequest): WorkerReply => {
      for (const l of listeners) l({ data: req });
      const r = replies.pop();
      if (!r) throw new Error('no reply');
      return r;
    };
    const bad = ask({ kind: 'diagnostics', file: '/ws/bad.kstep', text: '# one bad statement\nfrobnicate 3\n', maxSteps: 1000 });
    expect(bad.kind).toBe('parsed');
    expect(bad.kind === 'parsed' && bad.diagnostics.map((d) => [d.startLine, /frobnicate/.test(d.message)])).toEqual([[1, true]]);
    const scenario = readFileSync(join(ROOT, 'examples', 'resv_map.kstep'), 'utf8');
    const ran = ask({ kind: 'run', file: '/ws/resv_map.kstep', text: scenario, maxSteps: 1_000_000 });
    expect(ran).toMatchObject({ kind: 'ran', code: 0 });
    expect(ran.kind === 'ran' && ran.steps).toBeGreaterThan(0);
  });
});
