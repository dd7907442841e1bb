import { createSimulation, loadScenario } from '../src/sim';
import type { Machine } from '../src/sim/core/machine';
import { reportPairSamples } from './report';

const PAIRS = 5;

const PAGES = (n: number): string => `mmap 0x100000000 ${n * 4}K\nrepeat ${n} {\n  write 0x100000000 + time.ns * 4096\n  advance 1ns\n}\n`;
const REGIONS = (n: number): string => `hugetlb file f\nrepeat ${n} {\n  region_chg f time.ns*2 time.ns*2+1\n  region_add f time.ns*2 time.ns*2+1\n  advance 1ns\n}\n`;

const gc = (): void => {
  const g = (globalThis as { gc?: () => void }).gc;
  g?.();
  g?.();
};
const used = (): number => {
  const u = process.memoryUsage();
  return u.heapUsed + u.arrayBuffers;
};

/** Heap (JS and typed arrays) a run with history keeps, per page or region: the machine is held until measured. */
function retained(src: string, n: number): number {
  const { program, diagnostics } = loadScenario('growth.kstep', src);
  if (diagnostics.length) throw new Error(diagnostics[0]?.message);
  gc();
  const before = used();
  const m: Machine | undefined = createSimulation(program, { history: true }).machine;
  if (m.resume('continue').reason !== 'end') throw new Error('did not run to the end');
  gc();
  const bytes = used() - before;
  if (!m.ended) throw new Error('not at the end');
  return bytes / n;
}

/**
 * Memory under the debugger grows linearly: bytes per page (per region)
 * kept by a history-recording run of 1,000,000 against 100,000, interleaved
 * pairs. A per-unit ratio of 1.1 is the 11x growth for 10x the state.
 */
export function benchHistoryGrowth(): void {
  for (const [what, src, unit] of [['pages', PAGES, 'bytes/page'], ['regions', REGIONS, 'bytes/region']] as const) {
    const big: number[] = [];
    const small: number[] = [];
    for (let i = 0; i < PAIRS; i++) {
      big.push(retained(src(1_000_000), 1_000_000));
      small.push(retained(src(100_000), 100_000));
    }
    reportPairSamples(
      { name: `history_bytes_per_${what === 'pages' ? 'page' : 'region'}_1M_vs_100k`, unit, baseline: `the same at 100,000 ${what}`, goal: `ratio <= 1.1 (1M ${what} at most 11x the memory of 100k)${what === 'pages' ? ', <= 200 bytes/page' : ''}` },
      big,
      small,
    );
  }
}
