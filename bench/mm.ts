import { scaleRun } from '../test/mm/scale_run';
import { createSimulation, loadScenario } from '../src/sim';
import { report } from './report';

/**
 * HMM at scale: mmap, touch, migrate to a device-private pagemap and fault
 * back 1,000,000 pages through the kernel functions (every frame and step
 * point); baseline: the same for 100,000 pages, scaled by 10 (linear cost).
 */
export function benchMm(): void {
  // The big run first, on a young heap; the baseline after it (each run's machine is dropped before the next).
  const big = scaleRun(1_000_000);
  const small = scaleRun(100_000);
  report({
    name: 'mm_touch_migrate_faultback_1M_pages',
    value: big.ms,
    unit: 'ms',
    baseline: { name: '100,000 pages x 10', value: small.ms * 10 },
    goal: '<= 3000 ms',
  });
  report({ name: 'mm_bytes_per_simulated_page', value: big.bytesPerPage, unit: 'bytes/page', goal: '<= 64', note: 'growth of the JS heap and typed-array buffers over the run, divided by the pages' });
}

/**
 * Memory under the debugger: n pages written one statement at a time with
 * history on (snapshots, step marks), as a debug session records them.
 * Linear growth is the goal: 1M pages at most 11x the heap of 100k.
 */
export function benchMmHistory(): void {
  const grow = (n: number): { bytes: number; ms: number } => {
    const src = `mmap 0x100000000 ${n * 4}K\nrepeat ${n} {\n  write 0x100000000 + time.ns * 4096\n  advance 1ns\n}\n`;
    const { program, diagnostics } = loadScenario('history.kstep', src);
    if (diagnostics.length) throw new Error(diagnostics[0]?.message);
    gc();
    const before = used();
    const t0 = performance.now();
    const m = createSimulation(program, { history: true }).machine;
    if (m.resume('continue').reason !== 'end') throw new Error('did not run to the end');
    const ms = performance.now() - t0;
    gc();
    return { bytes: used() - before, ms };
  };
  const small = grow(100_000);
  const big = grow(1_000_000);
  report({
    name: 'mm_history_bytes_per_page_1M',
    value: big.bytes / 1_000_000,
    unit: 'bytes/page',
    baseline: { name: 'the same at 100,000 pages', value: small.bytes / 100_000 },
    goal: '<= 200 bytes/page, ratio ~1 (linear)',
    note: `1M pages: ${(big.bytes / 2 ** 20).toFixed(0)} MiB in ${Math.round(big.ms)} ms; 100k: ${(small.bytes / 2 ** 20).toFixed(0)} MiB in ${Math.round(small.ms)} ms`,
  });
}

const gc = (): void => (globalThis as { gc?: () => void }).gc?.();
const used = (): number => {
  const u = process.memoryUsage();
  return u.heapUsed + u.arrayBuffers;
};
