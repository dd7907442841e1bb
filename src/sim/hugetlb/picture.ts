import type { Hugetlb } from './subsystem';
import { regionBins, type RegionBin } from './picture_bins';

/** Regions sent to the state picture per file; the picture says when a map holds more. */
export const MAX_REGIONS = 4096;

/** A hugetlbfs mount's subpool (struct hugepage_subpool; -1: no limit / no minimum). */
export interface SubpoolPicture {
  readonly name: string;
  readonly maxHpages: number;
  readonly usedHpages: number;
  readonly minHpages: number;
  readonly rsvHpages: number;
}

/** The hstate pool's counters, nr_overcommit_hugepages and the mounts' subpools. */
export interface HugetlbPoolPicture {
  readonly total: number;
  readonly free: number;
  readonly rsvd: number;
  readonly surp: number;
  readonly overcommit: number;
  readonly mounts: readonly SubpoolPicture[];
}

/** One hugetlbfs file's resv_map: its first MAX_REGIONS regions, how many there are, and bins past MAX_BARS regions. */
export interface ResvMapPicture {
  readonly file: string;
  readonly regions: ReadonlyArray<readonly [number, number]>;
  readonly total: number;
  readonly addsInProgress: number;
  readonly regionCacheCount: number;
  /** Empty up to MAX_BARS regions; past it, the file's page range in at most MAX_BARS bins (./picture_bins). */
  readonly bins: readonly RegionBin[];
}

/** Its sections of the state picture, by name (a type, not an interface: the picture hook returns a Record). */
export type HugetlbSections = {
  /** One entry once the pool has pages or reservations, else none. */
  readonly hugetlbPool: readonly HugetlbPoolPicture[];
  readonly hugetlb: readonly ResvMapPicture[];
};

export function hugetlbPicture(h: Hugetlb): HugetlbSections {
  const { total, free, rsvd, surp, overcommit } = h.pool;
  const mounts = [...h.mounts.values()].map(({ name, maxHpages, usedHpages, minHpages, rsvHpages }) => ({ name, maxHpages, usedHpages, minHpages, rsvHpages }));
  return {
    hugetlbPool: total || rsvd || overcommit || mounts.length ? [{ total, free, rsvd, surp, overcommit, mounts }] : [],
    hugetlb: [...h.files.values()].map((r) => ({
      file: r.name,
      regions: r.regions.slice(0, Math.min(MAX_REGIONS, r.regions.length)),
      total: r.regions.length,
      addsInProgress: r.addsInProgress,
      regionCacheCount: r.regionCacheCount,
      bins: regionBins(r.regions),
    })),
  };
}
