// The DAP step round trip against the transport floor, in interleaved pairs: `--only=dap_step [adapter.js]`
// measures this build's adapter, or another build's beside it when one is given (a before/after in one run).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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

export async function benchDapStepPairs(other?: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'kstep-bench-step-'));
  try {
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
    for (let i = 0; i < PAIRS; i++) {
      a.push(await run());
      if (other) b.push(await run(other));
    }
    const note = `${STEPS} steps after ${WARMUP} warm-up per adapter process, over stdio; next -> stopped -> stackTrace response`;
    for (const p of ['p50', 'p99'] as const) {
      const f = p === 'p50' ? 'f50' : 'f99';
      reportPairSamples({ name: `dap_step_round_trip_${p}_vs_floor[stdio]`, unit: 'ms', baseline: `threads round trip ${p} (transport floor), same process`, goal: p === 'p50' ? 'ratio <= 2' : '<= 1.5 ms', note }, a.map((x) => x[p]), a.map((x) => x[f]));
      if (other) reportPairSamples({ name: `dap_step_round_trip_${p}_this_build_vs_other`, unit: 'ms', baseline: `the same with ${other}`, note }, a.map((x) => x[p]), b.map((x) => x[p]));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
