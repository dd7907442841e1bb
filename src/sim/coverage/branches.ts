import type { KernelFn, KernelSource } from '../core/frames';

/**
 * A branch of a listing, read from its structure: an `if (` (or `else if (`)
 * line whose then-block carries a step point of the function and which is
 * followed, inside the block that holds it, by another step point. Lines are
 * 1-based listing lines.
 */
export interface ListingBranch {
  readonly fn: KernelFn;
  /** The `if` line (what lcov's BRDA names). */
  readonly line: number;
  /** The first `if` of its `else if` chain (the line itself for a plain `if`). */
  readonly guard: number;
  /** The last line of the condition. */
  readonly cond: number;
  /** The then-block is (cond, end]. */
  readonly end: number;
  /** The block that holds the `if`: a step point before it at or after `from` may flow past it, up to `to`. */
  readonly from: number;
  readonly to: number;
}

export const IF_LINE = /^\s*(\}\s*)?(else\s+)?if\s*\(/;
export const NOT_CODE = /^\s*($|\/\*|\*|\/\/|#|\w+:\s*$)/;

export function indent(line: string): number {
  let w = 0;
  for (const ch of line) {
    if (ch === '\t') w = (Math.floor(w / 8) + 1) * 8;
    else if (ch === ' ') w++;
    else break;
  }
  return w;
}

/** Drops comments at the end of a line, so `{ /* why *\/` still opens a block. */
function code(line: string): string {
  return line.replace(/\/\*.*?\*\//g, '').replace(/\/\/.*$/, '').trim();
}

/** The line where the condition's parentheses close and what follows them there; undefined when they never close. */
function conditionEnd(lines: readonly string[], at: number, last: number): { line: number; rest: string } | undefined {
  let depth = 0;
  let started = false;
  for (let i = at; i <= last; i++) {
    const text = code(lines[i - 1] ?? '');
    const from = i === at ? text.search(/\(/) : 0;
    for (let k = Math.max(from, 0); k < text.length; k++) {
      const ch = text[k];
      if (ch === '(') {
        depth++;
        started = true;
      } else if (ch === ')') {
        depth--;
        if (started && depth === 0) return { line: i, rest: text.slice(k + 1).trim() };
      }
    }
  }
  return undefined;
}

/** Every branch of one function, in line order. */
function branchesOf(src: KernelSource, fn: KernelFn, last: number): ListingBranch[] {
  const lines = src.lines;
  const text = (i: number): string => lines[i - 1] ?? '';
  const points = [...fn.labels.values()];
  const heads = new Map<number, number>();
  const out: ListingBranch[] = [];
  for (let l = fn.line + 1; l <= last; l++) {
    const m = IF_LINE.exec(text(l));
    if (!m) continue;
    const ind = indent(text(l));
    if (!m[2]) heads.set(ind, l);
    const guard = m[2] ? (heads.get(ind) ?? l) : l;
    const cond = conditionEnd(lines, l, last);
    if (!cond) continue;
    let end: number | undefined;
    if (cond.rest === '{') {
      for (let j = cond.line + 1; j <= last && end === undefined; j++) if (!NOT_CODE.test(text(j)) && indent(text(j)) <= ind && code(text(j)).startsWith('}')) end = j;
    } else if (cond.rest === '') {
      let j = cond.line + 1;
      while (j <= last && (text(j).trim() === '' || indent(text(j)) > ind)) j++;
      end = j - 1;
      while (end > cond.line && text(end).trim() === '') end--;
    }
    if (end === undefined || end <= cond.line) continue;
    let from = fn.line;
    for (let j = l - 1; j > fn.line; j--) {
      if (NOT_CODE.test(text(j)) || indent(text(j)) >= ind) continue;
      // The function body's own brace: a step point anywhere before the `if` in the function may precede it.
      if (indent(text(j)) > 0) from = j;
      break;
    }
    let to = last;
    for (let j = end + 1; j <= last; j++) {
      if (!NOT_CODE.test(text(j)) && indent(text(j)) < ind) {
        to = j;
        break;
      }
    }
    const e = end;
    if (points.some((p) => p > cond.line && p <= e) && points.some((p) => p > e && p <= to)) out.push({ fn, line: l, guard, cond: cond.line, end, from, to });
  }
  return out;
}

/** Every branch of a listing, by function then line. */
export function listingBranches(src: KernelSource): ListingBranch[] {
  const fns = [...src.functions.values()].sort((a, b) => a.line - b.line);
  return fns.flatMap((fn, i) => branchesOf(src, fn, (fns[i + 1]?.line ?? src.lines.length + 1) - 1));
}

/** Whether the flow from step point `prev` to step point `cur` of one frame entered the then-block. */
export function tookThen(b: ListingBranch, prev: number, cur: number): boolean {
  return cur > b.cond && cur <= b.end && !(prev > b.cond && prev <= b.end);
}

/** Whether that flow went past the then-block without entering it. */
export function skippedThen(b: ListingBranch, prev: number, cur: number): boolean {
  return cur > b.end && cur <= b.to && prev >= b.from && (prev <= b.guard || (prev >= b.line && prev <= b.cond));
}
