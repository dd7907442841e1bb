import type { Value } from '../core/values';
import { formatValue } from '../core/values';
import type { PointInfo } from './point';
import type { Bounded, Change } from './queries';

/** A value or the absence of one (the path did not exist there). */
function valueText(v: Value | undefined): string {
  return v === undefined ? '(no value)' : formatValue(v, 'dec', 16);
}

/**
 * One step point on one line: `step 37 · 0 ns · line 10 · region_chg (mm/hugetlb.c:147)`,
 * or the statement's text at a statement's start.
 */
export function pointText(p: PointInfo): string {
  const where = p.kernel ? `${p.kernel.fn} (${p.kernel.path}:${p.kernel.line})` : p.statement ? `\`${p.statement}\`` : 'end of scenario';
  return `step ${p.step} · ${p.ns} ns · line ${p.line} · ${where}`;
}

/** A change: where it was written and the value before and after. */
export function changeText(c: Change): string {
  return `${valueText(c.before)} → ${valueText(c.after)}`;
}

/** Why a query stopped early, or '' when it did not. */
export function cappedText(r: Bounded): string {
  if (r.capped === 'points') return `stopped after ${r.scanned} step points`;
  if (r.capped === 'results') return 'stopped at the result limit';
  return '';
}
