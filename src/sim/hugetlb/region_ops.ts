import type { KGen } from '../core/frames';
import { fnOf, NodeRef } from '../core/frames';
import type { Machine } from '../core/machine';
import { ENOMEM } from '../core/errno';
import { HUGETLB_C } from './hugetlb_c';
import type { ResvMap } from './resv_map';
import type { RegionWalk } from './region_walk';
import type { RecordValue } from '../core/values';
import { beforePatch } from '../core/kernel_select';
import { region_abort_before_004, region_add_before_004, region_chg_before_004 } from './region_ops_before';

/** The allocator behind every `kmalloc(sizeof(struct file_region))`: `inject enomem` makes it fail. */
export interface RegionAllocator {
  kmallocFileRegion(): boolean;
}

const ADD_RESERVATION_IN_RANGE = fnOf(HUGETLB_C, 'add_reservation_in_range');
const REGION_ADD = fnOf(HUGETLB_C, 'region_add');
const REGION_CHG = fnOf(HUGETLB_C, 'region_chg');
const REGION_ABORT = fnOf(HUGETLB_C, 'region_abort');
const REGION_DEL = fnOf(HUGETLB_C, 'region_del');
const REGION_COUNT = fnOf(HUGETLB_C, 'region_count');

/**
 * Each resv map's node: a frame's `resv` expands to `resv.<file>` in the state tree; one object per map, not
 * per call. Weak, so a finished session's million-region map is not kept alive by this cache.
 */
const resvRefs = new WeakMap<ResvMap, NodeRef>();
function resvRef(resv: ResvMap): NodeRef {
  let ref = resvRefs.get(resv);
  if (!ref) resvRefs.set(resv, (ref = new NodeRef('resv', [resv.name], resv.name)));
  return ref;
}

/**
 * `rg`, the file_region at a walk's cursor, as a local: its fields are read
 * when the debugger shows them, so the loop builds no value per region.
 */
function rgOf(w: RegionWalk): RecordValue {
  return {
    get from(): bigint {
      return BigInt(w.from);
    },
    get to(): bigint {
      return BigInt(w.to);
    },
  };
}

/**
 * add_reservation_in_range: the walk over resv->regions, a step point per
 * region from the first that starts at or after f to the one that ends the
 * walk, and at each gap it counts (count_only) or fills with a descriptor
 * from resv->region_cache.
 */
interface Gaps {
  readonly add: number;
  readonly needed: number;
}

function* add_reservation_in_range(m: Machine, resv: ResvMap, f: number, t: number, countOnly: boolean): KGen<Gaps> {
  const fr = m.enter(ADD_RESERVATION_IN_RANGE, { resv: resvRef(resv), f, t, count_only: countOnly });
  let add = 0;
  let needed = 0;
  let lao = f;
  fr.locals.add = 0;
  if (countOnly) fr.locals.regions_needed = 0;
  fr.locals.last_accounted_offset = lao;
  yield fr.at('walk');
  if (!countOnly) resv.touch();
  const w = resv.regions.walk('from', f);
  fr.locals.rg = rgOf(w);
  if (w.toBefore !== undefined) {
    if (w.toBefore > lao) lao = w.toBefore;
    fr.locals.last_accounted_offset = lao;
    yield fr.at('skip');
  }
  while (!w.atEnd) {
    const from = w.from;
    const to = w.to;
    yield fr.at('rg');
    if (from > t) {
      yield fr.at('break');
      break;
    }
    if (from > lao) {
      add += from - lao;
      fr.locals.add = add;
      if (!countOnly) {
        get_file_region_entry_from_cache(m, resv);
        w.insert(lao, from);
        yield fr.at('fill');
      } else {
        fr.locals.regions_needed = ++needed;
        yield fr.at('count_gap');
      }
    }
    lao = to;
    fr.locals.last_accounted_offset = lao;
    w.keep(from, to);
  }
  if (lao < t) {
    add += t - lao;
    fr.locals.add = add;
    if (!countOnly) {
      get_file_region_entry_from_cache(m, resv);
      w.insert(lao, t);
      yield fr.at('fill_tail');
    } else {
      fr.locals.regions_needed = ++needed;
      yield fr.at('count_tail');
    }
    fr.locals.last_accounted_offset = t;
  }
  w.end();
  yield fr.at('done');
  return m.leave(fr, { add, needed });
}

function get_file_region_entry_from_cache(m: Machine, resv: ResvMap): void {
  m.bugOn(resv.regionCacheCount <= 0, 'resv->region_cache_count <= 0');
  resv.regionCacheCount--;
}

export function* region_add(m: Machine, alloc: RegionAllocator, resv: ResvMap, f: number, t: number, inRegionsNeeded: number): KGen<number> {
  if (beforePatch(m, '004')) return yield* region_add_before_004(m, resv, f, t);
  const fr = m.enter(REGION_ADD, { resv: resvRef(resv), f, t, in_regions_needed: inRegionsNeeded });
  for (;;) {
    yield fr.at('retry');
    // `yield callee`: the walk's step point per region resumes only the walk (core/kstack.ts).
    const { needed } = (yield add_reservation_in_range(m, resv, f, t, true)) as Gaps;
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
  const { add } = (yield add_reservation_in_range(m, resv, f, t, false)) as Gaps;
  fr.locals.add = add;
  yield fr.at('adds_in_progress');
  resv.addsInProgress -= inRegionsNeeded;
  m.bugOn(add < 0, 'add < 0');
  yield fr.at('return');
  return m.leave(fr, add);
}

export function* region_chg(m: Machine, alloc: RegionAllocator, resv: ResvMap, f: number, t: number): KGen<{ ret: number; out_regions_needed: number }> {
  if (beforePatch(m, '004')) return yield* region_chg_before_004(m, alloc, resv, f, t);
  const fr = m.enter(REGION_CHG, { resv: resvRef(resv), f, t });
  yield fr.at('count');
  const { add: chg, needed } = (yield add_reservation_in_range(m, resv, f, t, true)) as Gaps;
  const regionsNeeded = needed < 1 ? 1 : needed;
  fr.locals.chg = chg;
  fr.locals.out_regions_needed = regionsNeeded;
  if (needed < 1) yield fr.at('min_one');
  yield fr.at('adds_in_progress');
  resv.addsInProgress += regionsNeeded;
  yield fr.at('check_cache');
  while (resv.regionCacheCount < resv.addsInProgress) {
    yield fr.at('kmalloc');
    if (!alloc.kmallocFileRegion()) {
      yield fr.at('enomem');
      return m.leave(fr, { ret: -ENOMEM, out_regions_needed: regionsNeeded });
    }
    resv.regionCacheCount++;
    yield fr.at('cache_add');
  }
  yield fr.at('return');
  return m.leave(fr, { ret: chg, out_regions_needed: regionsNeeded });
}

export function* region_abort(m: Machine, resv: ResvMap, f: number, t: number, regionsNeeded: number): KGen {
  if (beforePatch(m, '004')) return yield* region_abort_before_004(m, resv, f, t);
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
  retry: for (;;) {
    let del = 0;
    fr.locals.del = 0;
    yield fr.at('retry');
    yield fr.at('walk');
    resv.touch();
    const w = resv.regions.walk('to', f);
    fr.locals.rg = rgOf(w);
    while (!w.atEnd) {
      const from = w.from;
      const to = w.to;
        yield fr.at('rg');
      if (from >= t) {
        yield fr.at('break');
        break;
      }
      if (f > from && t < to) {
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
          w.end();
          yield fr.at('kmalloc');
          if (!alloc.kmallocFileRegion()) {
            yield fr.at('enomem');
            return m.leave(fr, -ENOMEM);
          }
          nrg = true;
          continue retry;
        }
        del += t - f;
        w.keep(from, f);
        w.insert(t, to);
        nrg = false;
        fr.locals.del = del;
        yield fr.at('split_done');
        break;
      }
      if (f <= from && t >= to) {
        del += to - from;
        w.drop();
        fr.locals.del = del;
        yield fr.at('remove');
        continue;
      }
      if (f <= from) {
        del += t - from;
        w.keep(t, to);
        fr.locals.del = del;
        yield fr.at('trim_from');
      } else {
        del += to - f;
        w.keep(from, f);
        fr.locals.del = del;
        yield fr.at('trim_to');
      }
    }
    w.end();
    yield fr.at('return');
    return m.leave(fr, del);
  }
}

/**
 * region_count: a read-only count, taken in one step between `walk` and
 * `return`. Unlike the walks that change the map it does not stop per
 * region: a count over the whole map (`region_count f 0 N`, the VMA close
 * path) would make every F10 over it cost a step point per region.
 */
export function* region_count(m: Machine, resv: ResvMap, f: number, t: number): KGen<number> {
  const fr = m.enter(REGION_COUNT, { resv: resvRef(resv), f, t });
  yield fr.at('walk');
  const chg = resv.regions.countOverlap(f, t);
  fr.locals.chg = chg;
  yield fr.at('return');
  return m.leave(fr, chg);
}
