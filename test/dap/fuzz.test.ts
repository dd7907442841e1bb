// DAP request fuzzing: thousands of random request sequences, each a launch
// and 5-30 requests with right, wrongly typed, unknown-id and out-of-order
// arguments, sent to a few long-lived adapter processes over stdio. Every
// request must get a response, the adapter must never exit, and a plain
// `threads` must still work after every sequence.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { ChildProcess } from 'node:child_process';
import type { Writable } from 'node:stream';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXAMPLES, ROOT, stdioClient } from '../support/dap';
import { Rng } from '../support/rng';

const SEED = 0xda9f022;
const CLIENTS = 3;
const SEQUENCES = 2_100;
/** No request may go unanswered longer than this. */
const RESPONSE_TIMEOUT_MS = 10_000;
/** FUZZ_ERRORS=1: print every distinct error message with its count (digits folded), to see what the adapter refuses and why. */
const ERRORS = new Map<string, number>();



/** The parts of DebugClient (a ProtocolClient) needed to send what its typed API cannot: non-object arguments, non-string commands. */
interface ClientInternals {
  outputStream: Writable;
  sequence: number;
  pendingRequests: Map<number, (r: DebugProtocol.Response) => void>;
  dispatch(body: string): void;
  _adapterProcess: ChildProcess | null;
}
const internals = (dc: DebugClient): ClientInternals => dc as unknown as ClientInternals;

// ---- scenarios -----------------------------------------------------------

interface Programs {
  dir: string;
  /** Scenarios that load: [path, line count]. */
  good: Array<[string, number]>;
  /** Paths a launch must refuse: missing, unparsable, a directory. */
  bad: string[];
}

function writePrograms(): Programs {
  const dir = mkdtempSync(join(tmpdir(), 'kstep-dap-fuzz-'));
  const files: Record<string, string> = {
    // Long enough that requests arrive while it runs. Its map stays small: a data breakpoint reads
    // its value at every step point, and reverseContinue replays the whole history in one
    // synchronous call (with a watch on a 40,000-region list that blocks the adapter for minutes,
    // a known limit this fuzzer does not exercise).
    'long.kstep': 'hugetlb file f\nrepeat 40000 {\n  region_chg f 0 1\n  region_add f 0 1\n  region_del f 0 1\n  advance 1ns\n}\nprint time.ns\n',
    // A list long enough to page through.
    'many.kstep': 'hugetlb file f\nrepeat 1000 {\n  region_chg f time.ns*2 time.ns*2+1\n  region_add f time.ns*2 time.ns*2+1\n  advance 1ns\n}\n',
    'exc.kstep': 'hugetlb file f\nregion_chg f 0 1\nexpect resv.f.adds_in_progress == 5\nregion_add f 0 1\nregion_count f 0 1\n',
    'procs.kstep': 'proc pair {\n  region_chg f 0 4\n  region_add f 0 4\n}\nhugetlb file f\ncall pair\nrepeat 3 {\n  call pair\n  region_del f 1 2\n}\nprint resv.f.regions\n',
    'empty.kstep': '',
    'comments.kstep': '# nothing but a comment\n\n',
    'bad.kstep': 'hugetlb file f\nregion_chg f (((\nnot a statement at all\nrepeat {\n',
    'bad2.kstep': '}\n\u0000\u00ff\uffff region_add\n',
  };
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const lines = (t: string): number => t.split('\n').length;
  const good: Array<[string, number]> = [
    [join(EXAMPLES, 'resv_map.kstep'), 55],
    [join(EXAMPLES, 'tour.kstep'), 40],
    ...readdirSync(join(ROOT, 'test', 'scenarios'))
      .filter((f) => f.endsWith('.kstep'))
      .map((f): [string, number] => [join(ROOT, 'test', 'scenarios', f), 40]),
    ...['long.kstep', 'many.kstep', 'exc.kstep', 'procs.kstep', 'empty.kstep', 'comments.kstep'].map((f): [string, number] => [join(dir, f), lines(files[f] as string)]),
  ];
  const bad = [join(dir, 'bad.kstep'), join(dir, 'bad2.kstep'), join(dir, 'missing.kstep'), dir, ''];
  return { dir, good, bad };
}

// ---- argument generators -------------------------------------------------

/** What the client has seen of the session: ids to use in "right" arguments. */
interface Seen {
  program: string;
  lines: number;
  frameIds: number[];
  varRefs: number[];
  varNames: Array<[number, string]>;
  sourceRefs: number[];
  stepInTargets: number[];
  gotoTargets: number[];
  dataIds: string[];
}

const UNKNOWN_IDS = [0, -1, 2, 7, 999, 424242, 2 ** 31 - 1, 2 ** 53, -(2 ** 31), 1.5];
const EXPRESSIONS = [
  'resv.f', 'resv.f.regions', 'resv.f.regions[0]', 'resv.f.adds_in_progress', 'resv.f.region_cache_count', 'time.ns', 'last', 'last.ret',
  'hugetlb', 'frame', 'frame.f', 'len(resv.f.regions)', 'resv', 'task', 'partition', '1 + 2', '-ENOMEM', 'resv.g', 'resv.f.regions[99999999999999999999]',
  '', ' ', '(((', ')', '{', '}', '{x}', '[', 'resv.', 'resv..f', '"unterminated', '1/0', '1 % 0', '__proto__', 'constructor', 'resv["__proto__"]',
  'resv.f.regions[-1]', 'x'.repeat(3000), '\u0000', '\ud800', '💥', 'resv.f.regions == [[0,1]]',
];
const STATEMENTS = ['region_chg f 0 1', 'region_add f 0 1', 'region_del f 0 100', 'hugetlb file g', 'advance 1ns', 'inject enomem', 'print resv', 'expect 1 == 2', 'repeat 3 {', 'call nope', 'proc p {', 'region_chg', 'region_chg nofile 0 1', 'hugetlb file f'];
const VALUES = ['5', '0', '-1', '0x10', '18446744073709551616', 'true', '"s"', 'resv.f.adds_in_progress + 1', '(((', '', 'resv.f', '{', 'ENOMEM'];
const CONDITIONS = ['resv.f.adds_in_progress > 0', 'time.ns % 2 == 0', 'true', 'nope.nope', '(((', '', 'resv.f.regions', '{'];
const HIT_CONDITIONS = ['2', '== 3', '>= 1', '% 2', '% 0', '< 0', 'abc', '', '>>> 1'];
const LOG_MESSAGES = ['at {time.ns}', 'regions {resv.f.regions}', '{', '{(((}', 'plain', '{}', '{nope}'];
const FUNCTIONS = ['region_chg', 'region_add', 'region_del', 'region_count', 'region_abort', 'resv_map_alloc', 'add_reservation_in_range', 'nope', '', ' region_add '];
const FILTERS = ['expect', 'bug', 'fault', 'device_private', 'sigbus', 'sigsegv', 'hv_error', 'scmi_error', 'nope', ''];

function junk(r: Rng, depth = 0): unknown {
  switch (r.int(0, depth > 2 ? 9 : 13)) {
    case 0: return null;
    case 1: return true;
    case 2: return r.pick(UNKNOWN_IDS);
    case 3: return -0.5;
    case 4: return 1e308;
    case 5: return 'abc';
    case 6: return '1';
    case 7: return '';
    case 8: return r.pick(EXPRESSIONS);
    case 9: return false;
    case 10: return [];
    case 11: return [junk(r, depth + 1), junk(r, depth + 1)];
    case 12: return { a: junk(r, depth + 1), source: junk(r, depth + 1), breakpoints: junk(r, depth + 1) };
    default: {
      // Deep nesting.
      let v: unknown = 'bottom';
      for (let i = 0; i < 40; i++) v = i % 2 ? [v] : { v };
      return v;
    }
  }
}

function id(r: Rng, seen: readonly number[]): unknown {
  if (seen.length && r.chance(0.7)) return r.pick(seen);
  return r.chance(0.8) ? r.pick(UNKNOWN_IDS) : junk(r);
}

function source(r: Rng, s: Seen, programs: Programs): DebugProtocol.Source {
  switch (r.int(0, 5)) {
    case 0: return { path: s.program || r.pick(programs.good)[0] };
    case 1: return { path: r.pick(programs.good)[0] };
    case 2: return { sourceReference: id(r, s.sourceRefs) as number };
    case 3: return { path: 'kstep-kernel:/mm/hugetlb.c', sourceReference: id(r, s.sourceRefs) as number };
    case 4: return { path: r.pick(programs.bad) };
    default: return {};
  }
}

function sourceBreakpoint(r: Rng, s: Seen): DebugProtocol.SourceBreakpoint {
  const b: DebugProtocol.SourceBreakpoint = { line: r.chance(0.85) ? r.int(0, s.lines + 2) : (junk(r) as number) };
  if (r.chance(0.3)) b.condition = r.pick(CONDITIONS);
  if (r.chance(0.2)) b.hitCondition = r.pick(HIT_CONDITIONS);
  if (r.chance(0.2)) b.logMessage = r.pick(LOG_MESSAGES);
  if (r.chance(0.1)) b.column = r.int(0, 4);
  return b;
}

const list = <T>(r: Rng, max: number, f: () => T): T[] => Array.from({ length: r.int(0, max) }, f);

type ArgGen = (r: Rng, s: Seen, p: Programs) => Record<string, unknown>;

/** Well-formed arguments for every request the adapter supports (and a few it does not). */
const RIGHT: Record<string, ArgGen> = {
  initialize: (r) => ({ adapterID: 'kstep', linesStartAt1: true, columnsStartAt1: true, pathFormat: r.chance(0.9) ? 'path' : 'uri' }),
  launch: (r, _s, p) => ({ program: r.chance(0.8) ? r.pick(p.good)[0] : r.pick(p.bad), stopOnEntry: r.chance(0.5), ...(r.chance(0.1) ? { noDebug: true } : {}) }),
  attach: () => ({}),
  configurationDone: () => ({}),
  restart: (r, _s, p) => (r.chance(0.5) ? {} : { arguments: { program: r.chance(0.8) ? r.pick(p.good)[0] : r.pick(p.bad), stopOnEntry: r.chance(0.5) } }),
  terminate: () => ({}),
  disconnect: (r) => ({ restart: r.chance(0.2), terminateDebuggee: r.chance(0.5) }),
  setBreakpoints: (r, s, p) => ({ source: source(r, s, p), breakpoints: list(r, 4, () => sourceBreakpoint(r, s)) }),
  setFunctionBreakpoints: (r) => ({
    breakpoints: list(r, 3, () => ({ name: r.pick(FUNCTIONS), ...(r.chance(0.3) ? { condition: r.pick(CONDITIONS) } : {}), ...(r.chance(0.2) ? { hitCondition: r.pick(HIT_CONDITIONS) } : {}) })),
  }),
  setExceptionBreakpoints: (r) => ({
    filters: list(r, 3, () => r.pick(FILTERS)),
    ...(r.chance(0.4) ? { filterOptions: list(r, 2, () => ({ filterId: r.pick(FILTERS), ...(r.chance(0.5) ? { condition: r.pick(CONDITIONS) } : {}) })) } : {}),
  }),
  setDataBreakpoints: (r, s) => ({
    breakpoints: list(r, 3, () => ({ dataId: s.dataIds.length && r.chance(0.6) ? r.pick(s.dataIds) : r.pick(EXPRESSIONS), ...(r.chance(0.3) ? { condition: r.pick(CONDITIONS) } : {}) })),
  }),
  dataBreakpointInfo: (r, s) => {
    if (s.varNames.length && r.chance(0.5)) {
      const [ref, name] = r.pick(s.varNames);
      return { variablesReference: ref, name };
    }
    return { name: r.pick(EXPRESSIONS), ...(r.chance(0.3) ? { variablesReference: id(r, s.varRefs) } : {}) };
  },
  continue: (r) => ({ threadId: r.chance(0.9) ? 1 : r.pick(UNKNOWN_IDS) }),
  next: (r) => ({ threadId: r.chance(0.9) ? 1 : r.pick(UNKNOWN_IDS), ...(r.chance(0.2) ? { granularity: r.pick(['statement', 'line', 'instruction']) } : {}) }),
  stepIn: (r, s) => ({ threadId: 1, ...(r.chance(0.3) ? { targetId: id(r, s.stepInTargets) } : {}) }),
  stepOut: () => ({ threadId: 1 }),
  stepBack: () => ({ threadId: 1 }),
  reverseContinue: () => ({ threadId: 1 }),
  restartFrame: (r, s) => ({ frameId: id(r, s.frameIds) }),
  goto: (r, s) => ({ threadId: 1, targetId: s.gotoTargets.length && r.chance(0.6) ? r.pick(s.gotoTargets) : r.int(0, s.lines + 2) }),
  gotoTargets: (r, s, p) => ({ source: source(r, s, p), line: r.int(0, s.lines + 2) }),
  stepInTargets: (r, s) => ({ frameId: id(r, s.frameIds) }),
  pause: () => ({ threadId: 1 }),
  threads: () => ({}),
  stackTrace: (r) => ({ threadId: 1, ...(r.chance(0.3) ? { startFrame: r.int(0, 3), levels: r.int(0, 5) } : {}) }),
  scopes: (r, s) => ({ frameId: id(r, s.frameIds) }),
  variables: (r, s) => ({
    variablesReference: id(r, s.varRefs),
    ...(r.chance(0.3) ? { filter: r.pick(['indexed', 'named']) } : {}),
    ...(r.chance(0.3) ? { start: r.int(0, 5), count: r.int(0, 20) } : {}),
    ...(r.chance(0.2) ? { format: { hex: r.chance(0.5) } } : {}),
  }),
  setVariable: (r, s) => {
    const [ref, name] = s.varNames.length && r.chance(0.8) ? r.pick(s.varNames) : [id(r, s.varRefs), r.pick(['x', 'adds_in_progress', '[0]', 'ns'])];
    return { variablesReference: ref, name, value: r.pick(VALUES), ...(r.chance(0.2) ? { format: { hex: true } } : {}) };
  },
  setExpression: (r) => ({ expression: r.pick(EXPRESSIONS), value: r.pick(VALUES) }),
  evaluate: (r, s) => {
    const context = r.pick(['watch', 'repl', 'hover', 'clipboard', 'variables', 'nope']);
    const expression = context === 'repl' && r.chance(0.5) ? r.pick(STATEMENTS) : r.pick(EXPRESSIONS);
    return { expression, context, ...(r.chance(0.4) ? { frameId: id(r, s.frameIds) } : {}), ...(r.chance(0.2) ? { format: { hex: r.chance(0.5) } } : {}) };
  },
  completions: (r, s) => {
    const text = r.pick([...EXPRESSIONS, 'resv.f.', 'resv.', 're', 'frame.', 'hugetlb.', 'resv.f.regions[0].', 'last.']);
    return { text, column: r.chance(0.8) ? text.length + 1 : r.int(-3, 5000), ...(r.chance(0.3) ? { frameId: id(r, s.frameIds) } : {}) };
  },
  source: (r, s, p) => {
    const src = source(r, s, p);
    return { source: src, sourceReference: src.sourceReference ?? id(r, s.sourceRefs) };
  },
  loadedSources: () => ({}),
  exceptionInfo: () => ({ threadId: 1 }),
  breakpointLocations: (r, s, p) => ({ source: source(r, s, p), line: r.int(0, s.lines), ...(r.chance(0.5) ? { endLine: r.int(0, s.lines + 5) } : {}) }),
  cancel: (r) => ({ ...(r.chance(0.5) ? { requestId: r.int(0, 50_000) } : {}), ...(r.chance(0.3) ? { progressId: 'p' } : {}) }),
  terminateThreads: () => ({ threadIds: [1] }),
  readMemory: (r) => ({ memoryReference: r.pick(['resv:0x0', 'x', '']), count: r.int(0, 64) }),
  writeMemory: () => ({ memoryReference: 'resv:0x0', data: 'AAAA' }),
  disassemble: () => ({ memoryReference: 'resv:0x0', instructionCount: 4 }),
  setInstructionBreakpoints: () => ({ breakpoints: [{ instructionReference: '0x0' }] }),
  modules: () => ({}),
  // Commands the adapter does not know.
  frobnicate: () => ({ x: 1 }),
  '': () => ({}),
  constructor: () => ({}),
  toString: () => ({}),
  runInTerminal: () => ({ args: ['ls'], cwd: '/' }),
};
// `__proto__` in an object literal would set the prototype: define it as a real key.
Object.defineProperty(RIGHT, '__proto__', { value: () => ({}), enumerable: true });
const COMMANDS = Object.keys(RIGHT);
/** Requests that move the run: drawn more often so the session goes through its states. */
const MOVES = ['next', 'stepIn', 'stepOut', 'stepBack', 'continue', 'reverseContinue', 'pause', 'stackTrace', 'scopes', 'variables', 'evaluate', 'setVariable'];

/** Replaces some fields of well-formed arguments by junk or unknown ids. */
function mutate(r: Rng, v: unknown, depth = 0): unknown {
  if (r.chance(depth === 0 ? 0.05 : 0.25)) return junk(r);
  if (Array.isArray(v)) return r.chance(0.2) ? [...v, junk(r)] : v.map((x) => mutate(r, x, depth + 1));
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      if (r.chance(0.1)) continue; // drop a required field
      out[k] = r.chance(0.4) ? mutate(r, x, depth + 1) : x;
    }
    if (r.chance(0.15)) out[r.pick(['threadId', 'frameId', 'variablesReference', 'sourceReference', 'targetId', 'start', 'count', 'levels', 'name', 'value'])] = junk(r);
    return out;
  }
  return r.chance(0.5) ? junk(r) : v;
}

interface Plan {
  command: unknown;
  args: unknown;
  /** false: send the request with no `arguments` at all. */
  withArgs: boolean;
  /** Send it without waiting for the previous responses. */
  pipelined: boolean;
}

function plan(r: Rng, command: string, s: Seen, p: Programs): Plan {
  const right = (RIGHT[command] as ArgGen)(r, s, p);
  const roll = r.next();
  let args: unknown = right;
  let withArgs = true;
  if (roll < 0.5) args = right;
  else if (roll < 0.8) args = mutate(r, right);
  else if (roll < 0.9) withArgs = false;
  else args = junk(r);
  return { command, args, withArgs, pipelined: r.chance(0.2) };
}

// ---- the fuzzer ------------------------------------------------------------

interface Stats {
  sequences: number;
  requests: number;
  ok: number;
  failed: number;
  byCommand: Map<string, number>;
  slowest: { ms: number; command: string };
}

class Fuzzer {
  private readonly log: string[] = [];
  exited: string | undefined;
  /** Rejects when the adapter process exits: no request waits for its timeout then. */
  private readonly died: Promise<never>;
  readonly stderr: string[] = [];
  readonly duplicates: string[] = [];
  private readonly seen: Seen = { program: '', lines: 1, frameIds: [], varRefs: [], varNames: [], sourceRefs: [], stepInTargets: [], gotoTargets: [], dataIds: [] };
  private configured = false;

  constructor(
    readonly dc: DebugClient,
    private readonly programs: Programs,
    private readonly stats: Stats,
  ) {
    const int = internals(dc);
    this.died = new Promise<never>((_, reject) => {
      int._adapterProcess?.on('exit', (code, signal) => {
        this.exited = `adapter exited: code ${code}, signal ${signal}`;
        reject(new Error(this.exited));
      });
    });
    this.died.catch(() => undefined); // reported through the requests it fails
    int._adapterProcess?.stderr?.on('data', (d: Buffer) => this.stderr.push(d.toString()));
    // Count responses per request: a second response to one request is a bug too.
    const answered = new Set<number>();
    const dispatch = int.dispatch.bind(dc);
    int.dispatch = (body: string): void => {
      const msg = JSON.parse(body) as { type: string; request_seq: number; command: string };
      if (msg.type === 'response') {
        if (answered.has(msg.request_seq)) this.duplicates.push(`${msg.command} #${msg.request_seq}`);
        answered.add(msg.request_seq);
      }
      dispatch(body);
    };
  }

  /** Sends one request; resolves with its response (success or error) or rejects after RESPONSE_TIMEOUT_MS. */
  send(command: unknown, args: unknown, withArgs: boolean): Promise<DebugProtocol.Response> {
    const int = internals(this.dc);
    this.log.push(`${String(command)} ${withArgs ? JSON.stringify(args)?.slice(0, 300) : '(no arguments)'}`);
    if (this.log.length > 60) this.log.shift();
    this.stats.requests++;
    this.stats.byCommand.set(String(command), (this.stats.byCommand.get(String(command)) ?? 0) + 1);
    let answer: Promise<DebugProtocol.Response>;
    const plainObject = args !== null && typeof args === 'object' && !Array.isArray(args) && Object.keys(args).length > 0;
    if (typeof command === 'string' && (plainObject || !withArgs)) {
      // The client's own path; an error response rejects with its message.
      answer = this.dc.customRequest(command, withArgs ? args : undefined).then(
        (resp) => resp,
        (e: Error) => ({ seq: 0, type: 'response', request_seq: 0, command, success: false, message: e.message }),
      );
    } else {
      // DebugClient drops `arguments` that are not a non-empty object: frame the request by hand.
      const seq = int.sequence++;
      const req = { type: 'request', seq, command, arguments: args };
      const json = JSON.stringify(req);
      answer = new Promise((resolve) => {
        int.pendingRequests.set(seq, resolve);
        int.outputStream.write(`Content-Length: ${Buffer.byteLength(json, 'utf8')}\r\n\r\n${json}`, 'utf8');
      });
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no response to ${String(command)} within ${RESPONSE_TIMEOUT_MS} ms`)), RESPONSE_TIMEOUT_MS);
    });
    const t0 = Date.now();
    return Promise.race([answer, timeout, this.died]).then((resp) => {
      clearTimeout(timer);
      const ms = Date.now() - t0;
      if (ms > this.stats.slowest.ms) this.stats.slowest = { ms, command: String(command) };
      if (resp.success) this.stats.ok++;
      else {
        this.stats.failed++;
        if (process.env.FUZZ_ERRORS) {
          const k = `${String(command)}: ${String(resp.message).replace(/\d+/g, 'N').slice(0, 140)}`;
          ERRORS.set(k, (ERRORS.get(k) ?? 0) + 1);
        }
      }
      this.learn(String(command), resp);
      return resp;
    });
  }

  /** Keeps ids from responses so later requests can use them. */
  private learn(command: string, resp: DebugProtocol.Response): void {
    if (!resp.success || !resp.body) return;
    const s = this.seen;
    const body = resp.body as Record<string, unknown>;
    const keep = <T>(xs: T[], v: T): void => {
      xs.push(v);
      if (xs.length > 40) xs.shift();
    };
    switch (command) {
      case 'stackTrace':
        s.frameIds = (body.stackFrames as DebugProtocol.StackFrame[]).map((f) => f.id);
        for (const f of body.stackFrames as DebugProtocol.StackFrame[]) if (f.source?.sourceReference) keep(s.sourceRefs, f.source.sourceReference);
        break;
      case 'scopes':
        for (const sc of body.scopes as DebugProtocol.Scope[]) keep(s.varRefs, sc.variablesReference);
        break;
      case 'variables':
        for (const v of body.variables as DebugProtocol.Variable[]) {
          if (v.variablesReference) keep(s.varRefs, v.variablesReference);
        }
        break;
      case 'evaluate':
        if (typeof body.variablesReference === 'number' && body.variablesReference > 0) keep(s.varRefs, body.variablesReference);
        break;
      case 'loadedSources':
        for (const src of body.sources as DebugProtocol.Source[]) if (src.sourceReference) keep(s.sourceRefs, src.sourceReference);
        break;
      case 'stepInTargets':
        s.stepInTargets = (body.targets as DebugProtocol.StepInTarget[]).map((t) => t.id);
        break;
      case 'gotoTargets':
        s.gotoTargets = (body.targets as DebugProtocol.GotoTarget[]).map((t) => t.id);
        break;
      case 'dataBreakpointInfo':
        if (typeof body.dataId === 'string') keep(s.dataIds, body.dataId);
        break;
    }
  }

  /** Names under a variables reference, for setVariable and dataBreakpointInfo. */
  private async learnNames(r: Rng): Promise<void> {
    if (!this.seen.varRefs.length || !r.chance(0.3)) return;
    const ref = r.pick(this.seen.varRefs);
    const resp = await this.send('variables', { variablesReference: ref, count: 10 }, true);
    if (resp.success) {
      for (const v of (resp.body as DebugProtocol.VariablesResponse['body']).variables) {
        this.seen.varNames.push([ref, v.name]);
        if (this.seen.varNames.length > 40) this.seen.varNames.shift();
      }
    }
  }

  async sequence(index: number): Promise<void> {
    const r = new Rng(SEED ^ Math.imul(index + 1, 0x9e3779b1));
    const p = this.programs;
    const pending: Array<Promise<Error | undefined>> = [];
    const fire = async (pl: Plan): Promise<void> => {
      const a = this.send(pl.command, pl.args, pl.withArgs);
      // A pipelined request is awaited at the end of the sequence; its failure is kept until then.
      if (pl.pipelined) pending.push(a.then(() => undefined, (e: Error) => e));
      else await a;
    };
    const randomRequest = (): Plan => {
      const command = r.chance(0.35) ? r.pick(MOVES) : r.pick(COMMANDS);
      const pl = plan(r, command, this.seen, p);
      if (r.chance(0.02)) pl.command = r.pick([7, null, ['next'], { c: 1 }]); // a command that is not a string
      return pl;
    };

    // Out of order: requests before the launch (next before launch, variables of a dead run...).
    if (r.chance(0.15)) for (let i = r.int(1, 3); i > 0; i--) await fire(randomRequest());
    if (r.chance(0.1)) await fire(plan(r, 'initialize', this.seen, p));

    // The launch: usually a scenario that loads; sometimes a missing or unparsable one, or junk arguments.
    const good = r.chance(0.8);
    const [program, lines] = good ? r.pick(p.good) : [r.pick(p.bad), 1];
    const launchArgs: Record<string, unknown> = { program, stopOnEntry: r.chance(0.5), ...(r.chance(0.05) ? { noDebug: true } : {}) };
    const viaRestart = this.configured && r.chance(0.2);
    let launch: Plan = viaRestart
      ? { command: 'restart', args: { arguments: launchArgs }, withArgs: true, pipelined: false }
      : { command: 'launch', args: launchArgs, withArgs: true, pipelined: false };
    const junkLaunch = r.chance(0.08);
    if (junkLaunch) launch = { ...plan(r, 'launch', this.seen, p), pipelined: false };
    this.seen.program = good ? program : '';
    this.seen.lines = lines;
    this.seen.frameIds = [];
    this.seen.varRefs = [];
    this.seen.varNames = [];
    this.seen.stepInTargets = [];
    this.seen.gotoTargets = [];
    let launched: DebugProtocol.Response;
    if (launch.command === 'launch' && (!this.configured || r.chance(0.7))) {
      // The launch answers once configuration is done (or after 2 s without it).
      const answer = this.send(launch.command, launch.args, launch.withArgs);
      if (r.chance(0.5)) await fire(plan(r, 'setBreakpoints', this.seen, p));
      await this.send('configurationDone', {}, false);
      this.configured = true;
      launched = await answer;
    } else launched = await this.send(launch.command, launch.args, launch.withArgs);
    // A well-formed launch of a scenario that loads succeeds whatever came before it (malformed breakpoints included).
    if (good && !junkLaunch && !launched.success) throw new Error(`${launch.command} of ${program} failed: ${launched.message}`);

    const n = r.int(5, 30);
    for (let i = 0; i < n; i++) {
      await this.learnNames(r);
      await fire(randomRequest());
    }
    const lost = (await Promise.all(pending)).find((e) => e !== undefined);
    if (lost) throw lost;
    const t = await this.send('threads', {}, false);
    if (!t.success) throw new Error(`threads failed after sequence ${index}: ${t.message}`);
    if (this.exited) throw new Error(this.exited);
    this.stats.sequences++;
  }

  recent(): string {
    return this.log.join('\n');
  }
}

describe('dap fuzz', () => {
  let programs: Programs;
  const clients: DebugClient[] = [];
  beforeAll(() => {
    programs = writePrograms();
  });
  afterAll(async () => {
    await Promise.all(clients.map((dc) => dc.stop()));
    rmSync(programs.dir, { recursive: true, force: true });
  });

  it(`answers every request of ${SEQUENCES} random request sequences and never exits`, async () => {
    const t0 = Date.now();
    const stats: Stats = { sequences: 0, requests: 0, ok: 0, failed: 0, byCommand: new Map(), slowest: { ms: 0, command: '' } };
    const fuzzers: Fuzzer[] = [];
    let failed = false;
    for (let c = 0; c < CLIENTS; c++) {
      const dc = await stdioClient();
      dc.defaultTimeout = RESPONSE_TIMEOUT_MS;
      clients.push(dc);
      await dc.initializeRequest();
      fuzzers.push(new Fuzzer(dc, programs, stats));
    }
    await Promise.all(
      fuzzers.map(async (f, c) => {
        for (let i = c; i < SEQUENCES && !failed; i += CLIENTS) {
          try {
            await f.sequence(i);
          } catch (e) {
            failed = true;
            throw new Error(`sequence ${i} (client ${c}): ${(e as Error).message}\nlast requests:\n${f.recent()}\nadapter stderr:\n${f.stderr.join('').slice(-3000)}`);
          }
        }
      }),
    );
    const ms = Date.now() - t0;
    const top = [...stats.byCommand].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k || "''"}:${v}`).join(' ');
    console.log(
      `dap fuzz: ${stats.sequences} sequences, ${stats.requests} requests (${stats.ok} succeeded, ${stats.failed} error responses) on ${CLIENTS} adapter processes in ${(ms / 1000).toFixed(1)} s; slowest response ${stats.slowest.ms} ms (${stats.slowest.command})\n${top}`,
    );
    if (process.env.FUZZ_ERRORS) console.log([...ERRORS].sort().map(([k, v]) => `${v}\t${k}`).join('\n'));
    for (const f of fuzzers) {
      expect(f.exited).toBeUndefined();
      expect(f.duplicates).toEqual([]);
      // The session reports double responses and crashes on stderr.
      expect(f.stderr.join('')).not.toMatch(/more than one response|Error|at .*adapter\.js/);
    }
    expect(stats.sequences).toBe(SEQUENCES);
  }, 300_000);
});
