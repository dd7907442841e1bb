// The debug adapter over the wire: what a DAP client waits for on a step,
// a launch, a page of variables and a step back, each beside the transport
// floor (a trivial request's round trip) measured on the same connection.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { createSimulation, loadScenario } from '../src/sim';
import type { Connection, Dap } from './dap_client';
import { findVariable, INIT, launch, runToEndScope, stdio, stepRoundTrips, tcp, threadsRoundTrip } from './dap_client';
import { median, nowMs, percentile, report } from './report';

const STEP_WARMUP = 200;
const STEPS = 1_500;
const LAUNCH_RUNS = 5;
const PAGE_RUNS = 30;
const STEP_BACKS = 20;

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

async function stepFigures(conn: Connection, program: string, transport: string): Promise<void> {
  const { dap } = conn;
  await launch(dap, program, true);
  const { steps, floor } = await stepRoundTrips(dap, STEP_WARMUP, STEPS);
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


async function millionRegions(program: string): Promise<void> {
  const conn = stdio();
  const { dap } = conn;
  try {
    // Locate resv.f.regions the way the Variables view does.
    const { runMs, scope } = await runToEndScope(dap, program, 'hugetlb');
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
        await stepFigures(conn, steps, transport);
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
