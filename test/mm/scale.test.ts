/**
 * Scale: pages mmapped, touched, migrated to a private device and faulted
 * back, through the same kernel functions the statements run (every frame and
 * step point included), with the state's heap cost per simulated page.
 */
import { describe, expect, it } from 'vitest';
import { scaleRun } from './scale_run';

describe('mm scale', () => {
  it('100,000 pages: touch, migrate, fault back; counts and the device free list come back whole', () => {
    const n = 100_000;
    const { ms, bytesPerPage, mm } = scaleRun(n);
    const t = mm.tasks.get('init');
    expect(t?.rss).toBe(n);
    expect(mm.devices.get('gpu')?.free.length).toBe(n);
    expect(mm.presentPtes(t as NonNullable<typeof t>).length).toBe(n);
    console.log(JSON.stringify({ bench: 'mm.touch_migrate_faultback', pages: n, ms: Math.round(ms), bytesPerPage: Math.round(bytesPerPage) }));
  });

  it('a snapshot of a big state is cheap and restore is exact (copy-on-write by chunk)', () => {
    const { mm } = scaleRun(20_000);
    const t0 = performance.now();
    const snap = mm.snapshot();
    const snapMs = performance.now() - t0;
    const t = mm.tasks.get('init') as NonNullable<ReturnType<typeof mm.tasks.get>>;
    const pte = t.pt.get(0x100000);
    t.pt.set(0x100000, 0);
    mm.refcount.set(0x1000, 99);
    mm.restore(snap.data);
    const t2 = mm.tasks.get('init') as NonNullable<ReturnType<typeof mm.tasks.get>>;
    expect(t2.pt.get(0x100000)).toBe(pte);
    expect(mm.refcount.get(0x1000)).not.toBe(99);
    expect(snapMs).toBeLessThan(200);
  });
});
