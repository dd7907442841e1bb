// One Variables page of 100 PTEs out of a 1,000,000-page VMA, over DAP.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { Dap } from './dap_client';
import { findVariable, runToEndScope, stdio, threadsRoundTrip } from './dap_client';
import { median, nowMs, report } from './report';

const PAGE_RUNS = 30;
const WARMUP = 5;
const PAGES = 1_000_000;

/**
 * A 1,000,000-page VMA with every page present: two whole-range migrations
 * (holes to the device, then back to system pages) fill it in two statements,
 * where touching each page would take a million.
 */
const MILLION_PTES = [
  `device gpu type=private pages=${PAGES}`,
  `mmap 0x100000000 ${PAGES * 4}K`,
  `migrate 0x100000000 ${PAGES * 4}K to=gpu`,
  `migrate 0x100000000 ${PAGES * 4}K to=system`,
  `expect last.migrated == ${PAGES}`,
  '',
].join('\n');

type Variables = DebugProtocol.VariablesResponse['body'];

/**
 * Expands `task` and then `init`: the first request shows `init` with a
 * summary that counts its present PTEs, the second lists `pte` itself.
 */
async function openPtes(dap: Dap, taskRef: number): Promise<{ ms: number; pte: DebugProtocol.Variable }> {
  const t = nowMs();
  const init = await findVariable(dap, taskRef, 'init');
  const ms = nowMs() - t;
  const pte = await findVariable(dap, init.variablesReference, 'pte');
  return { ms, pte };
}

export async function benchDapPtes(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'kstep-bench-pte-'));
  const program = join(dir, 'ptes.kstep');
  writeFileSync(program, MILLION_PTES);
  const conn = stdio();
  const { dap } = conn;
  try {
    const { runMs, scope } = await runToEndScope(dap, program, 'Memory');
    const task = await findVariable(dap, scope.variablesReference, 'task');
    // The first expansion after the run indexes the present entries; later ones reuse the index.
    const first = await openPtes(dap, task.variablesReference);
    const again: number[] = [];
    for (let i = 0; i < PAGE_RUNS; i++) again.push((await openPtes(dap, task.variablesReference)).ms);
    const pte = first.pte;
    if (pte.indexedVariables !== PAGES) throw new Error(`task.init.pte has ${pte.indexedVariables} indexed variables, not ${PAGES}`);
    report({
      name: 'dap_pte_list_first_expand_1M',
      value: first.ms,
      unit: 'ms',
      baseline: { name: 'the same request again (index cached)', value: median(again) },
      note: 'variables of task right after the run: the summary of task.init counts task.init.pte, whose index is rebuilt from per-chunk counts once per page-table change (presentPtes)',
    });
    const start = PAGES / 2;
    const page: number[] = [];
    const floor: number[] = [];
    for (let i = 0; i < PAGE_RUNS + WARMUP; i++) {
      const t = nowMs();
      const { variables } = await dap.body<Variables>('variables', { variablesReference: pte.variablesReference, filter: 'indexed', start, count: 100 });
      const ms = nowMs() - t;
      if (variables.length !== 100) throw new Error(`a page at ${start} has ${variables.length} variables`);
      const fl = await threadsRoundTrip(dap);
      if (i >= WARMUP) {
        page.push(ms);
        floor.push(fl);
      }
    }
    report({
      name: `dap_variables_page_100_ptes_of_1M[start=${start}]`,
      value: median(page),
      unit: 'ms',
      baseline: { name: 'threads round trip on the same connection', value: median(floor) },
      goal: '<= 2 ms',
      note: `task.init.pte of a 1,000,000-page VMA, every page present; filter indexed, count 100; median of ${PAGE_RUNS}; the scenario ran to its end in ${Math.round(runMs)} ms`,
    });
  } finally {
    await conn.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
