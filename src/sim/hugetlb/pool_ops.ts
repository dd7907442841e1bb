import type { KGen } from '../core/frames';
import { fnOf } from '../core/frames';
import type { Machine } from '../core/machine';
import { EINVAL, ENOMEM } from '../core/errno';
import { HUGETLB_POOL_C } from './hugetlb_pool_c';
import { region_abort, region_add, region_chg } from './region_ops';
import type { RegionAllocator } from './region_ops';
import type { ResvMap } from './resv_map';

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
}

const SET_MAX_HUGE_PAGES = fnOf(HUGETLB_POOL_C, 'set_max_huge_pages');
const HUGETLB_ACCT_MEMORY = fnOf(HUGETLB_POOL_C, 'hugetlb_acct_memory');
const GATHER_SURPLUS_PAGES = fnOf(HUGETLB_POOL_C, 'gather_surplus_pages');
const HUGETLB_RESERVE_PAGES = fnOf(HUGETLB_POOL_C, 'hugetlb_reserve_pages');

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

function* gather_surplus_pages(m: Machine, p: Pool, delta: number): KGen<number> {
  const fr = m.enter(GATHER_SURPLUS_PAGES, { delta });
  const needed = p.rsvd + delta - p.free;
  fr.locals.needed = needed;
  yield fr.at('needed');
  if (needed <= 0) {
    p.rsvd += delta;
    yield fr.at('reserved');
    m.leave(fr);
    return 0;
  }
  // nr_overcommit_huge_pages is 0: alloc_surplus_huge_page() gives nothing.
  yield fr.at('enomem');
  m.leave(fr);
  return -ENOMEM;
}

/** return_unused_surplus_pages: unreserve, freeing surplus pages first (each needs a free page). */
function returnUnusedSurplusPages(p: Pool, unused: number): void {
  const nr = Math.min(unused, p.surp);
  const freed = Math.min(nr, p.free);
  p.free -= freed;
  p.total -= freed;
  p.surp -= freed;
  // Fully uncommit the reservation, freed pages or not.
  p.rsvd -= unused;
}

export function* hugetlb_acct_memory(m: Machine, p: Pool, delta: number): KGen<number> {
  const fr = m.enter(HUGETLB_ACCT_MEMORY, { delta });
  let ret = -ENOMEM;
  if (delta > 0) {
    yield fr.at('gather');
    if ((yield* gather_surplus_pages(m, p, delta)) < 0) {
      fr.locals.ret = ret;
      yield fr.at('return');
      m.leave(fr);
      return ret;
    }
  }
  ret = 0;
  if (delta < 0) {
    returnUnusedSurplusPages(p, -delta);
    yield fr.at('return_unused');
  }
  fr.locals.ret = ret;
  yield fr.at('return');
  m.leave(fr);
  return ret;
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
): KGen<number> {
  const fr = m.enter(HUGETLB_RESERVE_PAGES, { inode: resv.name, from, to, private: isPrivate });
  const finish = function* (ret: number, label: string): KGen<number> {
    fr.locals.ret = ret;
    yield fr.at(label);
    m.leave(fr);
    return ret;
  };
  if (from > to) {
    yield fr.at('einval');
    return yield* finish(-EINVAL, 'einval');
  }
  let chg: number;
  let regionsNeeded = 0;
  if (!isPrivate) {
    yield fr.at('region_chg');
    const r = yield* region_chg(m, alloc, resv, from, to);
    chg = r.ret;
    regionsNeeded = r.regionsNeeded;
    resv.lastRegionsNeeded = regionsNeeded;
  } else {
    yield fr.at('private');
    // resv_map_alloc() of the VMA's own map: its file_region allocation can fail too.
    if (!alloc.kmallocFileRegion()) return yield* finish(-ENOMEM, 'err');
    chg = to - from;
  }
  fr.locals.chg = chg;
  if (chg < 0) return yield* finish(chg, 'err');
  const gblReserve = chg;
  fr.locals.gbl_reserve = gblReserve;
  yield fr.at('acct');
  let add = -1;
  const acct = yield* hugetlb_acct_memory(m, p, gblReserve);
  if (acct >= 0) {
    if (isPrivate) return yield* finish(0, 'done');
    yield fr.at('region_add');
    add = yield* region_add(m, alloc, resv, from, to, regionsNeeded);
    fr.locals.add = add;
    if (add < 0) {
      yield* hugetlb_acct_memory(m, p, -gblReserve);
    } else {
      if (chg > add) {
        yield fr.at('adjust');
        yield* hugetlb_acct_memory(m, p, -(chg - add));
      }
      return yield* finish(0, 'done');
    }
  }
  // out_put_pages / out_err: region_chg succeeded but region_add failed or did not run.
  if (!isPrivate && chg >= 0 && add < 0) {
    yield fr.at('abort');
    yield* region_abort(m, resv, from, to, regionsNeeded);
  }
  // `ret` still holds hugetlb_acct_memory's 0 when region_add failed: the code returns success then.
  return yield* finish(acct, 'err');
}
