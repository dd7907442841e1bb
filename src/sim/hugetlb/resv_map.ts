import { ENOMEM } from '../core/errno';
import type { KGen } from '../core/frames';
import { fnOf } from '../core/frames';
import type { Machine } from '../core/machine';
import { HUGETLB_C } from './hugetlb_c';
import { RegionList } from './region_list';
import type { Hugetlb } from './subsystem';

const RESV_MAP_ALLOC = fnOf(HUGETLB_C, 'resv_map_alloc');

/**
 * struct resv_map of one hugetlbfs inode. The regions live in a chunked
 * ordered list (fast at 100,000+ regions); the observable list, counters and
 * return values are exactly those of the kernel's linked-list code.
 */
export class ResvMap {
  regions = new RegionList();
  /** Descriptors waiting in resv->region_cache; resv_map_alloc leaves one there. */
  regionCacheCount = 1;
  addsInProgress = 0;
  /** regions_needed of the last region_chg on this map: the default for region_add/region_abort. */
  lastRegionsNeeded = 0;
  /** The regions copy the newest snapshot holds, while the list has not changed since. */
  cleanCopy: RegionList | undefined;

  constructor(readonly name: string) {}

  /** Call before changing `regions`: the snapshot copy no longer matches. */
  touch(): void {
    this.cleanCopy = undefined;
  }
}

export interface ResvMapSnapshot {
  readonly name: string;
  readonly regions: RegionList;
  readonly regionCacheCount: number;
  readonly addsInProgress: number;
  readonly lastRegionsNeeded: number;
}

export function snapshotResvMap(r: ResvMap): ResvMapSnapshot {
  // A list unchanged since the last snapshot is shared, not copied again.
  r.cleanCopy ??= r.regions.clone();
  return {
    name: r.name,
    regions: r.cleanCopy,
    regionCacheCount: r.regionCacheCount,
    addsInProgress: r.addsInProgress,
    lastRegionsNeeded: r.lastRegionsNeeded,
  };
}

export function restoreResvMap(s: ResvMapSnapshot): ResvMap {
  const r = new ResvMap(s.name);
  r.regions = s.regions.clone();
  r.cleanCopy = s.regions;
  r.regionCacheCount = s.regionCacheCount;
  r.addsInProgress = s.addsInProgress;
  r.lastRegionsNeeded = s.lastRegionsNeeded;
  return r;
}

/** A new inode's resv_map: one descriptor in the cache (or -ENOMEM when the allocation is made to fail). */
export function* resv_map_alloc(m: Machine, h: Hugetlb, name: string): KGen {
  yield* m.call(RESV_MAP_ALLOC, { file: name }, function* (fr) {
    yield fr.at('kmalloc');
    if (!h.kmallocFileRegion()) {
      yield fr.at('enomem');
      m.output(`resv_map_alloc: -ENOMEM (${-ENOMEM}): hugetlb file '${name}' was not created`, 'console');
      return;
    }
    h.files.set(name, new ResvMap(name));
    yield fr.at('init');
  });
}
