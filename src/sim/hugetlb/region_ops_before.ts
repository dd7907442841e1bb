import type { KGen } from '../core/frames';
import { fnOf, NodeRef } from '../core/frames';
import type { Machine } from '../core/machine';
import { ENOMEM } from '../core/errno';
import { HUGETLB_BEFORE_004_C } from './hugetlb_before_004_c';
import { RegionList } from './region_list';
import type { ResvMap } from './resv_map';
import type { RegionAllocator } from './region_ops';

/**
 * The reservation map of the kernel before reference 004 (`kernel
 * before=004`): region_add coalesces, region_chg reserves one descriptor per
 * call. The maps these functions see are small (a scenario's), so they work
 * on a copy of the list and write it back, rather than walk it in place.
 */
const ADD_RESERVATION_IN_RANGE = fnOf(HUGETLB_BEFORE_004_C, 'add_reservation_in_range');
const REGION_ADD = fnOf(HUGETLB_BEFORE_004_C, 'region_add');
const REGION_CHG = fnOf(HUGETLB_BEFORE_004_C, 'region_chg');
const REGION_ABORT = fnOf(HUGETLB_BEFORE_004_C, 'region_abort');

const resvRef = (resv: ResvMap): NodeRef => new NodeRef('resv', [resv.name], resv.name);

/** list_for_each_entry(rg, head, link) if (f <= rg->to) break; — the index it stops at (length: the head). */
function locate(list: ReadonlyArray<readonly [number, number]>, f: number): number {
  let i = 0;
  while (i < list.length && f > (list[i] as readonly [number, number])[1]) i++;
  return i;
}

function* add_reservation_in_range(m: Machine, resv: ResvMap, f: number, t: number, countOnly: boolean): KGen<number> {
  const fr = m.enter(ADD_RESERVATION_IN_RANGE, { resv: resvRef(resv), f, t, count_only: countOnly });
  const list = resv.regions.toArray();
  const at = locate(list, f);
  yield fr.at('locate');
  // Off the end of the list rg is container_of(head): on x86-64, file_region's
  // `from` (offset 16 past `link`) overlays resv_map's adds_in_progress
  // (offset 24, `regions` being at 8). The `-` code does not test for the head here.
  const rgFrom = at < list.length ? (list[at] as [number, number])[0] : resv.addsInProgress;
  if (f > rgFrom) {
    f = rgFrom;
    fr.locals.f = f;
    yield fr.at('round');
  }
  let chg = t - f;
  fr.locals.chg = chg;
  let end = at;
  for (let i = at; i < list.length; i++) {
    const [from, to] = list[i] as [number, number];
    fr.locals.rg = { from: BigInt(from), to: BigInt(to) };
    yield fr.at('rg');
    if (from > t) {
      yield fr.at('break');
      break;
    }
    if (to > t) {
      chg += to - t;
      t = to;
      fr.locals.t = t;
    }
    chg -= to - from;
    fr.locals.chg = chg;
    end = i + 1;
    if (!countOnly && i !== at) yield fr.at('consume');
  }
  if (!countOnly) {
    // nrg, the region located, now spans [f, t); the regions after it that it overlapped are gone.
    resv.touch();
    list.splice(at, end - at, [f, t]);
    resv.regions = RegionList.from(list);
    yield fr.at('merge');
  }
  yield fr.at('done');
  return m.leave(fr, chg);
}

export function* region_add_before_004(m: Machine, resv: ResvMap, f: number, t: number): KGen<number> {
  const fr = m.enter(REGION_ADD, { resv: resvRef(resv), f, t });
  const list = resv.regions.toArray();
  const at = locate(list, f);
  yield fr.at('locate');
  let add: number;
  if (at === list.length || t < (list[at] as [number, number])[0]) {
    m.bugOn(resv.regionCacheCount <= 0, 'resv->region_cache_count <= 0');
    resv.regionCacheCount--;
    resv.touch();
    list.splice(at, 0, [f, t]);
    resv.regions = RegionList.from(list);
    add = t - f;
    fr.locals.add = add;
    yield fr.at('new_region');
  } else {
    yield fr.at('add');
    add = (yield add_reservation_in_range(m, resv, f, t, false)) as number;
    fr.locals.add = add;
  }
  yield fr.at('adds_in_progress');
  resv.addsInProgress--;
  m.bugOn(add < 0, 'add < 0');
  yield fr.at('return');
  return m.leave(fr, add);
}

/** out_regions_needed is always 1: the one descriptor this kernel reserves per region_chg. */
export function* region_chg_before_004(m: Machine, alloc: RegionAllocator, resv: ResvMap, f: number, t: number): KGen<{ ret: number; out_regions_needed: number }> {
  const fr = m.enter(REGION_CHG, { resv: resvRef(resv), f, t });
  for (;;) {
    yield fr.at('adds_in_progress');
    resv.addsInProgress++;
    yield fr.at('check_cache');
    if (resv.addsInProgress <= resv.regionCacheCount) break;
    m.bugOn(resv.addsInProgress - resv.regionCacheCount > 1, 'resv->adds_in_progress - resv->region_cache_count > 1');
    resv.addsInProgress--;
    yield fr.at('kmalloc');
    if (!alloc.kmallocFileRegion()) {
      yield fr.at('enomem');
      return m.leave(fr, { ret: -ENOMEM, out_regions_needed: 1 });
    }
    resv.regionCacheCount++;
    yield fr.at('cache_add');
  }
  yield fr.at('count');
  const chg = (yield add_reservation_in_range(m, resv, f, t, true)) as number;
  fr.locals.chg = chg;
  yield fr.at('return');
  return m.leave(fr, { ret: chg, out_regions_needed: 1 });
}

export function* region_abort_before_004(m: Machine, resv: ResvMap, f: number, t: number): KGen {
  const fr = m.enter(REGION_ABORT, { resv: resvRef(resv), f, t });
  yield fr.at('bug_check');
  m.bugOn(resv.regionCacheCount === 0, '!resv->region_cache_count');
  yield fr.at('adds_in_progress');
  resv.addsInProgress--;
  m.leave(fr);
}
