/**
 * A resv_map of thousands of regions cannot be drawn a rectangle per region
 * (the picture would be megabytes of SVG and every region a sliver): past
 * MAX_BARS regions the picture sends the file's page range cut into at most
 * MAX_BARS equal bins, each with how many regions start in it and how many of
 * its pages regions cover.
 */

/** Regions drawn one by one up to this many; past it, at most this many bins. */
export const MAX_BARS = 256;

/** [first page, end page, regions starting in it, pages covered]; only bins some region touches. */
export type RegionBin = readonly [number, number, number, number];

/** What the bins read regions from: the RegionList's paging (sorted, non-overlapping regions). */
export interface RegionSource {
  readonly length: number;
  slice(start: number, count: number): ReadonlyArray<readonly [number, number]>;
}

const PAGE = 4096;

/** The bins of `regions` over [min(0, first from), last to), or none when MAX_BARS rectangles draw them all. */
export function regionBins(regions: RegionSource): RegionBin[] {
  const n = regions.length;
  if (n <= MAX_BARS) return [];
  const first = regions.slice(0, 1)[0] as readonly [number, number];
  const last = regions.slice(n - 1, 1)[0] as readonly [number, number];
  const lo = Math.min(0, first[0]);
  const width = Math.max(1, Math.ceil((last[1] - lo) / MAX_BARS));
  const starts = new Map<number, number>();
  const covered = new Map<number, number>();
  for (let i = 0; i < n; i += PAGE) {
    for (const [from, to] of regions.slice(i, PAGE)) {
      const b0 = Math.floor((from - lo) / width);
      starts.set(b0, (starts.get(b0) ?? 0) + 1);
      // Regions do not overlap, so walking the bins each one spans costs at most n + MAX_BARS in all.
      for (let b = b0; lo + b * width < to; b++) {
        const pages = Math.min(to, lo + (b + 1) * width) - Math.max(from, lo + b * width);
        covered.set(b, (covered.get(b) ?? 0) + pages);
      }
    }
  }
  return [...covered.keys()]
    .sort((a, b) => a - b)
    .map((b) => [lo + b * width, Math.min(last[1], lo + (b + 1) * width), starts.get(b) ?? 0, covered.get(b) ?? 0] as const);
}
