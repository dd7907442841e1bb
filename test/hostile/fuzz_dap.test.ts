/**
 * Every request the adapter routes, with random argument shapes, in three
 * states: before any launch, stopped, and while a run is going (issue 14,
 * "done when"). Every request gets a response; no response carries a
 * JavaScript stack or a path into kstep's installation; and the session
 * still answers `threads` afterwards.
 *
 * The commands come from the adapter's own routing tables, so a new request
 * is fuzzed without a change here. A round keeps its state: its first
 * requests are ones that leave the run where it is, its last one may be any
 * (a continue, a disconnect); the next round sets its state up again.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { afterAll, describe, expect, it } from 'vitest';
import { BREAKPOINT_ROUTES } from '../../src/adapter/breakpoint_requests';
import { INSPECTION_ROUTES } from '../../src/adapter/inspection';
import { MEMORY_ROUTES } from '../../src/adapter/memory';
import { RUN_CONTROL_ROUTES } from '../../src/adapter/run_control';
import { SOURCE_ROUTES } from '../../src/adapter/sources';
import { ROOT } from '../support/kit';
import { Rng } from '../support/rng';
import { RawClient } from './raw_client';
import { STACK } from './server';

const SEED = 0x66757a7a; // "fuzz"
const PER_STATE = 3_000;
const ROUND = 20;

const dir = mkdtempSync(join(tmpdir(), 'kstep-fuzz-dap-'));
const program = (name: string, text: string): string => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const P = {
  stopped: program('stopped.kstep', 'hugetlb file f\nregion_chg f 0 4\nregion_add f 0 4\nmmap 0x10000 64K prot=rw\nwrite 0x10000 7\nprint resv.f.regions\nexpect last.ret == 0\n'),
  running: program('running.kstep', 'hugetlb file f\nrepeat 1 << 40 {\n  region_chg f 0 1\n  region_add f 0 1\n  region_del f 0 1\n}\n'),
  bad: program('bad.kstep', 'bogus statement\n'),
};
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Requests that leave a stopped or running session where it is. */
const KEEPS = new Set(['threads', 'stackTrace', 'scopes', 'variables', 'evaluate', 'completions', 'source', 'loadedSources', 'exceptionInfo', 'dataBreakpointInfo',
  'setBreakpoints', 'setFunctionBreakpoints', 'setExceptionBreakpoints', 'setDataBreakpoints', 'breakpointLocations', 'gotoTargets', 'stepInTargets', 'readMemory',
  'setVariable', 'setExpression', 'writeMemory', 'cancel', 'configurationDone', 'kstep/recentResults', 'kstep/picture', 'kstep/setFormat', 'kstep/frameLocals']);
const ROUTED = [...new Set(['initialize', 'launch', 'configurationDone', 'restart', 'terminate', 'disconnect',
  ...Object.keys({ ...RUN_CONTROL_ROUTES, ...INSPECTION_ROUTES, ...BREAKPOINT_ROUTES, ...SOURCE_ROUTES, ...MEMORY_ROUTES })])];

const FIELDS = ['threadId', 'frameId', 'variablesReference', 'expression', 'context', 'source', 'line', 'column', 'breakpoints', 'lines', 'name', 'value', 'start',
  'count', 'filter', 'format', 'memoryReference', 'offset', 'data', 'targetId', 'text', 'filters', 'filterOptions', 'dataId', 'program', 'stopOnEntry', 'maxSteps',
  'arguments', 'restart', 'levels', 'startFrame', 'sourceReference', 'requestId', 'path', 'hex', 'granularity', 'terminateDebuggee', 'noDebug', 'trace', 'allowPartial'];

function scalar(r: Rng): unknown {
  return r.pick<unknown>([0, 1, 2, 3, 1000, 1001, -1, 2 ** 31, 2 ** 53, -(2 ** 53), 1e308, 0.5, -0.0, true, false, null, '', '1', 'abc', 'resv.f', 'resv.f.regions[0]',
    'time.ns', 'region_chg f 0 1', 'advance 1ms', 'print 1', '0x0', 'mm:0x10000', 'resv:0x0', '{_stack}', '{{', '%s', '\u0000\u001b[2J', 'x'.repeat(5000),
    'constructor', '__proto__', 'toString', P.stopped, P.bad, dir, '/dev/zero', 'repl', 'watch', 'hover', 'clipboard', 'expect', 'internal', 'YWJj', '!!!']);
}

function shape(r: Rng, depth: number): unknown {
  const roll = r.int(0, 9);
  if (depth <= 0 || roll < 4) return scalar(r);
  if (roll < 6) return Array.from({ length: r.int(0, 3) }, () => shape(r, depth - 1));
  const o: Record<string, unknown> = {};
  for (let n = r.int(0, 4); n > 0; n--) o[r.pick(FIELDS)] = shape(r, depth - 1);
  if (r.chance(0.1)) Object.defineProperty(o, '__proto__', { value: { polluted: true }, enumerable: true });
  return o;
}

/** Arguments: none, a scalar, or (mostly) an object of known field names with random values. */
function args(r: Rng): unknown {
  const roll = r.int(0, 9);
  if (roll === 0) return undefined;
  if (roll === 1) return scalar(r);
  const o = shape(r, 3);
  return typeof o === 'object' && o !== null && !Array.isArray(o) ? o : { [r.pick(FIELDS)]: o };
}

type State = 'before launch' | 'stopped' | 'running';

/** Sets a session in its state again; a client whose adapter went away is replaced. */
async function setUp(c: RawClient, state: State): Promise<void> {
  await c.request('initialize', { adapterID: 'kstep', pathFormat: 'path', linesStartAt1: true, columnsStartAt1: true });
  if (state === 'before launch') return;
  const stop = state === 'stopped' ? c.event((e) => e.event === 'stopped' && (e as DebugProtocol.StoppedEvent).body.reason === 'entry') : undefined;
  const launched = c.request('launch', { program: state === 'stopped' ? P.stopped : P.running, stopOnEntry: state === 'stopped', maxSteps: 1e15 });
  await c.request('configurationDone');
  const r = await launched;
  if (!r.success) throw new Error(`launch failed: ${r.message ?? ''}`);
  if (stop) await stop;
}

function check(r: DebugProtocol.Response, sent: string, problems: string[]): void {
  const text = JSON.stringify(r);
  if (STACK.test(text)) problems.push(`a stack in the response to ${sent}: ${text.slice(0, 400)}`);
  if (text.includes(ROOT)) problems.push(`the install path in the response to ${sent}: ${text.slice(0, 400)}`);
}

describe('DAP fuzz: random argument shapes for every routed request', () => {
  it.each<State>(['before launch', 'stopped', 'running'])(`${PER_STATE} requests %s: each answered, none with a stack or an install path`, async (state) => {
    const r = new Rng(SEED ^ state.length);
    const keeps = ROUTED.filter((c) => KEEPS.has(c));
    const problems: string[] = [];
    const seen = new Set<string>();
    let c = new RawClient(dir);
    try {
      for (let sent = 0; sent < PER_STATE && problems.length < 5; ) {
        if (c.exited !== undefined) {
          problems.push(`the adapter exited (${c.exited}): ${c.stderr.slice(-300)}`);
          c = new RawClient(dir);
        }
        await setUp(c, state);
        const round: Array<Promise<void>> = [];
        let last: unknown;
        for (let i = 0; i < ROUND; i++, sent++) {
          // Before launch every request keeps the state, except one that launches.
          const pool = i === ROUND - 1 || state === 'before launch' ? ROUTED.filter((x) => state !== 'before launch' || x !== 'launch' || i === ROUND - 1) : keeps;
          // The last of a round is a request not sent yet while there is one: every routed request is fuzzed, whatever the seed.
          const unseen = i === ROUND - 1 ? pool.find((x) => !seen.has(x)) : undefined;
          const command = unseen ?? (r.chance(0.01) ? r.pick<unknown>([42, null, 'noSuchRequest', '', { a: 1 }]) : r.pick(pool));
          const a = args(r);
          const desc = `${String(command)}(${JSON.stringify(a)?.slice(0, 200) ?? ''})`;
          seen.add(String(command));
          last = command;
          round.push(c.request(command, a).then((resp) => check(resp, desc, problems), (e: Error) => void problems.push(e.message)));
        }
        await Promise.all(round);
        // A round ends with the adapter still answering.
        const t = await c.request('threads').catch((e: Error) => ({ success: false, message: e.message }) as DebugProtocol.Response);
        if (!t.success && !/no scenario|running/.test(t.message ?? '')) problems.push(`threads after a round: ${t.message ?? ''}`);
        // The next round launches again; only a launch ends the state before launch for good.
        if (state === 'before launch' && last === 'launch') {
          c.close();
          c = new RawClient(dir);
        }
      }
      expect(problems).toEqual([]);
      expect(ROUTED.every((x) => seen.has(x))).toBe(true);
      const t = await c.request('threads');
      expect(t.success).toBe(true);
    } finally {
      c.close();
    }
  }, 180_000);
});
