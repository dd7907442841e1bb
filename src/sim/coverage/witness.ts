import type { KernelSource } from '../core/frames';
import { IF_LINE, indent, NOT_CODE } from './branches';
import type { Coverage } from './counters';
import type { CoverageLayout } from './layout';
import { fnRanges } from './patch_map';

/**
 * What tells whether a listing line ran, for a line that is not a step
 * point itself: the step points are the only lines a run is seen at.
 * - a step point: it was hit;
 * - else the first step point after it in its block at its nesting depth or
 *   shallower (the stretch of straight-line code it belongs to ends there),
 *   or failing that the last one before it in the block;
 * - else, in the then-block of a listing branch, that branch was taken;
 * - else what tells for the line that opens its block; at the top of a
 *   function, that the function was entered.
 */
export type Witness = { readonly point: number } | { readonly then: number } | { readonly fn: number };

export function witnessOf(layout: CoverageLayout, src: KernelSource, line: number): Witness | undefined {
  const range = fnRanges(src).find((r) => line >= r.from && line <= r.to);
  const fn = range && src.functions.get(range.name);
  const slot = fn && layout.slot(fn);
  if (!fn || !slot) return undefined;
  const text = (i: number): string => src.lines[i - 1] ?? '';
  const last = range.to;
  const points = [...fn.labels.values()].sort((a, b) => a - b);
  const pointAt = (l: number): Witness => ({ point: slot.pointAt[l] ?? -1 });
  for (let at = line; ; ) {
    if ((slot.pointAt[at] ?? -1) >= 0) return pointAt(at);
    if (at <= fn.line) return { fn: slot.index };
    const ind = indent(text(at));
    let end = last;
    for (let j = at + 1; j <= last; j++) {
      if (!NOT_CODE.test(text(j)) && indent(text(j)) < ind) {
        end = j;
        break;
      }
    }
    let start = fn.line;
    for (let j = at - 1; j > fn.line; j--) {
      if (!NOT_CODE.test(text(j)) && indent(text(j)) < ind) {
        start = j;
        break;
      }
    }
    const shallow = (p: number): boolean => indent(text(p)) <= ind;
    const after = points.find((p) => p > at && p < end && shallow(p));
    if (after !== undefined) return pointAt(after);
    const before = points.filter((p) => p > start && p < at && shallow(p)).pop();
    if (before !== undefined) return pointAt(before);
    const opener = start;
    const b = slot.branches.findIndex((x) => x.line === opener || (x.cond >= opener && x.line <= opener));
    const br = slot.branches[b];
    if (br && at > br.cond && at <= br.end && IF_LINE.test(text(br.line))) return { then: slot.branchBase / 2 + b };
    at = start;
  }
}

export function ran(cov: Coverage, w: Witness): boolean {
  if ('point' in w) return (cov.points[w.point] ?? 0) > 0;
  if ('then' in w) return (cov.branches[2 * w.then] ?? 0) > 0;
  return (cov.functions[w.fn] ?? 0) > 0;
}
