// A step with task.init expanded at 1,000,000 present pages, over DAP: next -> stopped -> stackTrace -> scopes ->
// the Memory scope, task and task.init read again (what the Variables view does with them open), while each
// statement adds a page to the page table. Baseline, interleaved: the same step with task collapsed.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { Dap } from './dap_client';
import { findVariable, launch, stdio } from './dap_client';
import { nowMs, percentile, reportPairSamples } from './report';

const PAGES = 1_000_000;
const BLOCKS = 5;
const STEPS = 60;

const SCENARIO = [
  `device gpu type=private pages=${PAGES}`,
  `mmap 0x100000000 ${PAGES * 4}K`,
  `migrate 0x100000000 ${PAGES * 4}K to=gpu`,
  `migrate 0x100000000 ${PAGES * 4}K to=system`,
  'mmap 0x800000000 4000K',
  `repeat ${2 * BLOCKS * STEPS + 10} {`,
  '  write 0x800000000 + time.ns * 4096',
  '  advance 1ns',
  '}',
  '',
].join('\n');

/** One step and the requests the editor makes after it; `expanded`: task and task.init are open. */
async function step(dap: Dap, expanded: boolean): Promise<number> {
  const t0 = nowMs();
  const stopped = dap.once('stopped');
  void dap.request('next', { threadId: 1 });
  await stopped;
  const { stackFrames } = await dap.body<DebugProtocol.StackTraceResponse['body']>('stackTrace', { threadId: 1, startFrame: 0, levels: 20 });
  const { scopes } = await dap.body<DebugProtocol.ScopesResponse['body']>('scopes', { frameId: stackFrames[0]?.id ?? 0 });
  const mem = scopes.find((s) => s.name === 'Memory');
  if (!mem) throw new Error('no Memory scope');
  const task = await findVariable(dap, mem.variablesReference, 'task');
  if (expanded) {
    const init = await findVariable(dap, task.variablesReference, 'init');
    await dap.body('variables', { variablesReference: init.variablesReference });
  }
  return nowMs() - t0;
}

export async function benchDapStepExpanded(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'kstep-bench-expanded-'));
  const program = join(dir, 'expanded.kstep');
  writeFileSync(program, SCENARIO);
  const conn = stdio();
  const { dap } = conn;
  try {
    await launch(dap, program, true);
    for (let i = 0; i < 6; i++) {
      const stopped = dap.once('stopped');
      void dap.request('next', { threadId: 1 });
      await stopped;
    }
    const p50: [number[], number[]] = [[], []];
    const p99: [number[], number[]] = [[], []];
    for (let b = 0; b < BLOCKS; b++) {
      for (const [i, expanded] of [[0, true], [1, false]] as const) {
        const xs: number[] = [];
        for (let s = 0; s < STEPS; s++) xs.push(await step(dap, expanded));
        p50[i].push(percentile(xs, 50));
        p99[i].push(percentile(xs, 99));
      }
    }
    const note = `${BLOCKS} blocks of ${STEPS} steps each way, interleaved; each statement writes a new page of a second VMA beside ${PAGES} present pages`;
    reportPairSamples({ name: 'dap_step_task_init_expanded_1M_pages_p50', unit: 'ms', baseline: 'the same step with task collapsed', goal: '<= 2 ms', note }, p50[0], p50[1]);
    reportPairSamples({ name: 'dap_step_task_init_expanded_1M_pages_p99', unit: 'ms', baseline: 'the same step with task collapsed', goal: '<= 10 ms', note }, p99[0], p99[1]);
  } finally {
    await conn.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
