import { expect } from 'vitest';
import type { Simulation } from '../../src/sim';
import type { Mm } from '../../src/sim/mm/subsystem';
import { HPAGE_NR, HUGE_BASE, PG_HUGETLB, PTE_MIGRATION, PTE_NONE, pteKind, ptePfn, ZERO_PFN } from '../../src/sim/mm/subsystem';

export function mmOf(s: Simulation): Mm {
  return s.machine.subsystems.find((x) => x.name === 'mm') as Mm;
}

/**
 * Every count the kernel keeps must match what the page tables say: rss,
 * hugetlb_usage, mapcounts and refcounts (page cache and ZONE_DEVICE
 * references included), device free lists, and the hstate pool's counters
 * against the huge pages in use.
 */
export function checkInvariants(mm: Mm): void {
  const maps = new Map<number, number>();
  const hugeMaps = new Map<number, number>();
  for (const t of mm.tasks.values()) {
    let rss = 0;
    let huge = 0;
    t.pt.forEach(0, Number.MAX_SAFE_INTEGER, (vpn, pte) => {
      const k = pteKind(pte);
      if (k === PTE_NONE) return;
      expect(k).not.toBe(PTE_MIGRATION); // no migration entry outlives a statement
      const vma = t.findVma(vpn);
      expect(vma).toBeDefined();
      if (vma?.huge) {
        // A huge PTE is 512 base entries of one compound page, head first.
        const head = ptePfn(t.pt.get(vpn - (vpn % HPAGE_NR)));
        expect(ptePfn(pte)).toBe(head + (vpn % HPAGE_NR));
        if (vpn % HPAGE_NR === 0) {
          huge += HPAGE_NR;
          hugeMaps.set(head, (hugeMaps.get(head) ?? 0) + 1);
        }
        return;
      }
      if (ptePfn(pte) === ZERO_PFN) return; // the zero page: no rss, no rmap, no reference
      rss++;
      maps.set(ptePfn(pte), (maps.get(ptePfn(pte)) ?? 0) + 1);
    });
    expect(t.rss).toBe(rss);
    expect(t.hugetlbUsage).toBe(huge);
  }
  expect(mm.refcount.get(ZERO_PFN)).toBe(1);
  expect(mm.mapcount.get(ZERO_PFN)).toBe(0);
  for (const [pfn, n] of maps) {
    const dev = mm.deviceOf(pfn);
    expect(mm.mapcount.get(pfn)).toBe(n);
    expect(mm.refcount.get(pfn)).toBe(n + (dev ? 1 : 0));
    if (dev) expect(dev.free.toArray().includes(pfn)).toBe(false);
  }
  for (const d of mm.devices.values()) {
    const free = d.free.toArray();
    expect(new Set(free).size).toBe(free.length);
    for (let i = 0; i < d.npages; i++) {
      const pfn = d.base + i;
      const mapped = maps.has(pfn);
      expect(mapped || free.includes(pfn)).toBe(true);
      if (!mapped) {
        expect(mm.refcount.get(pfn)).toBe(1);
        expect(mm.mapcount.get(pfn)).toBe(0);
      }
    }
  }
  // system pages: in use iff mapped
  for (let pfn = 0x1000; pfn < mm.sysNext; pfn++) {
    if (!maps.has(pfn)) {
      expect(mm.refcount.get(pfn)).toBe(0);
      expect(mm.mapcount.get(pfn)).toBe(0);
    }
  }
  // huge pages: in use iff mapped or in a page cache; the pool counts them
  const cached = new Set<number>();
  for (const i of mm.hugetlb.inodes.values()) for (const pfn of i.cache.values()) cached.add(pfn);
  let inUse = 0;
  for (let head = HUGE_BASE; head < mm.hugeNext; head += HPAGE_NR) {
    const used = (mm.flags.get(head) & PG_HUGETLB) !== 0;
    const n = hugeMaps.get(head) ?? 0;
    expect(used).toBe(n > 0 || cached.has(head));
    if (!used) continue;
    inUse++;
    expect(mm.mapcount.get(head)).toBe(n);
    expect(mm.refcount.get(head)).toBe(n + (cached.has(head) ? 1 : 0));
  }
  const p = mm.hugetlb.pool;
  expect(p.total - p.free).toBe(inUse);
  for (const v of [p.total, p.free, p.rsvd, p.surp]) expect(v).toBeGreaterThanOrEqual(0);
  expect(p.free).toBeGreaterThanOrEqual(p.rsvd);
  expect(p.surp).toBeLessThanOrEqual(p.total);
}
