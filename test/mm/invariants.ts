import { compoundHead, GUP_PIN_COUNTING_BIAS, HPAGE_NR, HUGE_BASE, PG_ANON, PG_HUGETLB, PG_LRU, ZERO_PFN } from '../../src/sim/mm/page';
import { pte_devmap } from '../../src/sim/mm/pte_devmap';
import { PTE_DEVICE_EXCLUSIVE, PTE_MIGRATION, PTE_NONE, pteKind, ptePfn } from '../../src/sim/mm/pte';
import type { Mm } from '../../src/sim/mm/subsystem';

/**
 * Every count the kernel keeps must match what the page tables say: rss,
 * hugetlb_usage, mapcounts and refcounts (page cache and ZONE_DEVICE
 * references included), device free lists, and the hstate pool's counters
 * against the huge pages in use. A device-exclusive entry holds its page's
 * reference and rss but no mapcount (its rmap went when it was made); a
 * reference `gup` holds counts GUP_PIN_COUNTING_BIAS (a pin of a small page),
 * one (a pin of a huge page, or FOLL_GET) until `unpin`.
 */
export function checkInvariants(mm: Mm): void {
  // Plain checks, not expect(): this runs over every PTE after every statement of thousands of scenarios.
  const check = (ok: boolean, what: () => string): void => {
    if (!ok) throw new Error(`invariant broken: ${what()}`);
  };
  const eq = (a: number, b: number, what: string): void => check(a === b, () => `${what}: ${a} != ${b}`);
  const maps = new Map<number, number>();
  const devmap = new Set<number>();
  /** References of page-table entries: mappings plus device-exclusive entries. */
  const ptRefs = new Map<number, number>();
  const hugeMaps = new Map<number, number>();
  const held = new Map<number, number>();
  for (const h of mm.held) {
    const head = compoundHead(h.pfn);
    const large = head >= HUGE_BASE && head < HUGE_BASE + 0x0400_0000;
    held.set(head, (held.get(head) ?? 0) + (h.pin && !large ? GUP_PIN_COUNTING_BIAS : 1));
  }
  const heldOf = (pfn: number): number => held.get(pfn) ?? 0;
  for (const t of mm.tasks.values()) {
    let rss = 0;
    let huge = 0;
    t.pt.forEach(0, Number.MAX_SAFE_INTEGER, (vpn, pte) => {
      const k = pteKind(pte);
      if (k === PTE_NONE) return;
      check(k !== PTE_MIGRATION, () => `migration entry left at vpn 0x${vpn.toString(16)}`);
      const vma = t.findVma(vpn);
      check(vma !== undefined, () => `PTE outside any VMA at vpn 0x${vpn.toString(16)} in ${t.name}`);
      if (vma?.huge) {
        // A huge PTE is 512 base entries of one compound page, head first.
        const head = ptePfn(t.pt.get(vpn - (vpn % HPAGE_NR)));
        eq(ptePfn(pte), head + (vpn % HPAGE_NR), `huge PTE pfn at vpn 0x${vpn.toString(16)}`);
        if (vpn % HPAGE_NR === 0) {
          huge += HPAGE_NR;
          hugeMaps.set(head, (hugeMaps.get(head) ?? 0) + 1);
        }
        return;
      }
      if (ptePfn(pte) === ZERO_PFN) return; // the zero page: no rss, no rmap, no reference
      if (pte_devmap(mm, pte)) {
        // fsdax: insert_pfn takes no reference, no rmap, no rss; only a shared dax VMA maps pmem
        check(vma?.dax !== undefined && vma.shared, () => `devmap PTE outside a shared dax VMA at vpn 0x${vpn.toString(16)} in ${t.name}`);
        devmap.add(ptePfn(pte));
        return;
      }
      rss++;
      ptRefs.set(ptePfn(pte), (ptRefs.get(ptePfn(pte)) ?? 0) + 1);
      if (k !== PTE_DEVICE_EXCLUSIVE) maps.set(ptePfn(pte), (maps.get(ptePfn(pte)) ?? 0) + 1);
    });
    eq(t.rss, rss, `rss of ${t.name}`);
    eq(t.hugetlbUsage, huge, `hugetlb_usage of ${t.name}`);
  }
  eq(mm.refcount.get(ZERO_PFN), 1 + heldOf(ZERO_PFN), 'zero page refcount');
  eq(mm.mapcount.get(ZERO_PFN), 0, 'zero page mapcount');
  const devFree = new Map<number, number>();
  for (const d of mm.devices.values()) for (const pfn of d.free.toArray()) devFree.set(pfn, (devFree.get(pfn) ?? 0) + 1);
  // The page cache: every cached page is a used, non-anonymous system page whose page->mapping and index point back.
  const cached = new Set<number>();
  for (const f of mm.cache.files.values()) {
    for (const [index, pfn] of f.pages) {
      cached.add(pfn);
      const o = mm.cache.owner.get(pfn);
      check(o?.file === f.name && o.index === index, () => `page ${pfn} in ${f.name}[${index}] has mapping ${o?.file}[${o?.index}]`);
      check(!mm.deviceOf(pfn) && (mm.flags.get(pfn) & PG_ANON) === 0, () => `page-cache page ${pfn} is anonymous or ZONE_DEVICE`);
      check((mm.flags.get(pfn) & PG_LRU) !== 0, () => `page-cache page ${pfn} is off the LRU`);
    }
  }
  eq(mm.cache.owner.size, cached.size, 'pages with a page->mapping');
  for (const pfn of devmap) {
    const d = mm.deviceOf(pfn);
    check(d?.type === 'host', () => `devmap PTE of page ${pfn} outside a MEMORY_DEVICE_HOST device`);
    eq(mm.refcount.get(pfn), 1 + heldOf(pfn), `refcount of pmem page ${pfn}`);
    eq(mm.mapcount.get(pfn), 0, `mapcount of pmem page ${pfn}`);
  }
  for (const [pfn, n] of ptRefs) {
    const dev = mm.deviceOf(pfn);
    eq(mm.mapcount.get(pfn), maps.get(pfn) ?? 0, `mapcount of page ${pfn}`);
    eq(mm.refcount.get(pfn), n + (dev || cached.has(pfn) ? 1 : 0) + heldOf(pfn), `refcount of page ${pfn}`);
    if (dev) check(!devFree.has(pfn), () => `mapped device page ${pfn} is on the free list`);
  }
  for (const [pfn, n] of held) {
    if (ptRefs.has(pfn) || pfn === ZERO_PFN || (pfn >= HUGE_BASE && !mm.deviceOf(pfn))) continue;
    // referenced by gup only: still in use, not free
    eq(mm.refcount.get(pfn), n + (mm.deviceOf(pfn) || cached.has(pfn) ? 1 : 0), `refcount of page ${pfn} held by gup only`);
  }
  for (const d of mm.devices.values()) {
    for (let i = 0; i < d.npages; i++) {
      const pfn = d.base + i;
      const mapped = ptRefs.has(pfn) || held.has(pfn);
      // pmem pages are never allocated: mapped through devmap PTEs or not, they stay on the dev_pagemap's list
      if (d.type === 'host') {
        check(!ptRefs.has(pfn) && devFree.get(pfn) === 1, () => `pmem page ${pfn} left the device's list`);
        eq(mm.refcount.get(pfn), 1 + heldOf(pfn), `refcount of pmem page ${pfn}`);
        continue;
      }
      check(mapped || devFree.get(pfn) === 1, () => `device page ${pfn} is neither mapped nor free exactly once`);
      if (!mapped) {
        eq(mm.refcount.get(pfn), 1, `refcount of free device page ${pfn}`);
        eq(mm.mapcount.get(pfn), 0, `mapcount of free device page ${pfn}`);
      }
    }
  }
  // system pages: in use iff mapped or in the page cache
  for (let pfn = 0x1000; pfn < mm.sysNext; pfn++) {
    if (!ptRefs.has(pfn) && !held.has(pfn)) {
      eq(mm.refcount.get(pfn), cached.has(pfn) ? 1 : 0, `refcount of unmapped page ${pfn}`);
      eq(mm.mapcount.get(pfn), 0, `mapcount of unmapped page ${pfn}`);
    }
  }
  // huge pages: in use iff mapped or in a page cache; the pool counts them
  const hugeCached = new Set<number>();
  for (const i of mm.hugetlb.inodes.values()) for (const pfn of i.cache.values()) hugeCached.add(pfn);
  let inUse = 0;
  for (let head = HUGE_BASE; head < mm.hugeNext; head += HPAGE_NR) {
    const used = (mm.flags.get(head) & PG_HUGETLB) !== 0;
    const n = hugeMaps.get(head) ?? 0;
    check(used === (n > 0 || hugeCached.has(head) || held.has(head)), () => `huge page ${head}: in use ${used}, mapped ${n}, cached ${hugeCached.has(head)}, gup ${heldOf(head)}`);
    if (!used) continue;
    inUse++;
    eq(mm.mapcount.get(head), n, `mapcount of huge page ${head}`);
    eq(mm.refcount.get(head), n + (hugeCached.has(head) ? 1 : 0) + heldOf(head), `refcount of huge page ${head}`);
  }
  const p = mm.hugetlb.pool;
  const pool = (): string => JSON.stringify(p);
  eq(p.total - p.free, inUse, 'huge pages in use (total - free)');
  check(p.total >= 0 && p.free >= 0 && p.rsvd >= 0 && p.surp >= 0, () => `a pool counter is negative: ${pool()}`);
  check(p.free >= p.rsvd, () => `free < rsvd: ${pool()}`);
  check(p.surp <= p.total, () => `surp > total: ${pool()}`);
}
