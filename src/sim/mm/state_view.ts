/**
 * What the debugger shows of the mm model: the state-tree roots `task`,
 * `page` and `dev`, built lazily so a million PTEs cost nothing until a list
 * is opened, and physical memory as bytes for the memory view.
 */
import type { MemorySpace } from '../core/machine';
import type { StateNode } from '../core/state';
import { fixedRecord, leaf, list, record, valueNode } from '../core/state';
import type { Value } from '../core/values';
import { Sym } from '../core/values';
import type { Hugetlb } from '../hugetlb/subsystem';
import type { CowInts, NonZeroIndex } from './cow';
import type { Device, MmModel } from './model';
import { compoundHead, HPAGE_NR, HUGE_BASE, PAGE_SIZE, PFN_LIMIT, PG_ANON, PG_HUGETLB, PG_LRU, PG_NODE1, ZERO_PFN } from './page';
import { pagecacheRoot } from './pagecache_view';
import { PTE_KIND_NAMES, pteKind, ptePfn, pteWrite } from './pte';
import type { Task, Vma } from './task';
import { protName, vmaIsAnonymous } from './task';

export function mmRoots(mm: MmModel): Readonly<Record<string, StateNode>> {
  const task = record(() => {
    const out: Record<string, StateNode> = {};
    for (const t of mm.tasks.values()) out[t.name] = taskNode(mm, t.name);
    return out;
  });
  const devCount = (): number => [...mm.devices.values()].reduce((n, d) => n + d.npages, 0);
  const hugeCount = (): number => (mm.hugeNext - HUGE_BASE) / HPAGE_NR;
  const pfnAt = (i: number): number => {
    const sys = mm.sysNext - ZERO_PFN;
    if (i < sys) return ZERO_PFN + i;
    if (i < sys + hugeCount()) return HUGE_BASE + (i - sys) * HPAGE_NR;
    let k = i - sys - hugeCount();
    for (const d of mm.devices.values()) {
      if (k < d.npages) return d.base + k;
      k -= d.npages;
    }
    return -1;
  };
  const page = list(
    () => mm.sysNext - ZERO_PFN + hugeCount() + devCount(),
    (i) => pageNode(mm, pfnAt(i)),
    {
      keyAt: (i) => BigInt(pfnAt(i)),
      lookup: (key) => {
        const pfn = Number(key);
        if (key < 0n || key >= BigInt(PFN_LIMIT)) return undefined;
        if ((pfn >= ZERO_PFN && pfn < mm.sysNext) || (pfn >= HUGE_BASE && pfn < mm.hugeNext) || mm.deviceOf(pfn)) return pageNode(mm, pfn);
        return undefined;
      },
    },
  );
  const dev = record(() => {
    const out: Record<string, StateNode> = {};
    for (const d of mm.devices.values()) out[d.name] = devNode(mm, d.name);
    return out;
  });
  return { task, page, dev, pagecache: pagecacheRoot(mm) };
}

function devNode(mm: MmModel, name: string): StateNode {
  const d = (): Device => mm.devices.get(name) as Device;
  return fixedRecord({
    type: leaf(() => new Sym(d().type)),
    pages: leaf(() => BigInt(d().npages)),
    free: leaf(() => BigInt(d().free.length)),
    used: leaf(() => BigInt(d().npages - d().free.length)),
    failed: leaf(() => d().failed),
    base_pfn: leaf(() => BigInt(d().base), { valueKind: 'pfn' }),
  });
}

function pageNode(mm: MmModel, pfn: number): StateNode {
  const d = (): Device | undefined => mm.deviceOf(pfn);
  // A tail page of a huge page answers with its head's counts, as page_count() does.
  const head = compoundHead(pfn);
  return fixedRecord({
    zone: leaf(() => new Sym(d() ? 'DEVICE' : 'NORMAL')),
    pgmap: leaf(() => new Sym(d()?.type ?? 'none')),
    refcount: leaf(() => BigInt(mm.refcount.get(head))),
    mapcount: leaf(() => BigInt(mm.mapcount.get(head))),
    lru: leaf(() => (mm.flags.get(head) & PG_LRU) !== 0),
    anon: leaf(() => (mm.flags.get(head) & PG_ANON) !== 0),
    device: leaf(() => d()?.name ?? ''),
    hugetlb: leaf(() => (mm.flags.get(head) & PG_HUGETLB) !== 0),
    compound_head: leaf(() => BigInt(head), { valueKind: 'pfn' }),
    // page->mapping / page->index of a page-cache page ('' and 0 otherwise); page_to_nid
    mapping: leaf(() => mm.cache.owner.get(pfn)?.file ?? ''),
    index: leaf(() => BigInt(mm.cache.owner.get(pfn)?.index ?? 0)),
    node: leaf(() => BigInt(mm.flags.get(head) & PG_NODE1 ? 1 : 0)),
    // FOLL_PIN references `gup` holds on the page (compound_pincount for a huge page; GUP_PIN_COUNTING_BIAS each in a small page's refcount)
    pincount: leaf(() => BigInt(mm.held.reduce((n, h) => n + (h.pin && compoundHead(h.pfn) === head ? 1 : 0), 0))),
  }, { memory: { space: 'phys', base: BigInt(pfn) << 12n, size: PAGE_SIZE } });
}

/**
 * The present (non-none) entries of a page table in address order, cached
 * per table version. Rebuilding it walks chunks, not entries, so a step that
 * changes one PTE costs little with a million of them on screen.
 */
const ptIndex = new WeakMap<CowInts, { version: number; index: NonZeroIndex }>();

export function presentPtes(t: Task): NonZeroIndex {
  const c = ptIndex.get(t.pt);
  if (c && c.version === t.pt.version) return c.index;
  const index = t.pt.nonZeroIndex();
  ptIndex.set(t.pt, { version: t.pt.version, index });
  return index;
}

function taskNode(mm: MmModel, name: string): StateNode {
  const t = (): Task => mm.tasks.get(name) as Task;
  const pteNode = (vpn: number): StateNode =>
    fixedRecord({
      kind: leaf(() => new Sym(PTE_KIND_NAMES[pteKind(t().pt.get(vpn))] as string)),
      write: leaf(() => pteWrite(t().pt.get(vpn))),
      pfn: leaf(() => BigInt(ptePfn(t().pt.get(vpn))), { valueKind: 'pfn' }),
    });
  const pteValue = (vpn: number): Value => {
    const p = t().pt.get(vpn);
    return { addr: BigInt(vpn) << 12n, kind: new Sym(PTE_KIND_NAMES[pteKind(p)] as string), write: pteWrite(p), pfn: BigInt(ptePfn(p)) };
  };
  const pte = list(
    () => presentPtes(t()).length,
    (i) => pteNode(presentPtes(t()).at(i)),
    {
      keyAt: (i) => BigInt(presentPtes(t()).at(i)) << 12n,
      lookup: (key) => (key < 0n || key >= 1n << 57n ? undefined : pteNode(Number(key >> 12n))),
      all: () => Array.from(t().pt.nonZeroIndexes(), pteValue),
    },
  );
  const vma = list(
    () => t().vmas.length,
    (i) => valueNode(vmaValue(mm.hugetlb, t().vmas[i] as Vma)),
    { all: () => t().vmas.map((v) => vmaValue(mm.hugetlb, v)) },
  );
  return fixedRecord({
    vma,
    pte,
    rss: leaf(() => BigInt(t().rss)),
    hugetlb_usage: leaf(() => BigInt(t().hugetlbUsage)),
    current: leaf(() => mm.current === name),
  });
}

/** A VMA as a value; a hugetlb one also shows its file and, when it owns one, its private reserve map. */
export function vmaValue(hugetlb: Hugetlb, v: Vma): Value {
  const out: Record<string, Value> = {
    start: BigInt(v.start) << 12n,
    end: BigInt(v.end) << 12n,
    prot: new Sym(protName(v.prot)),
    shared: v.shared,
    anon: vmaIsAnonymous(v),
    locked: v.locked,
  };
  if (v.file) out.file = v.file.name;
  if (v.dax) out.dax = v.dax.name;
  // vm_pgoff in bytes, as for hugetlb below: where in the file the VMA starts
  const fv = v.file ?? v.dax;
  if (fv && fv.base !== v.start) out.offset = BigInt(v.start - fv.base) << 12n;
  if (v.bind !== undefined) out.bind = BigInt(v.bind);
  if (v.huge) {
    out.hugetlb = v.huge.file;
    out.owner = v.huge.resv !== undefined;
    out.unmapped = v.huge.unmapped === true;
    const r = v.huge.resv === undefined ? undefined : hugetlb.privateMaps.get(v.huge.resv);
    if (r) out.resv = r.regions.toArray().map(([f, t]) => [BigInt(f), BigInt(t)]);
    // The private owner's own struct resv_map (HPAGE_RESV_OWNER): regions are the pages whose reservation was consumed.
    if (r) out.resv_map = { regions: out.resv, adds_in_progress: BigInt(r.addsInProgress), region_cache_count: BigInt(r.regionCacheCount) };
    if (v.huge.noreserve) out.noreserve = true;
    if (v.huge.base !== v.start) out.offset = BigInt(v.start - v.huge.base) << 12n;
  }
  return out;
}

/** Physical memory by byte address (pfn << 12): the debugger's memory view of page[pfn]. */
export function physSpace(mm: MmModel): MemorySpace {
  return {
    read: (addr, length) => {
      const out = new Uint8Array(length);
      for (let i = 0; i < length; ) {
        const a = addr + BigInt(i);
        const word = mm.readVal(Number(a >> 12n), Number((a & 0xfffn) >> 3n));
        const off = Number(a & 7n);
        for (let b = off; b < 8 && i < length; b++, i++) out[i] = Number((word >> BigInt(8 * b)) & 0xffn);
      }
      return out;
    },
    write: (addr, bytes) => {
      for (let i = 0; i < bytes.length; ) {
        const a = addr + BigInt(i);
        const pfn = Number(a >> 12n);
        const slot = Number((a & 0xfffn) >> 3n);
        let word = mm.readVal(pfn, slot);
        for (let b = Number(a & 7n); b < 8 && i < bytes.length; b++, i++) {
          const sh = BigInt(8 * b);
          word = (word & ~(0xffn << sh)) | (BigInt(bytes[i] as number) << sh);
        }
        mm.writeVal(pfn, slot, word);
      }
    },
  };
}
