import type { KGen } from '../core/frames';
import { fnOf, NodeRef } from '../core/frames';
import type { Machine } from '../core/machine';
import { ENOMEM } from '../core/errno';
import { HUGETLB_C } from './hugetlb_c';
import type { ResvMap } from './resv_map';

/** The allocator behind every `kmalloc(sizeof(struct file_region))`: `inject enomem` makes it fail. */
export interface RegionAllocator {
  kmallocFileRegion(): boolean;
}

/** The last resv map linked: a frame's `resv` expands to `resv.<file>` in the state tree; one object per map, not per call. */
let lastRef: { readonly resv: ResvMap; readonly ref: NodeRef } | undefined;
function resvRef(resv: ResvMap): NodeRef {
  if (lastRef?.resv !== resv) lastRef = { resv, ref: new NodeRef('resv', [resv.name], resv.name) };
  return lastRef.ref;
}

const ADD_RESERVATION_IN_RANGE = fnOf(HUGETLB_C, 'add_reservation_in_range');
const REGION_ADD = fnOf(HUGETLB_C, 'region_add');
const REGION_CHG = fnOf(HUGETLB_C, 'region_chg');
const REGION_ABORT = fnOf(HUGETLB_C, 'region_abort');
const REGION_DEL = fnOf(HUGETLB_C, 'region_del');
const REGION_COUNT = fnOf(HUGETLB_C, 'region_count');

/** Count-only walk: pages missing from [f, t) and the file_regions needed to fill them. */
function* add_reservation_in_range_count(m: Machine, resv: ResvMap, f: number, t: number): KGen<{ add: number; needed: number }> {
  const fr = m.enter(ADD_RESERVATION_IN_RANGE, { resv: resvRef(resv), f, t, count_only: true });
  yield fr.at('walk');
  const { add, gaps } = resv.regions.countGaps(f, t);
  fr.locals.add = add;
  fr.locals.regions_needed = gaps;
  yield fr.at('done');
  return m.leave(fr, { add, needed: gaps });
}

/** Filling walk: one region per gap, each descriptor taken from resv->region_cache. */
function* add_reservation_in_range_fill(m: Machine, resv: ResvMap, f: number, t: number): KGen<number> {
  const fr = m.enter(ADD_RESERVATION_IN_RANGE, { resv: resvRef(resv), f, t, count_only: false });
  yield fr.at('walk');
  resv.touch();
  const add = resv.regions.fillGaps(f, t, () => get_file_region_entry_from_cache(m, resv));
  fr.locals.add = add;
  yield fr.at('done');
  return m.leave(fr, add);
}

function get_file_region_entry_from_cache(m: Machine, resv: ResvMap): void {
  m.bugOn(resv.regionCacheCount <= 0, 'resv->region_cache_count <= 0');
  resv.regionCacheCount--;
}

export function* region_add(m: Machine, alloc: RegionAllocator, resv: ResvMap, f: number, t: number, inRegionsNeeded: number): KGen<number> {
  const fr = m.enter(REGION_ADD, { resv: resvRef(resv), f, t, in_regions_needed: inRegionsNeeded });
  for (;;) {
    yield fr.at('retry');
    const { needed } = yield* add_reservation_in_range_count(m, resv, f, t);
    fr.locals.actual_regions_needed = needed;
    yield fr.at('check_cache');
    if (resv.regionCacheCount >= needed) break;
    m.bugOn(t - f <= 1, 't - f <= 1');
    while (resv.regionCacheCount < needed) {
      yield fr.at('kmalloc');
      if (!alloc.kmallocFileRegion()) {
        fr.locals.ret = -ENOMEM;
        yield fr.at('enomem');
        return m.leave(fr, -ENOMEM);
      }
      resv.regionCacheCount++;
      yield fr.at('cache_add');
    }
  }
  yield fr.at('add');
  const add = yield* add_reservation_in_range_fill(m, resv, f, t);
  fr.locals.add = add;
  yield fr.at('adds_in_progress');
  resv.addsInProgress -= inRegionsNeeded;
  m.bugOn(add < 0, 'add < 0');
  yield fr.at('return');
  return m.leave(fr, add);
}

export function* region_chg(m: Machine, alloc: RegionAllocator, resv: ResvMap, f: number, t: number): KGen<{ ret: number; regionsNeeded: number }> {
  const fr = m.enter(REGION_CHG, { resv: resvRef(resv), f, t });
  yield fr.at('count');
  const { add: chg, needed } = yield* add_reservation_in_range_count(m, resv, f, t);
  const regionsNeeded = needed < 1 ? 1 : needed;
  fr.locals.chg = chg;
  fr.locals.out_regions_needed = regionsNeeded;
  yield fr.at('adds_in_progress');
  resv.addsInProgress += regionsNeeded;
  yield fr.at('check_cache');
  while (resv.regionCacheCount < resv.addsInProgress) {
    yield fr.at('kmalloc');
    if (!alloc.kmallocFileRegion()) {
      yield fr.at('enomem');
      return m.leave(fr, { ret: -ENOMEM, regionsNeeded });
    }
    resv.regionCacheCount++;
    yield fr.at('cache_add');
  }
  yield fr.at('return');
  return m.leave(fr, { ret: chg, regionsNeeded });
}

export function* region_abort(m: Machine, resv: ResvMap, f: number, t: number, regionsNeeded: number): KGen {
  const fr = m.enter(REGION_ABORT, { resv: resvRef(resv), f, t, regions_needed: regionsNeeded });
  yield fr.at('bug_check');
  m.bugOn(resv.regionCacheCount === 0, '!resv->region_cache_count');
  yield fr.at('adds_in_progress');
  resv.addsInProgress -= regionsNeeded;
  m.leave(fr);
}

export function* region_del(m: Machine, alloc: RegionAllocator, resv: ResvMap, f: number, t: number): KGen<number> {
  const fr = m.enter(REGION_DEL, { resv: resvRef(resv), f, t });
  // nrg: a descriptor held across `goto retry` (taken from the cache or kmalloc'ed).
  let nrg = false;
  for (;;) {
    yield fr.at('retry');
    yield fr.at('walk');
    const split = resv.regions.findSplit(f, t);
    if (split < 0) {
      resv.touch();
      const del = resv.regions.deleteRange(f, t);
      fr.locals.del = del;
      yield fr.at('return');
      return m.leave(fr, del);
    }
    yield fr.at('split');
    if (!nrg && resv.regionCacheCount > resv.addsInProgress) {
      // Only reachable after callers broke the accounting (adds_in_progress < 0):
      // the kernel would take the list head of an empty cache as a descriptor.
      m.bugOn(resv.regionCacheCount <= 0, 'list_first_entry() of an empty resv->region_cache');
      resv.regionCacheCount--;
      nrg = true;
      yield fr.at('take_cache');
    }
    if (!nrg) {
      yield fr.at('kmalloc');
      if (!alloc.kmallocFileRegion()) {
        yield fr.at('enomem');
        return m.leave(fr, -ENOMEM);
      }
      nrg = true;
      continue;
    }
    resv.touch();
    const del = resv.regions.splitAt(split, f, t);
    fr.locals.del = del;
    yield fr.at('split_done');
    yield fr.at('return');
    return m.leave(fr, del);
  }
}

export function* region_count(m: Machine, resv: ResvMap, f: number, t: number): KGen<number> {
  const fr = m.enter(REGION_COUNT, { resv: resvRef(resv), f, t });
  yield fr.at('walk');
  const chg = resv.regions.countOverlap(f, t);
  fr.locals.chg = chg;
  yield fr.at('return');
  return m.leave(fr, chg);
}
