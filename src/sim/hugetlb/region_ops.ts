import type { KGen } from '../core/frames';
import { fnOf } from '../core/frames';
import type { Machine } from '../core/machine';
import { HUGETLB_C } from './hugetlb_c';
import type { ResvMap } from './resv_map';

/** The allocator behind every `kmalloc(sizeof(struct file_region))`: `inject enomem` makes it fail. */
export interface RegionAllocator {
  kmallocFileRegion(): boolean;
}

export const ENOMEM = 12;

const FN = {
  add_reservation_in_range: fnOf(HUGETLB_C, 'add_reservation_in_range'),
  region_add: fnOf(HUGETLB_C, 'region_add'),
  region_chg: fnOf(HUGETLB_C, 'region_chg'),
  region_abort: fnOf(HUGETLB_C, 'region_abort'),
  region_del: fnOf(HUGETLB_C, 'region_del'),
  region_count: fnOf(HUGETLB_C, 'region_count'),
};

const big = BigInt;

/** Count-only walk: pages missing from [f, t) and the file_regions needed to fill them. */
function* add_reservation_in_range_count(m: Machine, resv: ResvMap, f: number, t: number): KGen<{ add: number; needed: number }> {
  return yield* m.call(FN.add_reservation_in_range, { resv: resv.name, f: big(f), t: big(t), count_only: true }, function* (fr) {
    yield fr.at('walk');
    const { add, gaps } = resv.regions.countGaps(f, t);
    fr.locals.add = big(add);
    fr.locals.regions_needed = big(gaps);
    yield fr.at('done');
    return { add, needed: gaps };
  });
}

/** Filling walk: one region per gap, each descriptor taken from resv->region_cache. */
function* add_reservation_in_range_fill(m: Machine, resv: ResvMap, f: number, t: number): KGen<number> {
  return yield* m.call(FN.add_reservation_in_range, { resv: resv.name, f: big(f), t: big(t), count_only: false }, function* (fr) {
    yield fr.at('walk');
    resv.touch();
    const add = resv.regions.fillGaps(f, t, () => get_file_region_entry_from_cache(m, resv));
    fr.locals.add = big(add);
    yield fr.at('done');
    return add;
  });
}

function get_file_region_entry_from_cache(m: Machine, resv: ResvMap): void {
  m.bugOn(resv.regionCacheCount <= 0, 'resv->region_cache_count <= 0');
  resv.regionCacheCount--;
}

export function* region_add(m: Machine, alloc: RegionAllocator, resv: ResvMap, f: number, t: number, inRegionsNeeded: number): KGen<number> {
  const args = { resv: resv.name, f: big(f), t: big(t), in_regions_needed: big(inRegionsNeeded) };
  return yield* m.call(FN.region_add, args, function* (fr) {
    for (;;) {
      yield fr.at('retry');
      const { needed } = yield* add_reservation_in_range_count(m, resv, f, t);
      fr.locals.actual_regions_needed = big(needed);
      yield fr.at('check_cache');
      if (resv.regionCacheCount >= needed) break;
      m.bugOn(t - f <= 1, 't - f <= 1');
      while (resv.regionCacheCount < needed) {
        yield fr.at('kmalloc');
        if (!alloc.kmallocFileRegion()) {
          fr.locals.ret = big(-ENOMEM);
          yield fr.at('enomem');
          return -ENOMEM;
        }
        resv.regionCacheCount++;
        yield fr.at('cache_add');
      }
    }
    yield fr.at('add');
    const add = yield* add_reservation_in_range_fill(m, resv, f, t);
    fr.locals.add = big(add);
    yield fr.at('adds_in_progress');
    resv.addsInProgress -= inRegionsNeeded;
    m.bugOn(add < 0, 'add < 0');
    yield fr.at('return');
    return add;
  });
}

export function* region_chg(m: Machine, alloc: RegionAllocator, resv: ResvMap, f: number, t: number): KGen<{ ret: number; regionsNeeded: number }> {
  return yield* m.call(FN.region_chg, { resv: resv.name, f: big(f), t: big(t) }, function* (fr) {
    yield fr.at('count');
    const { add: chg, needed } = yield* add_reservation_in_range_count(m, resv, f, t);
    const regionsNeeded = needed < 1 ? 1 : needed;
    fr.locals.chg = big(chg);
    fr.locals.out_regions_needed = big(regionsNeeded);
    yield fr.at('adds_in_progress');
    resv.addsInProgress += regionsNeeded;
    yield fr.at('check_cache');
    while (resv.regionCacheCount < resv.addsInProgress) {
      yield fr.at('kmalloc');
      if (!alloc.kmallocFileRegion()) {
        yield fr.at('enomem');
        return { ret: -ENOMEM, regionsNeeded };
      }
      resv.regionCacheCount++;
      yield fr.at('cache_add');
    }
    yield fr.at('return');
    return { ret: chg, regionsNeeded };
  });
}

export function* region_abort(m: Machine, resv: ResvMap, f: number, t: number, regionsNeeded: number): KGen {
  yield* m.call(FN.region_abort, { resv: resv.name, f: big(f), t: big(t), regions_needed: big(regionsNeeded) }, function* (fr) {
    yield fr.at('bug_check');
    m.bugOn(resv.regionCacheCount === 0, '!resv->region_cache_count');
    yield fr.at('adds_in_progress');
    resv.addsInProgress -= regionsNeeded;
  });
}

export function* region_del(m: Machine, alloc: RegionAllocator, resv: ResvMap, f: number, t: number): KGen<number> {
  return yield* m.call(FN.region_del, { resv: resv.name, f: big(f), t: big(t) }, function* (fr) {
    // nrg: a descriptor held across `goto retry` (taken from the cache or kmalloc'ed).
    let nrg = false;
    for (;;) {
      yield fr.at('retry');
      yield fr.at('walk');
      const split = resv.regions.findSplit(f, t);
      if (split < 0) {
        resv.touch();
        const del = resv.regions.deleteRange(f, t);
        fr.locals.del = big(del);
        yield fr.at('return');
        return del;
      }
      yield fr.at('split');
      if (!nrg && resv.regionCacheCount > resv.addsInProgress) {
        resv.regionCacheCount--;
        nrg = true;
        yield fr.at('take_cache');
      }
      if (!nrg) {
        yield fr.at('kmalloc');
        if (!alloc.kmallocFileRegion()) {
          yield fr.at('enomem');
          return -ENOMEM;
        }
        nrg = true;
        continue;
      }
      resv.touch();
      const del = resv.regions.splitAt(split, f, t);
      fr.locals.del = big(del);
      yield fr.at('split_done');
      yield fr.at('return');
      return del;
    }
  });
}

export function* region_count(m: Machine, resv: ResvMap, f: number, t: number): KGen<number> {
  return yield* m.call(FN.region_count, { resv: resv.name, f: big(f), t: big(t) }, function* (fr) {
    yield fr.at('walk');
    const chg = resv.regions.countOverlap(f, t);
    fr.locals.chg = big(chg);
    yield fr.at('return');
    return chg;
  });
}
