import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { Dap } from './dap_client';
import { INIT, stdio, threadsRoundTrip } from './dap_client';
import { nowMs, reportPairsAsync } from './report';

const PAIRS = 15;
/** 1,048,576 pages mlocked (the state), then a munlock over all of them (the statement asked about). */
const SCENARIO = 'mmap 0x100000000 4G\nmlock 0x100000000 4G\nmunlock 0x100000000 4G\nprint "done"\n';
const AT = 3;

/** Launches with a breakpoint on the line and waits for the stop there. */
async function launchAt(dap: Dap, program: string, line: number): Promise<void> {
  const stopped = dap.once('stopped');
  await dap.body('initialize', INIT);
  const launched = dap.request('launch', { program, stopOnEntry: false });
  await dap.body('setBreakpoints', { source: { path: program }, breakpoints: [{ line }] });
  await dap.body('configurationDone');
  const r = await launched;
  if (!r.success) throw new Error(`launch ${program}: ${r.message}`);
  const ev = (await stopped) as DebugProtocol.StoppedEvent;
  if (ev.body.reason !== 'breakpoint') throw new Error(`stopped for '${ev.body.reason}', not at line ${line}`);
}

/**
 * stepInTargets at a statement over a million pages with a million pages of
 * state, and one kernel frame deep inside it; baseline: a `threads` round
 * trip on the same connection (the transport floor), interleaved. Set
 * KSTEP_BENCH_ADAPTER to another build's adapter.js to measure that one.
 */
export async function benchStepInTargets(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'kstep-bench-sit-'));
  const program = join(dir, 'munlock.kstep');
  writeFileSync(program, SCENARIO);
  const conn = stdio(process.env.KSTEP_BENCH_ADAPTER || undefined);
  try {
    const dap = conn.dap;
    await launchAt(dap, program, AT);
    let bytes = 0;
    let count = 0;
    const targets = async (): Promise<number> => {
      const { stackFrames } = await dap.body<DebugProtocol.StackTraceResponse['body']>('stackTrace', { threadId: 1, levels: 1 });
      const t0 = nowMs();
      const body = await dap.body<DebugProtocol.StepInTargetsResponse['body']>('stepInTargets', { frameId: stackFrames[0]?.id ?? 0 });
      const ms = nowMs() - t0;
      bytes = JSON.stringify(body).length;
      count = body.targets.length;
      return ms;
    };
    const floor = (): Promise<number> => threadsRoundTrip(dap);
    await targets();
    await reportPairsAsync(
      {
        name: 'step_in_targets_1M_pages',
        unit: 'ms',
        baseline: 'threads round trip on the same connection (transport floor)',
        goal: '<= 50 ms, <= 100 KB',
        note: `stepInTargets round trip at a munlock of 1,048,576 mlocked pages: ${count} targets, ${bytes} bytes`,
      },
      PAIRS,
      targets,
      floor,
    );
    // One frame in: the targets its call sites reach.
    const stopped = dap.once('stopped');
    await dap.body('stepIn', { threadId: 1 });
    await stopped;
    await targets();
    await reportPairsAsync(
      {
        name: 'step_in_targets_1M_pages_in_frame',
        unit: 'ms',
        baseline: 'threads round trip on the same connection (transport floor)',
        goal: '<= 50 ms, <= 100 KB',
        note: `stepInTargets round trip in sys_munlock's frame, 1,048,576 pages: ${count} targets, ${bytes} bytes`,
      },
      PAIRS,
      targets,
      floor,
    );
  } finally {
    await conn.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
