import type { KGen } from '../core/frames';
import { fnOf } from '../core/frames';
import type { Machine } from '../core/machine';
import { EINVAL, ENOMEM, ENOSPC } from '../core/errno';
import { HUGETLB_POOL_C } from './hugetlb_pool_c';
import { region_abort, region_add, region_chg } from './region_ops';
import type { RegionAllocator } from './region_ops';
import type { ResvMap } from './resv_map';
import type { Subpool } from './subpool';
import { hugepage_subpool_get_pages, hugepage_subpool_put_pages } from './subpool';

/** struct hstate's counters (one 2 MiB hstate, one node). */
export interface Pool {
  /** nr_huge_pages */
  total: number;
  /** free_huge_pages */
  free: number;
  /** resv_huge_pages */
  rsvd: number;
  /** surplus_huge_pages */
  surp: number;
  /** nr_overcommit_huge_pages: how many surplus pages may exist at once. */
  overcommit: number;
}

const COUNTER: Readonly<Record<'total' | 'free' | 'rsvd' | 'surp', string>> = {
  total: 'h->nr_huge_pages',
  free: 'h->free_huge_pages',
  rsvd: 'h->resv_huge_pages',
  surp: 'h->surplus_huge_pages',
};

/**
 * `p[k] -= n` as the kernel's unsigned counters do it, except that going
 * below zero (reachable only after raw region statements broke the
 * accounting) is reported as a kernel BUG instead of wrapping.
 */
export function poolSub(m: Machine, p: Pool, k: keyof typeof COUNTER, n: number): void {
  m.bugOn(p[k] < n, `${COUNTER[k]} underflow: ${p[k]} - ${n}`);
  p[k] -= n;
}

const SET_MAX_HUGE_PAGES = fnOf(HUGETLB_POOL_C, 'set_max_huge_pages');
const HUGETLB_ACCT_MEMORY = fnOf(HUGETLB_POOL_C, 'hugetlb_acct_memory');
const GATHER_SURPLUS_PAGES = fnOf(HUGETLB_POOL_C, 'gather_surplus_pages');
const HUGETLB_RESERVE_PAGES = fnOf(HUGETLB_POOL_C, 'hugetlb_reserve_pages');
const ALLOC_SURPLUS_HUGE_PAGE = fnOf(HUGETLB_POOL_C, 'alloc_surplus_huge_page');
const HUGETLB_OVERCOMMIT_HANDLER = fnOf(HUGETLB_POOL_C, 'hugetlb_overcommit_handler');

/** The nr_overcommit_hugepages sysctl: the new limit, nothing else. */
export function* hugetlb_overcommit_handler(m: Machine, p: Pool, count: number): KGen {
  const fr = m.enter(HUGETLB_OVERCOMMIT_HANDLER, { nr_overcommit_hugepages: count });
  p.overcommit = count;
  yield fr.at('set');
  m.leave(fr);
}
const RETURN_UNUSED_SURPLUS_PAGES = fnOf(HUGETLB_POOL_C, 'return_unused_surplus_pages');

const persistent = (p: Pool): number => p.total - p.surp;

export function* set_max_huge_pages(m: Machine, p: Pool, count: number): KGen {
  const fr = m.enter(SET_MAX_HUGE_PAGES, { count });
  // The kernel moves one page per loop iteration; the counts are computed at once so a huge
  // `pages=` costs nothing.
  const fromSurplus = Math.min(p.surp, Math.max(0, count - persistent(p)));
  p.surp -= fromSurplus;
  yield fr.at('grow_surplus');
  const fresh = Math.max(0, count - persistent(p));
  p.total += fresh;
  p.free += fresh;
  yield fr.at('grow');
  const minCount = Math.max(count, p.rsvd + p.total - p.free);
  fr.locals.min_count = minCount;
  yield fr.at('min_count');
  // free_pool_huge_page: only a free page can go.
  const freed = Math.min(p.free, Math.max(0, persistent(p) - minCount));
  p.free -= freed;
  p.total -= freed;
  yield fr.at('shrink');
  // adjust_pool_surplus(+1): the pages in use that must go become surplus.
  p.surp += Math.min(p.total - p.surp, Math.max(0, persistent(p) - count));
  yield fr.at('surplus');
  m.leave(fr);
}

/**
 * alloc_surplus_huge_page: a fresh page from the buddy allocator (which
 * never fails here) while surplus_huge_pages < nr_overcommit_huge_pages.
 * It counts in nr_huge_pages and surplus_huge_pages; the caller puts it in
 * use or on the free list.
 */
export function* alloc_surplus_huge_page(m: Machine, p: Pool): KGen<boolean> {
  const fr = m.enter(ALLOC_SURPLUS_HUGE_PAGE, { surplus_huge_pages: p.surp, nr_overcommit_huge_pages: p.overcommit });
  yield fr.at('check');
  if (p.surp >= p.overcommit) {
    fr.locals.page = 'NULL';
    yield fr.at('out_unlock');
    return m.leave(fr, false);
  }
  p.total++;
  p.surp++;
  yield fr.at('surplus');
  return m.leave(fr, true);
}

function* gather_surplus_pages(m: Machine, p: Pool, delta: number): KGen<number> {
  const fr = m.enter(GATHER_SURPLUS_PAGES, { delta });
  let needed = p.rsvd + delta - p.free;
  fr.locals.needed = needed;
  yield fr.at('needed');
  if (needed <= 0) {
    p.rsvd += delta;
    yield fr.at('reserved');
    return m.leave(fr, 0);
  }
  // Nothing else changes the pool between the allocations and the recount: one pass.
  let allocated = 0;
  while (allocated < needed) {
    yield fr.at('alloc');
    if (!(yield* alloc_surplus_huge_page(m, p))) break;
    allocated++;
  }
  fr.locals.allocated = allocated;
  needed = p.rsvd + delta - (p.free + allocated);
  fr.locals.needed = needed;
  yield fr.at('recount');
  if (needed > 0) {
    // free_huge_page of each page gathered: surplus pages go back to the buddy allocator.
    poolSub(m, p, 'total', allocated);
    poolSub(m, p, 'surp', allocated);
    yield fr.at('free');
    return m.leave(fr, -ENOMEM);
  }
  p.rsvd += delta;
  p.free += allocated;
  yield fr.at('enqueue');
  return m.leave(fr, 0);
}

/** return_unused_surplus_pages: uncommit the reservation, then free up to that many surplus pages from the free list. */
function* return_unused_surplus_pages(m: Machine, p: Pool, unused: number): KGen {
  const fr = m.enter(RETURN_UNUSED_SURPLUS_PAGES, { unused_resv_pages: unused });
  poolSub(m, p, 'rsvd', unused);
  yield fr.at('uncommit');
  const nr = Math.min(unused, p.surp);
  fr.locals.nr_pages = nr;
  // remove_pool_huge_page(acct_surplus): only a free page can go.
  const freed = Math.min(nr, p.free);
  p.free -= freed;
  p.total -= freed;
  p.surp -= freed;
  fr.locals.freed = freed;
  yield fr.at('free');
  m.leave(fr);
}

export function* hugetlb_acct_memory(m: Machine, p: Pool, delta: number): KGen<number> {
  const fr = m.enter(HUGETLB_ACCT_MEMORY, { delta });
  let ret = -ENOMEM;
  if (delta > 0) {
    yield fr.at('gather');
    if ((yield* gather_surplus_pages(m, p, delta)) < 0) {
      fr.locals.ret = ret;
      yield fr.at('return');
      return m.leave(fr, ret);
    }
  }
  ret = 0;
  if (delta < 0) {
    yield fr.at('return_unused');
    yield* return_unused_surplus_pages(m, p, -delta);
  }
  fr.locals.ret = ret;
  yield fr.at('return');
  return m.leave(fr, ret);
}

/** What a mapping adds to a reservation: its mount's subpool, and MAP_NORESERVE. */
export interface ReserveOpts {
  readonly spool?: Subpool;
  readonly noreserve?: boolean;
}

/**
 * hugetlb_reserve_pages for a shared mapping (the inode's resv_map) or a
 * private one (a map of the VMA's own: every page is new).
 */
export function* hugetlb_reserve_pages(
  m: Machine,
  p: Pool,
  alloc: RegionAllocator,
  resv: ResvMap,
  from: number,
  to: number,
  isPrivate: boolean,
  opts: ReserveOpts = {},
): KGen<number> {
  const { spool, noreserve = false } = opts;
  const fr = m.enter(HUGETLB_RESERVE_PAGES, { inode: resv.name, from, to, private: isPrivate, ...(noreserve ? { vm_flags: 'VM_NORESERVE' } : {}) });
  const finish = function* (ret: number, label: string): KGen<number> {
    fr.locals.ret = ret;
    yield fr.at(label);
    return m.leave(fr, ret);
  };
  if (from > to) return yield* finish(-EINVAL, 'einval');
  if (noreserve) return yield* finish(0, 'noreserve');
  let chg: number;
  let regionsNeeded = 0;
  if (!isPrivate) {
    yield fr.at('region_chg');
    const r = (yield region_chg(m, alloc, resv, from, to)) as { ret: number; out_regions_needed: number };
    chg = r.ret;
    regionsNeeded = r.out_regions_needed;
    resv.lastRegionsNeeded = regionsNeeded;
  } else {
    yield fr.at('private');
    // resv_map_alloc() of the VMA's own map: its file_region allocation can fail too.
    if (!alloc.kmallocFileRegion()) return yield* finish(-ENOMEM, 'err');
    chg = to - from;
  }
  fr.locals.chg = chg;
  let add = -1;
  // out_err: region_chg succeeded but region_add failed or did not run.
  const outErr = function* (ret: number): KGen<number> {
    if (!isPrivate && chg >= 0 && add < 0) {
      yield fr.at('abort');
      yield* region_abort(m, resv, from, to, regionsNeeded);
    }
    return yield* finish(ret, 'err');
  };
  if (chg < 0) {
    yield fr.at('chg_err');
    return yield* outErr(chg);
  }
  yield fr.at('subpool');
  const gblReserve = yield* hugepage_subpool_get_pages(m, spool, chg);
  fr.locals.gbl_reserve = gblReserve;
  if (gblReserve < 0) {
    yield fr.at('enospc');
    return yield* outErr(-ENOSPC);
  }
  yield fr.at('acct');
  const acct = yield* hugetlb_acct_memory(m, p, gblReserve);
  if (acct >= 0) {
    if (isPrivate) return yield* finish(0, 'done');
    yield fr.at('region_add');
    add = (yield region_add(m, alloc, resv, from, to, regionsNeeded)) as number;
    fr.locals.add = add;
    if (add < 0) {
      yield fr.at('add_err');
      yield* hugetlb_acct_memory(m, p, -gblReserve);
    } else {
      if (chg > add) {
        yield fr.at('adjust');
        const rsvAdjust = yield* hugepage_subpool_put_pages(m, spool, chg - add);
        yield* hugetlb_acct_memory(m, p, -rsvAdjust);
      }
      return yield* finish(0, 'done');
    }
  }
  if (acct < 0) yield fr.at('acct_err');
  // out_put_pages: give the subpool back what it counted; its return value is ignored.
  yield fr.at('put_pages');
  yield* hugepage_subpool_put_pages(m, spool, chg);
  // `ret` still holds hugetlb_acct_memory's 0 when region_add failed: the code returns success then.
  return yield* outErr(acct);
}
