/** Touch, migrate to a private device and fault back n pages through the kernel functions the statements run. */
import { Mm } from '../../src/sim/mm/subsystem';
import { handle_mm_fault } from '../../src/sim/mm/memory';
import { migrate } from '../../src/sim/mm/test_hmm';
import { run, subsystem } from '../support/kit';

const gc = (): void => (globalThis as { gc?: () => void }).gc?.();
/** The JS heap plus the typed-array buffers the page tables live in. */
const used = (): number => {
  const u = process.memoryUsage();
  return u.heapUsed + u.arrayBuffers;
};

export function scaleRun(n: number): { ms: number; bytesPerPage: number; mm: Mm } {
  gc();
  const before = used();
  const m = run(`device gpu type=private pages=${n}\nmmap 0x100000000 ${n * 4}K\n`, { file: 'scale.kstep', history: false, output: () => undefined }).machine;
  const mm = subsystem(m, Mm);
  const t = mm.tasks.get('init');
  const dev = mm.devices.get('gpu');
  if (!t || !dev) throw new Error('setup');
  const t0 = performance.now();
  const start = 0x100000;
  for (let i = 0; i < n; i++) m.drain(handle_mm_fault(m, mm, t, start + i, true, { faults: [], remote: false }));
  const r = m.drain(migrate(m, mm, t, start, start + n, dev));
  if (r.migrated !== n) throw new Error(`migrated ${r.migrated}`);
  for (let i = 0; i < n; i++) m.drain(handle_mm_fault(m, mm, t, start + i, false, { faults: [], remote: false }));
  const ms = performance.now() - t0;
  gc();
  const bytesPerPage = (used() - before) / n;
  return { ms, bytesPerPage, mm };
}

