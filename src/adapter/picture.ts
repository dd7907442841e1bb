import type { Machine } from '../sim/core/machine';
import type { Hugetlb } from '../sim/hugetlb/subsystem';
import { formatValue } from '../sim/core/values';

/** Regions sent to the state picture per file; the picture says when a map holds more. */
const MAX_REGIONS = 4096;

/**
 * What the editor's state picture draws at a stop: one section per
 * mechanism. Later mechanisms add their own sections (page-table map, SynIC
 * slots, memlat votes) beside `hugetlb`.
 */
export interface PictureData {
  readonly step: number;
  readonly timeNs: string;
  readonly line: number | undefined;
  readonly hugetlb: ReadonlyArray<{
    readonly file: string;
    readonly regions: ReadonlyArray<readonly [number, number]>;
    readonly total: number;
    readonly addsInProgress: number;
    readonly regionCacheCount: number;
  }>;
}

export function pictureOf(m: Machine): PictureData {
  const h = m.subsystems.find((s) => s.name === 'hugetlb') as Hugetlb | undefined;
  return {
    step: m.step,
    timeNs: m.now.toString(),
    line: m.statement?.line,
    hugetlb: h
      ? [...h.files.values()].map((r) => ({
          file: r.name,
          regions: r.regions.slice(0, Math.min(MAX_REGIONS, r.regions.length)),
          total: r.regions.length,
          addsInProgress: r.addsInProgress,
          regionCacheCount: r.regionCacheCount,
        }))
      : [],
  };
}

/** The latest `last` results by line, for inline values. */
export function recentResults(m: Machine): Array<{ line: number; text: string }> {
  return m.recent.map((r) => ({ line: r.line, text: `last = ${formatValue(r.last)}` }));
}
