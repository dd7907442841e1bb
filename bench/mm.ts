import { scaleRun } from '../test/mm/scale_run';
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
