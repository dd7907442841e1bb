// The DAP step round trip against the transport floor, in interleaved pairs: `--only=dap_step [adapter.js]`
// measures this build's adapter, or another build's beside it when one is given (a before/after in one run).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launch, stdio, stepRoundTrips } from './dap_client';
import type { Connection } from './dap_client';
import { percentile, reportPairSamples } from './report';

const PAIRS = 7;
const STEPS = 400;
const WARMUP = 100;

/** `next` -> stopped -> stackTrace response, and a threads round trip after each: p50 and p99 of both over STEPS steps. */
async function block(conn: Connection, program: string): Promise<{ p50: number; p99: number; f50: number; f99: number }> {
  const { dap } = conn;
  await launch(dap, program, true);
  const { steps, floor } = await stepRoundTrips(dap, WARMUP, STEPS);
  return { p50: percentile(steps, 50), p99: percentile(steps, 99), f50: percentile(floor, 50), f99: percentile(floor, 99) };
}

/**
 * The structural floor of a step: an adapter (on the same library) that answers initialize, launch,
 * configurationDone, threads, next (response, then stopped) and stackTrace at once, doing nothing else. A step
 * is two round trips and three messages to the client's one of `threads`: this adapter's step against its own
 * `threads` is what any adapter's ratio can at best be.
 */
function minimalAdapter(dir: string): string {
  const lib = JSON.stringify(createRequire(__filename).resolve('@vscode/debugadapter'));
  const file = join(dir, 'minimal_adapter.js');
  writeFileSync(
    file,
    `const { DebugSession, InitializedEvent, Source, StackFrame, StoppedEvent, Thread } = require(${lib});
class Minimal extends DebugSession {
  line = 1;
  initializeRequest(r) { r.body = { supportsConfigurationDoneRequest: true }; this.sendResponse(r); this.sendEvent(new InitializedEvent()); }
  launchRequest(r, a) { this.program = a.program; this.sendResponse(r); }
  configurationDoneRequest(r) { this.sendResponse(r); this.sendEvent(new StoppedEvent('entry', 1)); }
  threadsRequest(r) { r.body = { threads: [new Thread(1, 'scenario')] }; this.sendResponse(r); }
  nextRequest(r) { this.line++; this.sendResponse(r); this.sendEvent(new StoppedEvent('step', 1)); }
  stackTraceRequest(r) { r.body = { stackFrames: [new StackFrame(1, 'scenario', new Source('steps.kstep', this.program), this.line)], totalFrames: 1 }; this.sendResponse(r); }
}
DebugSession.run(Minimal);
`,
  );
  return file;
}

export async function benchDapStepPairs(other?: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'kstep-bench-step-'));
  try {
    const minimal = minimalAdapter(dir);
    const program = join(dir, 'steps.kstep');
    const lines = ['hugetlb file f'];
    for (let i = 0; i < WARMUP + STEPS + 10; i++) lines.push(`region_chg f ${i % 100} ${(i % 100) + 1 + (i % 4)}`);
    writeFileSync(program, `${lines.join('\n')}\n`);
    const run = async (adapter?: string): Promise<{ p50: number; p99: number; f50: number; f99: number }> => {
      const conn = adapter ? stdio(adapter) : stdio();
      try {
        return await block(conn, program);
      } finally {
        await conn.close();
      }
    };
    const a: Array<Awaited<ReturnType<typeof run>>> = [];
    const b: Array<Awaited<ReturnType<typeof run>>> = [];
    const m: Array<Awaited<ReturnType<typeof run>>> = [];
    for (let i = 0; i < PAIRS; i++) {
      a.push(await run());
      m.push(await run(minimal));
      if (other) b.push(await run(other));
    }
    const note = `${STEPS} steps after ${WARMUP} warm-up per adapter process, over stdio; next -> stopped -> stackTrace response`;
    for (const p of ['p50', 'p99'] as const) {
      const f = p === 'p50' ? 'f50' : 'f99';
      reportPairSamples({ name: `dap_step_round_trip_${p}_vs_floor[stdio]`, unit: 'ms', baseline: `threads round trip ${p} (transport floor), same process`, goal: p === 'p50' ? 'ratio <= 2' : '<= 1.5 ms', note }, a.map((x) => x[p]), a.map((x) => x[f]));
      reportPairSamples({ name: `dap_step_round_trip_${p}_vs_minimal_adapter[stdio]`, unit: 'ms', baseline: `the same with an adapter that answers at once (the structural floor of a step)`, note }, a.map((x) => x[p]), m.map((x) => x[p]));
      reportPairSamples({ name: `dap_step_round_trip_${p}_minimal_adapter_vs_floor[stdio]`, unit: 'ms', baseline: `threads round trip ${p} with the minimal adapter`, note: `${note}: the best ratio to the threads floor any adapter reaches` }, m.map((x) => x[p]), m.map((x) => x[f]));
      if (other) reportPairSamples({ name: `dap_step_round_trip_${p}_this_build_vs_other`, unit: 'ms', baseline: `the same with ${other}`, note }, a.map((x) => x[p]), b.map((x) => x[p]));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
