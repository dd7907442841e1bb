// The debug adapter over the wire: what a DAP client waits for on a step,
// a launch, a page of variables and a step back, each beside the transport
// floor (a trivial request's round trip) measured on the same connection.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { createSimulation, loadScenario } from '../src/sim';
import { median, nowMs, report } from './report';

/** dist/adapter.js: beside dist/bench.js once bundled, or from bench/ when run from source. */
const ADAPTER = [join(__dirname, 'adapter.js'), join(__dirname, '..', 'dist', 'adapter.js')].find((p) => existsSync(p)) ?? join(__dirname, 'adapter.js');

const STEP_WARMUP = 200;
const STEPS = 1_500;
const LAUNCH_RUNS = 5;
const PAGE_RUNS = 30;
const STEP_BACKS = 20;

/**
 * A minimal DAP client: Content-Length framing over any byte stream, one
 * promise per request, one-shot event waiters. Nothing else, so its own
 * overhead stays far below what it measures.
 */
class Dap {
  private seq = 1;
  private buf: Buffer = Buffer.alloc(0);
  private readonly pending = new Map<number, (r: DebugProtocol.Response) => void>();
  private readonly waiters: Array<{ event: string; resolve: (e: DebugProtocol.Event) => void }> = [];

  constructor(
    private readonly out: Writable,
    input: Readable,
  ) {
    input.on('data', (d: Buffer) => this.onData(d));
  }

  request(command: string, args?: object): Promise<DebugProtocol.Response> {
    const seq = this.seq++;
    const json = JSON.stringify(args === undefined ? { seq, type: 'request', command } : { seq, type: 'request', command, arguments: args });
    const answer = new Promise<DebugProtocol.Response>((resolve) => this.pending.set(seq, resolve));
    this.out.write(`Content-Length: ${Buffer.byteLength(json, 'utf8')}\r\n\r\n${json}`);
    return answer;
  }

  /** A request that must succeed; its body. */
  async body<T>(command: string, args?: object): Promise<T> {
    const r = await this.request(command, args);
    if (!r.success) throw new Error(`${command} failed: ${r.message}`);
    return r.body as T;
  }

  /** The next event of this name: ask before sending what causes it. */
  once(event: string): Promise<DebugProtocol.Event> {
    return new Promise((resolve) => this.waiters.push({ event, resolve }));
  }

  private onData(d: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
    for (;;) {
      const head = this.buf.indexOf('\r\n\r\n');
      if (head < 0) return;
      const m = /Content-Length: *(\d+)/i.exec(this.buf.toString('latin1', 0, head));
      if (!m) throw new Error('DAP message without Content-Length');
      const start = head + 4;
      const end = start + Number(m[1]);
      if (this.buf.length < end) return;
      const msg = JSON.parse(this.buf.toString('utf8', start, end)) as DebugProtocol.ProtocolMessage;
      this.buf = this.buf.subarray(end);
      if (msg.type === 'response') {
        const r = msg as DebugProtocol.Response;
        const done = this.pending.get(r.request_seq);
        this.pending.delete(r.request_seq);
        done?.(r);
      } else if (msg.type === 'event') {
        const e = msg as DebugProtocol.Event;
        const i = this.waiters.findIndex((w) => w.event === e.event);
        if (i >= 0) this.waiters.splice(i, 1)[0]?.resolve(e);
      }
    }
  }
}

interface Connection {
  dap: Dap;
  close(): Promise<void>;
}

function exited(p: ChildProcess): Promise<void> {
  return p.exitCode !== null || p.signalCode !== null ? Promise.resolve() : new Promise((r) => p.once('exit', () => r()));
}

/** `node dist/adapter.js`, DAP on its stdin/stdout. */
function stdio(): Connection & { proc: ChildProcess } {
  const proc = spawn(process.execPath, [ADAPTER], { stdio: ['pipe', 'pipe', 'inherit'] });
  const dap = new Dap(proc.stdin as Writable, proc.stdout as Readable);
  return {
    dap,
    proc,
    close: async () => {
      proc.kill();
      await exited(proc);
    },
  };
}

/** `node dist/adapter.js --server=0` and one TCP connection to it, Nagle off on the client side too. */
async function tcp(): Promise<Connection> {
  const proc = spawn(process.execPath, [ADAPTER, '--server=0'], { stdio: ['ignore', 'ignore', 'pipe'] });
  const port = await new Promise<number>((resolve, reject) => {
    let err = '';
    proc.stderr?.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /listening on 127\.0\.0\.1:(\d+)/.exec(err);
      if (m) resolve(Number(m[1]));
    });
    proc.once('exit', (code) => reject(new Error(`dap server exited with ${code}: ${err}`)));
  });
  const socket: Socket = await new Promise((resolve, reject) => {
    const s = connect({ port, host: '127.0.0.1' }, () => resolve(s));
    s.once('error', reject);
  });
  socket.setNoDelay(true);
  return {
    dap: new Dap(socket, socket),
    close: async () => {
      socket.destroy();
      proc.kill();
      await exited(proc);
    },
  };
}

const INIT = { adapterID: 'kstep', clientID: 'kstep-bench', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' };

/** initialize, launch, configurationDone; resolves with the first `stopped` event. */
async function launch(dap: Dap, program: string, stopOnEntry: boolean): Promise<DebugProtocol.StoppedEvent> {
  const stopped = dap.once('stopped');
  await dap.body('initialize', INIT);
  const launched = dap.request('launch', { program, stopOnEntry });
  await dap.body('configurationDone');
  const r = await launched;
  if (!r.success) throw new Error(`launch ${program}: ${r.message}`);
  return (await stopped) as DebugProtocol.StoppedEvent;
}

/** The transport floor: a `threads` round trip. */
async function threadsRoundTrip(dap: Dap): Promise<number> {
  const t0 = nowMs();
  await dap.body('threads');
  return nowMs() - t0;
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] as number;
}

// ---- scenarios -------------------------------------------------------------

/** `hugetlb file f`, then 2,000 statements: region_chg / region_add / region_count over various offsets. */
function stepScenario(): string {
  const lines = ['hugetlb file f'];
  for (let i = 0; i < 2000; i++) {
    const g = Math.floor(i / 3);
    const from = (g * 37) % 1000;
    const to = from + 1 + (g % 4);
    lines.push([`region_chg f ${from} ${to}`, `region_add f ${from} ${to}`, `region_count f 0 ${to}`][i % 3] as string);
  }
  return `${lines.join('\n')}\n`;
}

/** A resv_map of 1,000,000 single-page regions. */
const MILLION_REGIONS = 'hugetlb file f\nrepeat 1000000 {\n  region_chg f time.ns*2 time.ns*2+1\n  region_add f time.ns*2 time.ns*2+1\n  advance 1ns\n}\n';

/** Small state, a long history: just over 1,000,000 step points. */
const MILLION_STEPS = 'hugetlb file f\nrepeat 333334 {\n  region_count f 0 1\n}\n';

// ---- figures -----------------------------------------------------------------

async function stepRoundTrips(conn: Connection, program: string, transport: string): Promise<void> {
  const { dap } = conn;
  await launch(dap, program, true);
  const steps: number[] = [];
  const floor: number[] = [];
  for (let i = 0; i < STEP_WARMUP + STEPS; i++) {
    const t0 = nowMs();
    const stopped = dap.once('stopped');
    void dap.request('next', { threadId: 1 });
    const ev = (await stopped) as DebugProtocol.StoppedEvent;
    await dap.body('stackTrace', { threadId: 1, startFrame: 0, levels: 20 });
    const ms = nowMs() - t0;
    if (ev.body.reason !== 'step') throw new Error(`step ${i} stopped for '${ev.body.reason}', not 'step'`);
    const f = await threadsRoundTrip(dap);
    if (i >= STEP_WARMUP) {
      steps.push(ms);
      floor.push(f);
    }
  }
  const note = `${STEPS} steps after ${STEP_WARMUP} warm-up over a 2,001-line scenario; next -> stopped event -> stackTrace response; floor: a threads round trip after each step`;
  for (const p of [50, 99]) {
    report({
      name: `dap_step_round_trip_p${p}[${transport}]`,
      value: percentile(steps, p),
      unit: 'ms',
      baseline: { name: `threads round trip p${p} on the same connection (transport floor)`, value: percentile(floor, p) },
      ...(p === 50 ? { goal: '<= 0.4 ms and <= 2x the floor' } : {}),
      note,
    });
  }
}

async function launchToFirstStop(program: string): Promise<void> {
  const launches: number[] = [];
  const inits: number[] = [];
  for (let r = 0; r < LAUNCH_RUNS; r++) {
    // Measured: spawn, then initialize + launch(stopOnEntry) + configurationDone written at once, until `stopped`.
    let t0 = nowMs();
    const a = stdio();
    const stopped = a.dap.once('stopped');
    void a.dap.request('initialize', INIT);
    void a.dap.request('launch', { program, stopOnEntry: true });
    void a.dap.request('configurationDone');
    await stopped;
    launches.push(nowMs() - t0);
    await a.close();
    // Baseline: spawn and the initialize response alone.
    t0 = nowMs();
    const b = stdio();
    await b.dap.body('initialize', INIT);
    inits.push(nowMs() - t0);
    await b.close();
  }
  report({
    name: 'dap_launch_to_first_stop',
    value: median(launches),
    unit: 'ms',
    baseline: { name: 'spawn the adapter and get the initialize response', value: median(inits) },
    note: `median of ${LAUNCH_RUNS} fresh stdio adapters, 2,001-line scenario, stopOnEntry; both timed from spawn`,
  });
}

async function findVariable(dap: Dap, ref: number, name: string): Promise<DebugProtocol.Variable> {
  const { variables } = await dap.body<DebugProtocol.VariablesResponse['body']>('variables', { variablesReference: ref });
  const v = variables.find((x) => x.name === name);
  if (!v) throw new Error(`no variable '${name}' (have: ${variables.map((x) => x.name).join(', ')})`);
  return v;
}

async function millionRegions(program: string): Promise<void> {
  const conn = stdio();
  const { dap } = conn;
  try {
    const t0 = nowMs();
    const stop = await launch(dap, program, false);
    const runMs = nowMs() - t0;
    if (stop.body.reason !== 'end') throw new Error(`the 1,000,000-region scenario stopped for '${stop.body.reason}'`);
    // Locate resv.f.regions the way the Variables view does.
    const { stackFrames } = await dap.body<DebugProtocol.StackTraceResponse['body']>('stackTrace', { threadId: 1 });
    const { scopes } = await dap.body<DebugProtocol.ScopesResponse['body']>('scopes', { frameId: stackFrames[0]?.id ?? 0 });
    const scope = scopes.find((s) => s.name === 'hugetlb');
    if (!scope) throw new Error('no hugetlb scope');
    const resv = await findVariable(dap, scope.variablesReference, 'resv');
    const f = await findVariable(dap, resv.variablesReference, 'f');
    const regions = await findVariable(dap, f.variablesReference, 'regions');
    if (regions.indexedVariables !== 1_000_000) throw new Error(`resv.f.regions has ${regions.indexedVariables} indexed variables, not 1,000,000`);
    for (const start of [0, 500_000, 999_900]) {
      const page: number[] = [];
      const floor: number[] = [];
      for (let i = 0; i < PAGE_RUNS + 5; i++) {
        const t = nowMs();
        const { variables } = await dap.body<DebugProtocol.VariablesResponse['body']>('variables', { variablesReference: regions.variablesReference, filter: 'indexed', start, count: 100 });
        const ms = nowMs() - t;
        if (variables.length !== 100) throw new Error(`a page at ${start} has ${variables.length} variables`);
        const fl = await threadsRoundTrip(dap);
        if (i >= 5) {
          page.push(ms);
          floor.push(fl);
        }
      }
      report({
        name: `dap_variables_page_100_of_1M[start=${start}]`,
        value: median(page),
        unit: 'ms',
        baseline: { name: 'threads round trip on the same connection', value: median(floor) },
        goal: '<= 2 ms',
        note: `resv.f.regions with 1,000,000 regions, filter indexed, count 100; median of ${PAGE_RUNS}; the scenario ran to its end in ${Math.round(runMs)} ms`,
      });
    }
    // Stepping back where every snapshot holds a 1,000,000-region map.
    const { backs, floor } = await stepBacks(dap);
    report({
      name: 'dap_step_back_with_1M_regions',
      value: median(backs),
      unit: 'ms',
      baseline: { name: 'threads round trip on the same connection', value: median(floor) },
      note: `stepBack -> stopped, median of ${STEP_BACKS} from the end of the 1,000,000-region scenario (max ${Math.round(Math.max(...backs))} ms)`,
    });
  } finally {
    await conn.close();
  }
}

async function stepBacks(dap: Dap): Promise<{ backs: number[]; floor: number[] }> {
  const backs: number[] = [];
  const floor: number[] = [];
  for (let i = 0; i < STEP_BACKS; i++) {
    const t = nowMs();
    const stopped = dap.once('stopped');
    void dap.request('stepBack', { threadId: 1 });
    const ev = (await stopped) as DebugProtocol.StoppedEvent;
    backs.push(nowMs() - t);
    if (ev.body.reason !== 'step') throw new Error(`stepBack stopped for '${ev.body.reason}'`);
    floor.push(await threadsRoundTrip(dap));
  }
  return { backs, floor };
}

async function millionStepPoints(program: string): Promise<void> {
  // How many step points the run records: the same program, headless.
  const { program: parsed } = loadScenario(program, readFileSync(program, 'utf8'));
  const m = createSimulation(parsed, { history: false }).machine;
  m.resume('continue');
  const points = m.step;
  if (points < 1_000_000) throw new Error(`only ${points} step points`);
  const conn = stdio();
  try {
    const stop = await launch(conn.dap, program, false);
    if (stop.body.reason !== 'end') throw new Error(`the step-point scenario stopped for '${stop.body.reason}'`);
    const { backs, floor } = await stepBacks(conn.dap);
    report({
      name: 'dap_step_back_at_1M_step_points',
      value: median(backs),
      unit: 'ms',
      baseline: { name: 'threads round trip on the same connection', value: median(floor) },
      goal: '<= 10 ms',
      note: `stepBack -> stopped over stdio, median of ${STEP_BACKS} from the end of ${points} step points (max ${Math.max(...backs).toFixed(2)} ms)`,
    });
  } finally {
    await conn.close();
  }
}

export async function benchDap(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'kstep-bench-dap-'));
  try {
    const steps = join(dir, 'steps.kstep');
    const regions = join(dir, 'regions.kstep');
    const points = join(dir, 'points.kstep');
    writeFileSync(steps, stepScenario());
    writeFileSync(regions, MILLION_REGIONS);
    writeFileSync(points, MILLION_STEPS);
    for (const [transport, open] of [['stdio', async () => stdio()], ['tcp', tcp]] as const) {
      const conn = await open();
      try {
        await stepRoundTrips(conn, steps, transport);
      } finally {
        await conn.close();
      }
    }
    await launchToFirstStop(steps);
    await millionRegions(regions);
    await millionStepPoints(points);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
