/**
 * Restart on the web: VS Code sends `restart` with the configuration of the
 * first launch, whose `source` is the text of then. The web side of the
 * inline adapter reads the scenario again before the adapter restarts, and a
 * read that fails answers the restart with an error response (no popup).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { webOptions } from '../../scripts/web_build.mjs';
import { KstepSession } from '../../src/adapter/session';
import { rereadOnRestart } from '../../src/extension/web/restart_reread';
import type { MessageAdapter, ReadScenario } from '../../src/extension/web/restart_reread';
import { runBundle } from './sandbox';

const ROOT = join(__dirname, '..', '..');
const SCENARIO = readFileSync(join(ROOT, 'examples', 'resv_map.kstep'), 'utf8');
const EDITED = SCENARIO.replace('hugetlb file f', 'hugetlb file f\nprint "edited"');
const PROGRAM = '/nowhere/web/resv_map.kstep';

/** Requests by seq into an adapter, every message it sends kept. */
function client(a: MessageAdapter): { send: (command: string, args?: unknown) => number; response: (seq: number) => Promise<DebugProtocol.Response>; got: DebugProtocol.ProtocolMessage[] } {
  const got: DebugProtocol.ProtocolMessage[] = [];
  const waiters = new Set<() => void>();
  a.onDidSendMessage((m) => {
    got.push(m);
    for (const w of [...waiters]) w();
  });
  let seq = 1;
  return {
    got,
    send: (command, args) => {
      const n = seq++;
      a.handleMessage({ seq: n, type: 'request', command, arguments: args } as DebugProtocol.Request);
      return n;
    },
    response: (n) =>
      new Promise((resolve, reject) => {
        const find = (): DebugProtocol.Response | undefined => got.find((m): m is DebugProtocol.Response => m.type === 'response' && (m as DebugProtocol.Response).request_seq === n);
        const timer = setTimeout(() => reject(new Error(`no response to ${n}`)), 20_000);
        const check = (): void => {
          const hit = find();
          if (!hit) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(hit);
        };
        waiters.add(check);
        check();
      }),
  };
}

async function launched(c: ReturnType<typeof client>): Promise<void> {
  await c.response(c.send('initialize', { adapterID: 'kstep', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' }));
  const l = c.send('launch', { program: PROGRAM, source: SCENARIO, stopOnEntry: true });
  await c.response(c.send('configurationDone'));
  expect((await c.response(l)).success).toBe(true);
}

describe('restart of the web inline adapter', () => {
  it('restarts with the text read now, not the text of the first launch', async () => {
    let onDisk = SCENARIO;
    const read: ReadScenario = (config) => Promise.resolve({ config: { ...config, source: onDisk } });
    const s = new KstepSession();
    const c = client(rereadOnRestart(s as unknown as MessageAdapter, read));
    try {
      await launched(c);
      onDisk = EDITED;
      // What VS Code sends: the stored configuration, old text and all; a request right behind it waits for it.
      const r = c.send('restart', { arguments: { program: PROGRAM, source: SCENARIO, stopOnEntry: true } });
      const src = c.send('source', { source: { path: PROGRAM }, sourceReference: 0 });
      expect((await c.response(r)).success).toBe(true);
      expect(((await c.response(src)) as DebugProtocol.SourceResponse).body.content).toBe(EDITED);
      // A restart with no arguments reads the file of the last launch again too.
      onDisk = SCENARIO;
      expect((await c.response(c.send('restart'))).success).toBe(true);
      expect(((await c.response(c.send('source', { source: { path: PROGRAM }, sourceReference: 0 }))) as DebugProtocol.SourceResponse).body.content).toBe(SCENARIO);
    } finally {
      s.end();
    }
  });

  it('a read that fails answers the restart with an error, and later requests still go through', async () => {
    const read: ReadScenario = () => Promise.resolve({ error: `cannot read scenario '${PROGRAM}': gone` });
    const s = new KstepSession();
    const c = client(rereadOnRestart(s as unknown as MessageAdapter, read));
    try {
      await launched(c);
      const r = await c.response(c.send('restart', { arguments: { program: PROGRAM, source: SCENARIO } }));
      expect([r.success, r.command, r.message]).toEqual([false, 'restart', `cannot read scenario '${PROGRAM}': gone`]);
      expect((await c.response(c.send('threads'))).success).toBe(true);
    } finally {
      s.end();
    }
  });
});

/** A vscode.Uri with what platform.ts reads of one. */
class StubUri {
  constructor(
    readonly scheme: string,
    readonly authority: string,
    readonly path: string,
  ) {}
  get fsPath(): string {
    return this.path;
  }
  with(change: { path: string }): StubUri {
    return new StubUri(this.scheme, this.authority, change.path);
  }
  toString(): string {
    return `${this.scheme}://${this.authority}${this.path}`;
  }
}

describe('the web platform module', () => {
  let platform: { inlineAdapter(a: MessageAdapter): MessageAdapter };
  const files = new Map<string, string>();
  const popups: string[] = [];

  beforeAll(async () => {
    const out = await build({ ...webOptions(ROOT, 'extension', { KSTEP_VERSION: '"test"' }), entryPoints: [join(ROOT, 'src/extension/web/platform.ts')], write: false, sourcemap: false, logLevel: 'silent' });
    const vscode = {
      Uri: { parse: (s: string) => new StubUri('file', '', s.replace(/^file:\/\//, '')) },
      FileType: { File: 1, Directory: 2 },
      workspace: {
        textDocuments: [],
        workspaceFolders: [{ uri: new StubUri('file', '', '/ws') }],
        fs: {
          stat: (u: StubUri) => {
            const text = files.get(u.path);
            return text === undefined ? Promise.reject(new Error('EntryNotFound (FileSystemError)')) : Promise.resolve({ type: 1, size: text.length });
          },
          readFile: (u: StubUri) => Promise.resolve(new TextEncoder().encode(files.get(u.path) ?? '')),
        },
      },
      window: {
        showErrorMessage: (m: string) => popups.push(m),
        showWarningMessage: (m: string) => popups.push(m),
      },
    };
    platform = runBundle(out.outputFiles?.[0]?.text ?? '', {}, { vscode }).exports as unknown as typeof platform;
  });

  it('hands the adapter the file as it is now on restart, and an unreadable file as an error response', async () => {
    const seen: DebugProtocol.Request[] = [];
    const inner: MessageAdapter = {
      onDidSendMessage: () => ({ dispose: () => undefined }),
      handleMessage: (m) => seen.push(m as DebugProtocol.Request),
      dispose: () => undefined,
    };
    const c = client(platform.inlineAdapter(inner));
    files.set('/ws/a.kstep', 'print "now"\n');
    c.send('restart', { arguments: { program: '/ws/a.kstep', source: 'print "then"\n' } });
    await expect.poll(() => seen.length).toBe(1);
    expect(seen[0]?.arguments).toEqual({ arguments: { program: '/ws/a.kstep', source: 'print "now"\n' } });

    const r = await c.response(c.send('restart', { arguments: { program: '/ws/gone.kstep', source: 'print "then"\n' } }));
    expect(r.success).toBe(false);
    expect(r.message).toMatch(/^cannot read scenario '\/ws\/gone\.kstep': .*EntryNotFound/);
    expect(seen).toHaveLength(1);
    expect(popups).toEqual([]);
  });
});
