/**
 * The debug adapter as the web extension host runs it: KstepSession bundled
 * with the web build's options (every Node built-in a shim), evaluated in a
 * context with no Node API, driven through the DebugAdapter interface
 * (handleMessage / onDidSendMessage) that DebugAdapterInlineImplementation
 * uses, on a scenario given as text in the launch configuration.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { webOptions } from '../../scripts/web_build.mjs';
import { runBundle } from './sandbox';

const ROOT = join(__dirname, '..', '..');
const SCENARIO = readFileSync(join(ROOT, 'examples', 'resv_map.kstep'), 'utf8');
const LINE = SCENARIO.split('\n').findIndex((l) => l.startsWith('region_add f 0 5')) + 1;
/** A path that exists nowhere: the adapter must not read it. */
const PROGRAM = '/nowhere/web/resv_map.kstep';

interface InlineAdapter {
  handleMessage(m: DebugProtocol.ProtocolMessage): void;
  onDidSendMessage(fn: (m: DebugProtocol.ProtocolMessage) => void): { dispose(): void };
  end(): void;
}

let Session: new () => InlineAdapter;
let required: string[];

beforeAll(async () => {
  const out = await build({ ...webOptions(ROOT, 'extension', { KSTEP_VERSION: '"test"' }), entryPoints: [join(ROOT, 'src/adapter/session.ts')], write: false, sourcemap: false, logLevel: 'silent' });
  const code = out.outputFiles?.[0]?.text ?? '';
  const sandbox = runBundle(code);
  Session = sandbox.exports.KstepSession as new () => InlineAdapter;
  required = sandbox.required;
});

/** One client of an inline session: requests by seq, every message kept. */
function client(): { request: <T extends DebugProtocol.Response>(command: string, args?: unknown) => Promise<T>; event: (p: (e: DebugProtocol.Event) => boolean) => Promise<DebugProtocol.Event>; end: () => void } {
  const s = new Session();
  const got: DebugProtocol.ProtocolMessage[] = [];
  const waiters = new Set<() => void>();
  const sub = s.onDidSendMessage((m) => {
    got.push(m);
    for (const w of [...waiters]) w();
  });
  const until = <T>(find: () => T | undefined, what: string): Promise<T> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        const hit = find();
        if (hit === undefined) return;
        waiters.delete(check);
        clearTimeout(timer);
        resolve(hit);
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`no ${what}; got ${got.map((m) => JSON.stringify(m).slice(0, 300)).join('\n')}`));
      }, 20_000);
      waiters.add(check);
      check();
    });
  let seq = 1;
  return {
    request: <T extends DebugProtocol.Response>(command: string, args?: unknown) => {
      const n = seq++;
      s.handleMessage({ seq: n, type: 'request', command, arguments: args } as DebugProtocol.Request);
      return until(() => got.find((m): m is T => m.type === 'response' && (m as DebugProtocol.Response).request_seq === n), `response to ${command}`);
    },
    event: (p) => until(() => got.find((m): m is DebugProtocol.Event => m.type === 'event' && p(m as DebugProtocol.Event)), 'event'),
    end: () => {
      s.end();
      sub.dispose();
    },
  };
}

describe('the inline adapter in a web extension host', () => {
  // A file of a remote or virtual workspace is named by its URI, as VS Code sends its breakpoints from a web host.
  it.each([PROGRAM, 'vscode-remote://localhost:8080/nowhere/web/resv_map%20copy.kstep'])('launch with the text of %s, a breakpoint, stackTrace and variables: the resv_map at region_add', async (PROGRAM) => {
    const c = client();
    try {
      const init = await c.request<DebugProtocol.InitializeResponse>('initialize', { adapterID: 'kstep', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' });
      expect(init.success).toBe(true);
      const launched = c.request('launch', { program: PROGRAM, source: SCENARIO, stopOnEntry: false });
      await c.event((e) => e.event === 'initialized');
      const bps = await c.request<DebugProtocol.SetBreakpointsResponse>('setBreakpoints', { source: { path: PROGRAM }, breakpoints: [{ line: LINE }] });
      expect(bps.body.breakpoints.map((b) => [b.verified, b.line])).toEqual([[true, LINE]]);
      await c.request('configurationDone');
      expect((await launched).success).toBe(true);
      const stop = (await c.event((e) => e.event === 'stopped')) as DebugProtocol.StoppedEvent;
      expect(stop.body.reason).toBe('breakpoint');

      const stack = await c.request<DebugProtocol.StackTraceResponse>('stackTrace', { threadId: stop.body.threadId ?? 1 });
      const top = stack.body.stackFrames[0];
      expect([top?.source?.path, top?.line]).toEqual([PROGRAM, LINE]);
      // The scenario's text comes back from the adapter as the program's source.
      const src = await c.request<DebugProtocol.SourceResponse>('source', { source: { path: PROGRAM }, sourceReference: 0 });
      expect(src.body.content).toBe(SCENARIO);

      const scopes = await c.request<DebugProtocol.ScopesResponse>('scopes', { frameId: top?.id });
      const hugetlb = scopes.body.scopes.find((s) => s.name === 'hugetlb');
      expect(hugetlb).toBeDefined();
      const vars = async (ref: number | undefined): Promise<DebugProtocol.Variable[]> => (await c.request<DebugProtocol.VariablesResponse>('variables', { variablesReference: ref })).body.variables;
      const resv = (await vars(hugetlb?.variablesReference)).find((v) => v.name === 'resv');
      const f = (await vars(resv?.variablesReference)).find((v) => v.name === 'f');
      const map = Object.fromEntries((await vars(f?.variablesReference)).map((v) => [v.name, v.value]));
      expect(map.regions).toBe('[[0, 1], [2, 3], [5, 6]]');
      expect(map.adds_in_progress).toBe('2');
      expect(map.region_cache_count).toBe('2');

      // Run on to the end: the run loop's time slices go through the web setImmediate.
      await c.request('continue', { threadId: 1 });
      await c.event((e) => e.event === 'terminated' || (e.event === 'stopped' && (e as DebugProtocol.StoppedEvent).body.reason !== 'breakpoint'));
    } finally {
      c.end();
    }
    expect(required).toEqual([]);
  });

  it('a restart with new arguments takes the text from them, never the last launch\'s', async () => {
    const c = client();
    try {
      await c.request('initialize', { adapterID: 'kstep', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' });
      const launched = c.request('launch', { program: PROGRAM, source: SCENARIO, stopOnEntry: true });
      await c.event((e) => e.event === 'initialized');
      await c.request('configurationDone');
      expect((await launched).success).toBe(true);
      const edited = SCENARIO.replace('hugetlb file f', 'hugetlb file f\nprint "edited"');
      const again = await c.request('restart', { arguments: { program: PROGRAM, source: edited, stopOnEntry: true } });
      expect(again.success).toBe(true);
      const src = await c.request<DebugProtocol.SourceResponse>('source', { source: { path: PROGRAM }, sourceReference: 0 });
      expect(src.body.content).toBe(edited);
      // Arguments without the text name a file to read, which this host cannot.
      const other = await c.request('restart', { arguments: { program: '/nowhere/web/other.kstep', stopOnEntry: true } });
      expect(other.success).toBe(false);
      expect(other.message).toMatch(/cannot read scenario '\/nowhere\/web\/other\.kstep': ENOSYS: a web extension host has no local file system/);
    } finally {
      c.end();
    }
  });

  it('a launch with no source says the web host has no file system, and nothing was read', async () => {
    const c = client();
    try {
      await c.request('initialize', { adapterID: 'kstep', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' });
      const r = await c.request('launch', { program: PROGRAM, stopOnEntry: true });
      expect(r.success).toBe(false);
      expect(r.message).toMatch(/cannot read scenario '\/nowhere\/web\/resv_map\.kstep': ENOSYS: a web extension host has no local file system/);
    } finally {
      c.end();
    }
  });

  it('a source past the size limit is refused as a file of that size would be', async () => {
    const c = client();
    try {
      await c.request('initialize', { adapterID: 'kstep', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' });
      const r = await c.request('launch', { program: PROGRAM, source: '#'.repeat(16 * 1024 * 1024 + 1) });
      expect(r.success).toBe(false);
      expect(r.message).toMatch(/at most 16777216 bytes/);
    } finally {
      c.end();
    }
  });
});
