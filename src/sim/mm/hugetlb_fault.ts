/**
 * hugetlb_fault and what it calls: hugetlb_no_page, alloc_huge_page with
 * vma_needs/commit/end_reservation (reference 004's regions_needed),
 * dequeue_huge_page_vma, hugetlb_cow and unmap_ref_private.
 */
import { ENOMEM, ENOSPC } from '../core/errno';
import type { KernelFn, KGen } from '../core/frames';
import { fnOf } from '../core/frames';
import type { Machine } from '../core/machine';
import { alloc_surplus_huge_page, hugetlb_acct_memory, poolSub } from '../hugetlb/pool_ops';
import { hugepage_subpool_get_pages, hugepage_subpool_put_pages } from '../hugetlb/subpool';
import { region_abort, region_add, region_chg, region_del } from '../hugetlb/region_ops';
import type { ResvMap } from '../hugetlb/resv_map';
import { HUGETLB_FAULT_C } from './hugetlb_fault_c';
import { haddrOf, hugeIndex, hugeOf, put_huge_page, setHugePte } from './hugetlb_page';
import { __unmap_hugepage_range } from './hugetlb_walk';
import type { MmModel } from './model';
import { HPAGE_NR, PG_ANON, PG_PRIVATE, vpnHex as hex } from './page';
import { ptePfn, ptePreview, pteWrite } from './pte';
import type { Task, Vma } from './task';
import { PROT_WRITE } from './task';
import { pageRef } from './frame_refs';

const HUGETLB_FAULT = fnOf(HUGETLB_FAULT_C, 'hugetlb_fault');
const HUGETLB_NO_PAGE = fnOf(HUGETLB_FAULT_C, 'hugetlb_no_page');
const HUGETLB_COW = fnOf(HUGETLB_FAULT_C, 'hugetlb_cow');
const UNMAP_REF_PRIVATE = fnOf(HUGETLB_FAULT_C, 'unmap_ref_private');
const ALLOC_HUGE_PAGE = fnOf(HUGETLB_FAULT_C, 'alloc_huge_page');
const DEQUEUE_HUGE_PAGE_VMA = fnOf(HUGETLB_FAULT_C, 'dequeue_huge_page_vma');
const RESTORE_RESERVE_ON_ERROR = fnOf(HUGETLB_FAULT_C, 'restore_reserve_on_error');
const __VMA_RESERVATION_COMMON = fnOf(HUGETLB_FAULT_C, '__vma_reservation_common');

/** What a hugetlb fault ends in; VM_FAULT_OOM makes the CPU retry the access after pagefault_out_of_memory(). */
export type HugeFault = 'ok' | 'SIGBUS' | 'OOM';

/** vma_resv_map: the inode's map for a shared mapping, the owner's own map for a private one, none in a child. */
function vmaResvMap(mm: MmModel, vma: Vma): ResvMap | undefined {
  const h = hugeOf(vma);
  if (vma.shared) return mm.hugetlb.files.get(h.file);
  return h.resv === undefined ? undefined : mm.hugetlb.privateMaps.get(h.resv);
}

function vmaHasReserves(vma: Vma, chg: number): boolean {
  // VM_NORESERVE: only a shared page someone else reserved (chg == 0) counts as reserved.
  if (hugeOf(vma).noreserve) return vma.shared && chg === 0;
  // Shared mappings and the private owner have reserves unless the map says this page has none (chg != 0).
  if (vma.shared || hugeOf(vma).resv !== undefined) return chg === 0;
  return false;
}

// ---- the reservation helpers ------------------------------------------------------

type ResvMode = 'needs' | 'commit' | 'end' | 'add';
const RESV_FN: Readonly<Record<ResvMode, KernelFn>> = {
  needs: fnOf(HUGETLB_FAULT_C, 'vma_needs_reservation'),
  commit: fnOf(HUGETLB_FAULT_C, 'vma_commit_reservation'),
  end: fnOf(HUGETLB_FAULT_C, 'vma_end_reservation'),
  add: fnOf(HUGETLB_FAULT_C, 'vma_add_reservation'),
};

/** vma_{needs,commit,end,add}_reservation → __vma_reservation_common. */
function* vma_reservation(m: Machine, mm: MmModel, vma: Vma, haddr: number, mode: ResvMode, inNeeded: number): KGen<{ ret: number; needed: number }> {
  const outer = m.enter(RESV_FN[mode], { addr: hex(haddr), ...(mode === 'needs' ? {} : { regions_needed: inNeeded }) });
  yield outer.at('call');
  const fr = m.enter(__VMA_RESERVATION_COMMON, { addr: hex(haddr), mode: `VMA_${mode.toUpperCase()}_RESV`, in_regions_needed: inNeeded });
  const done = function* (ret: number, needed: number, label: string): KGen<{ ret: number; needed: number }> {
    fr.locals.ret = ret;
    yield fr.at(label);
    m.leave(fr);
    outer.locals.ret = ret;
    return m.leave(outer, { ret, needed });
  };
  const resv = vmaResvMap(mm, vma);
  if (!resv) return yield* done(1, 0, 'no_map');
  const idx = hugeIndex(vma, haddr);
  fr.locals.resv = resv.name;
  fr.locals.idx = idx;
  yield fr.at('idx');
  let ret = 0;
  let needed = 0;
  if (mode === 'needs') {
    const r = yield* region_chg(m, mm.hugetlb, resv, idx, idx + 1);
    ret = r.ret;
    needed = r.out_regions_needed;
    fr.locals.regions_needed = needed;
    yield fr.at('needs');
  } else if (mode === 'commit' || (mode === 'add' && vma.shared)) {
    m.bugOn(inNeeded === -1, 'in_regions_needed == -1');
    ret = yield* region_add(m, mm.hugetlb, resv, idx, idx + 1, inNeeded);
    m.bugOn(ret < 0, 'ret < 0');
    yield fr.at(mode === 'commit' ? 'commit' : 'add');
  } else if (mode === 'end') {
    m.bugOn(inNeeded === -1, 'in_regions_needed == -1');
    yield* region_abort(m, resv, idx, idx + 1, inNeeded);
    yield fr.at('end');
  } else {
    yield* region_abort(m, resv, idx, idx + 1, inNeeded);
    ret = (yield region_del(m, mm.hugetlb, resv, idx, idx + 1)) as number;
    yield fr.at('add');
  }
  if (vma.shared) return yield* done(ret, needed, 'shared');
  // The private map is the other way round: an entry means the reservation was consumed.
  if (hugeOf(vma).resv !== undefined && ret >= 0) return yield* done(ret ? 0 : 1, needed, 'private');
  return yield* done(ret < 0 ? ret : 0, needed, 'other');
}

// ---- allocation and freeing ---------------------------------------------------------

function* dequeue_huge_page_vma(m: Machine, mm: MmModel, vma: Vma, haddr: number, avoid: boolean, chg: number): KGen<number> {
  const p = mm.hugetlb.pool;
  const fr = m.enter(DEQUEUE_HUGE_PAGE_VMA, { address: hex(haddr), avoid_reserve: avoid ? 1 : 0, chg });
  const has = vmaHasReserves(vma, chg);
  fr.locals.vma_has_reserves = has;
  const fail = function* (label: string): KGen<number> {
    yield fr.at(label);
    if (label !== 'err') yield fr.at('err');
    return m.leave(fr, 0);
  };
  if (!has && p.free - p.rsvd === 0) return yield* fail('no_reserve');
  if (avoid && p.free - p.rsvd === 0) return yield* fail('avoid_reserve');
  if (p.free === 0) return yield* fail('err');
  p.free--;
  const page = mm.allocHugeFrame();
  fr.locals.page = page;
  if (!avoid && has) {
    mm.flags.set(page, mm.flags.get(page) | PG_PRIVATE);
    poolSub(m, p, 'rsvd', 1);
    yield fr.at('use_reserve');
  }
  yield fr.at('page');
  return m.leave(fr, page);
}

/** alloc_huge_page: the head pfn of a page, or -ENOMEM / -ENOSPC. */
function* alloc_huge_page(m: Machine, mm: MmModel, vma: Vma, haddr: number, avoid: boolean): KGen<number> {
  const p = mm.hugetlb.pool;
  const spool = mm.hugetlb.subpoolOf(hugeOf(vma).file);
  const fr = m.enter(ALLOC_HUGE_PAGE, { addr: hex(haddr), avoid_reserve: avoid ? 1 : 0 });
  yield fr.at('needs');
  const n = yield* vma_reservation(m, mm, vma, haddr, 'needs', -1);
  const mapChg = n.ret;
  fr.locals.map_chg = mapChg;
  fr.locals.regions_needed = n.needed;
  const finish = function* (ret: number, label: string): KGen<number> {
    fr.locals.ret = ret;
    yield fr.at(label);
    return m.leave(fr, ret);
  };
  if (mapChg < 0) return yield* finish(-ENOMEM, 'enomem');
  let gblChg = mapChg;
  if (mapChg || avoid) {
    yield fr.at('subpool');
    gblChg = yield* hugepage_subpool_get_pages(m, spool, 1);
    if (gblChg < 0) {
      yield fr.at('subpool_full');
      yield* vma_reservation(m, mm, vma, haddr, 'end', n.needed);
      return yield* finish(-ENOSPC, 'subpool_enospc');
    }
    // Reservations the subpool holds (gbl_chg == 0) may serve, unless reserves are avoided.
    if (avoid) gblChg = 1;
  }
  fr.locals.gbl_chg = gblChg;
  yield fr.at('dequeue');
  let page = yield* dequeue_huge_page_vma(m, mm, vma, haddr, avoid, gblChg);
  if (!page) {
    yield fr.at('buddy');
    if (!(yield* alloc_surplus_huge_page(m, p))) {
      yield fr.at('no_page');
      if (mapChg || avoid) yield* hugepage_subpool_put_pages(m, spool, 1);
      yield* vma_reservation(m, mm, vma, haddr, 'end', n.needed);
      return yield* finish(-ENOSPC, 'enospc');
    }
    page = mm.allocHugeFrame();
    if (!avoid && vmaHasReserves(vma, gblChg)) {
      mm.flags.set(page, mm.flags.get(page) | PG_PRIVATE);
      poolSub(m, p, 'rsvd', 1);
      yield fr.at('surplus_reserve');
    }
  }
  fr.locals.page = page;
  if (spool) mm.hugetlb.pageSpool.set(page, spool.name);
  yield fr.at('commit');
  const commit = (yield* vma_reservation(m, mm, vma, haddr, 'commit', n.needed)).ret;
  fr.locals.map_commit = commit;
  if (mapChg > commit) {
    yield fr.at('adjust');
    const rsvAdjust = yield* hugepage_subpool_put_pages(m, spool, 1);
    yield* hugetlb_acct_memory(m, p, -rsvAdjust);
  }
  return yield* finish(page, 'page');
}

function* restore_reserve_on_error(m: Machine, mm: MmModel, vma: Vma, haddr: number, page: number): KGen {
  const fr = m.enter(RESTORE_RESERVE_ON_ERROR, { address: hex(haddr), page: pageRef(page) });
  if (mm.flags.get(page) & PG_PRIVATE) {
    yield fr.at('needs');
    const n = yield* vma_reservation(m, mm, vma, haddr, 'needs', -1);
    const clear = (): void => mm.flags.set(page, mm.flags.get(page) & ~PG_PRIVATE);
    if (n.ret < 0) {
      clear();
      yield fr.at('clear');
    } else if (n.ret) {
      const rc = (yield* vma_reservation(m, mm, vma, haddr, 'add', n.needed)).ret;
      if (rc < 0) clear();
      yield fr.at('add');
    } else {
      yield* vma_reservation(m, mm, vma, haddr, 'end', n.needed);
      yield fr.at('end');
    }
  }
  m.leave(fr);
}
// ---- the fault ----------------------------------------------------------------------------

export function* hugetlb_fault(m: Machine, mm: MmModel, t: Task, vma: Vma, vpn: number, write: boolean): KGen<HugeFault> {
  const haddr = haddrOf(vpn);
  const fr = m.enter(HUGETLB_FAULT, { mm: t.name, address: hex(vpn), haddr: hex(haddr), write });
  const entry = t.pt.get(haddr);
  fr.locals.entry = ptePreview(entry);
  yield fr.at('entry');
  const out = function* (r: HugeFault): KGen<HugeFault> {
    fr.locals.ret = r === 'ok' ? 0 : r === 'OOM' ? 'VM_FAULT_OOM' : 'VM_FAULT_SIGBUS';
    yield fr.at('out');
    return m.leave(fr, r);
  };
  if (entry === 0) {
    yield fr.at('no_page');
    return yield* out(yield* hugetlb_no_page(m, mm, t, vma, haddr, write));
  }
  if (!write || pteWrite(entry)) return yield* out('ok');
  const n = yield* vma_reservation(m, mm, vma, haddr, 'needs', -1);
  if (n.ret < 0) {
    yield fr.at('oom');
    return yield* out('OOM');
  }
  yield fr.at('end_reservation');
  yield* vma_reservation(m, mm, vma, haddr, 'end', n.needed);
  let pagecache = 0;
  if (!vma.shared) {
    pagecache = mm.hugetlb.inodes.get(hugeOf(vma).file)?.cache.get(hugeIndex(vma, haddr)) ?? 0;
    fr.locals.pagecache_page = pagecache || 'NULL';
    yield fr.at('pagecache');
  }
  yield fr.at('cow');
  return yield* out(yield* hugetlb_cow(m, mm, t, vma, haddr, pagecache));
}

function* hugetlb_no_page(m: Machine, mm: MmModel, t: Task, vma: Vma, haddr: number, write: boolean): KGen<HugeFault> {
  const h = hugeOf(vma);
  const idx = hugeIndex(vma, haddr);
  const fr = m.enter(HUGETLB_NO_PAGE, { mm: t.name, idx, address: hex(haddr), write });
  const out = function* (r: HugeFault): KGen<HugeFault> {
    fr.locals.ret = r === 'ok' ? 0 : r === 'OOM' ? 'VM_FAULT_OOM' : 'VM_FAULT_SIGBUS';
    yield fr.at('out');
    return m.leave(fr, r);
  };
  if (h.unmapped) {
    m.output(`hugetlb: task ${t.name} killed due to inadequate hugepage pool (its parent took ${hex(haddr)} back on COW)`, 'console');
    yield fr.at('unmapped');
    return m.leave(fr, 'SIGBUS');
  }
  const inode = mm.hugetlb.inode(h.file);
  yield fr.at('find_page');
  let page = inode.cache.get(idx) ?? 0;
  let anon = false;
  if (!page) {
    fr.locals.size = inode.size;
    if (idx >= inode.size) {
      yield fr.at('beyond_i_size');
      return yield* out('SIGBUS');
    }
    const p = yield* alloc_huge_page(m, mm, vma, haddr, false);
    if (p < 0) {
      yield fr.at('alloc_failed');
      return yield* out(p === -ENOMEM ? 'OOM' : 'SIGBUS');
    }
    page = p;
    fr.locals.page = page;
    fr.locals.new_page = true;
    yield fr.at('new_page');
    if (vma.shared) {
      // The page cache holds a reference of its own; the allocation's becomes the PTE's.
      inode.cache.set(idx, page);
      mm.refcount.add(page, 1);
      mm.flags.set(page, mm.flags.get(page) & ~PG_PRIVATE);
      yield fr.at('page_cache');
    } else {
      anon = true;
      yield fr.at('anon');
    }
  } else {
    // find_lock_page's reference becomes the PTE's.
    mm.refcount.add(page, 1);
    fr.locals.page = page;
  }
  if (write && !vma.shared) {
    const n = yield* vma_reservation(m, mm, vma, haddr, 'needs', -1);
    if (n.ret < 0) {
      yield fr.at('oom');
      yield* restore_reserve_on_error(m, mm, vma, haddr, page);
      yield* put_huge_page(m, mm, page);
      yield fr.at('backout');
      return yield* out('OOM');
    }
    yield fr.at('end_reservation');
    yield* vma_reservation(m, mm, vma, haddr, 'end', n.needed);
  }
  if (anon) {
    mm.flags.set(page, (mm.flags.get(page) & ~PG_PRIVATE) | PG_ANON);
    mm.mapcount.set(page, 1);
  } else mm.mapcount.add(page, 1);
  setHugePte(t, haddr, page, (vma.prot & PROT_WRITE) !== 0 && vma.shared);
  t.hugetlbUsage += HPAGE_NR;
  yield fr.at('set_pte');
  let r: HugeFault = 'ok';
  if (write && !vma.shared) {
    yield fr.at('cow');
    r = yield* hugetlb_cow(m, mm, t, vma, haddr, page);
  }
  return yield* out(r);
}

function* hugetlb_cow(m: Machine, mm: MmModel, t: Task, vma: Vma, haddr: number, pagecache: number): KGen<HugeFault> {
  const old = ptePfn(t.pt.get(haddr));
  const fr = m.enter(HUGETLB_COW, { address: hex(haddr), old_page: old, pagecache_page: pagecache || 'NULL' });
  // After unmap_ref_private the owner is the page's only mapper: the second pass reuses it.
  for (let pass = 0; ; pass++) {
    fr.locals.mapcount = mm.mapcount.get(old);
    if (mm.mapcount.get(old) === 1 && mm.flags.get(old) & PG_ANON) {
      setHugePte(t, haddr, old, true);
      yield fr.at('reuse');
      return m.leave(fr, 'ok');
    }
    const outside = hugeOf(vma).resv !== undefined && old !== pagecache;
    fr.locals.outside_reserve = outside ? 1 : 0;
    mm.refcount.add(old, 1);
    yield fr.at('get_page');
    yield fr.at('alloc');
    const np = yield* alloc_huge_page(m, mm, vma, haddr, outside);
    if (np < 0) {
      if (outside && pass === 0) {
        mm.refcount.add(old, -1);
        yield fr.at('unmap_ref_private');
        yield* unmap_ref_private(m, mm, t, vma, old, haddr);
        continue;
      }
      yield* put_huge_page(m, mm, old);
      fr.locals.ret = np === -ENOMEM ? 'VM_FAULT_OOM' : 'VM_FAULT_SIGBUS';
      yield fr.at('alloc_failed');
      return m.leave(fr, np === -ENOMEM ? 'OOM' : 'SIGBUS');
    }
    fr.locals.new_page = np;
    for (let i = 0; i < HPAGE_NR; i++) mm.copyVals(old + i, np + i);
    yield fr.at('copy');
    mm.flags.set(np, (mm.flags.get(np) & ~PG_PRIVATE) | PG_ANON);
    setHugePte(t, haddr, np, true);
    mm.mapcount.add(old, -1);
    mm.mapcount.set(np, 1);
    yield fr.at('break_cow');
    // The PTE's reference and the one taken above.
    yield* put_huge_page(m, mm, old);
    yield* put_huge_page(m, mm, old);
    yield fr.at('out');
    return m.leave(fr, 'ok');
  }
}

function* unmap_ref_private(m: Machine, mm: MmModel, t: Task, vma: Vma, page: number, haddr: number): KGen {
  const idx = hugeIndex(vma, haddr);
  const fr = m.enter(UNMAP_REF_PRIVATE, { page: pageRef(page), address: hex(haddr) });
  for (const u of mm.tasks.values()) {
    for (const w of u.vmas.slice()) {
      if ((u === t && w === vma) || !w.huge || w.huge.file !== hugeOf(vma).file) continue;
      if (w.shared || w.huge.resv !== undefined) continue;
      const at = w.huge.base + idx * HPAGE_NR;
      if (at < w.start || at >= w.end) continue;
      fr.locals.iter_vma = `${u.name} [${hex(w.start)}, ${hex(w.end)})`;
      yield fr.at('unmap');
      yield* __unmap_hugepage_range(m, mm, u, w, at, at + HPAGE_NR, page);
    }
  }
  m.leave(fr);
}

/**
 * Why a hugetlb fault at vpn ended in SIGBUS, read from the state it left
 * (a SIGBUS changes neither the page cache nor i_size): the message a user
 * sees must say which of hugetlb_no_page's exits was taken.
 */
export function hugetlbSigbusWhy(mm: MmModel, vma: Vma, vpn: number): string {
  const h = hugeOf(vma);
  const haddr = haddrOf(vpn);
  if (h.unmapped) return 'the parent took this page back on COW (HPAGE_RESV_UNMAPPED)';
  const inode = mm.hugetlb.inode(h.file);
  const idx = hugeIndex(vma, haddr);
  if (!inode.cache.get(idx) && idx >= inode.size) {
    return `it is beyond i_size of ${h.file} (huge page ${idx}, i_size ${inode.size} huge page${inode.size === 1 ? '' : 's'}): hugetlb_no_page does not fill a file past its end`;
  }
  return 'no huge page could be allocated for it (alloc_huge_page failed: pool, reservation or subpool exhausted)';
}
