import type { History } from '../core/history';
import type { Machine } from '../core/machine';
import type { Value } from '../core/values';
import { truthy } from '../core/values';
import type { Expr } from '../scenario/ast';
import type { PointInfo } from './point';
import { LastPoint, pointInfo, sameValue, valueAt } from './point';

/*
 * The history queries: history(), when() and why(). The timeline is
 * deterministic, so none of them records values while the scenario runs
 * (stepping costs what it did); each replays on demand from the snapshots,
 * evaluating its expression at every step point, in chunks: the generators
 * yield every CHUNK step points so the debugger stays responsive and a pause
 * can cut them off (the caller then puts the machine back with goto). Each
 * one ends where it started, and each is bounded by `maxPoints`.
 */

/** Step points replayed between two yields. */
const CHUNK = 256;

export interface QueryLimits {
  /** Step points a query may replay before it stops and says so. */
  readonly maxPoints: number;
  /** Changes history() lists at most. */
  readonly maxResults: number;
}

export const QUERY_LIMITS: QueryLimits = { maxPoints: 2_000_000, maxResults: 1_000 };

/**
 * A change of the value: `at` is the step point whose next move wrote it
 * (its kernel frame and line are the code that made the change; going there
 * shows the value before, one step shows it after).
 */
export interface Change {
  readonly at: PointInfo;
  /** undefined: the expression had no value there (its path did not exist). */
  readonly before: Value | undefined;
  readonly after: Value | undefined;
}

export interface Bounded {
  /** Step points replayed. */
  readonly scanned: number;
  /** Why the query stopped before it was done: the step-point cap or the result cap. */
  readonly capped?: 'points' | 'results';
}

export interface HistoryResult extends Bounded {
  /** Oldest first. */
  readonly changes: readonly Change[];
  /** The last step point read (the scenario's end unless capped). */
  readonly lastStep: number;
}

export type WhenDirection = 'first' | 'next' | 'prev';

export interface WhenResult extends Bounded {
  /** The step point where the condition holds, if one was found. */
  readonly at?: PointInfo;
}

export interface WhyResult extends Bounded {
  /** The value now. */
  readonly value: Value | undefined;
  /** The latest changes before the current step point, latest first. */
  readonly writes: readonly Change[];
  /**
   * How many step points before the current one the search saw every change of (all of them, unless
   * capped: a segment the cap cut short is not counted, its changes are not reported).
   */
  readonly searched: number;
}

/** Back to where the query started: from the nearest snapshot, not by replaying everything after where the query stopped. */
function returnTo(m: Machine, h: History, origin: number): void {
  if (m.step < origin) {
    const s = h.snapAtOrBefore(origin);
    if (s.step > m.step) m.restoreSnapshot(s);
  }
  m.goto(origin);
}

function requireHistory(m: Machine): History {
  if (!m.history) throw new Error('history queries need a machine that keeps history');
  return m.history;
}

/** history(e): every change of e's value from the first step point to the scenario's end. */
export function* historyOf(m: Machine, e: Expr, limits: QueryLimits = QUERY_LIMITS): Generator<void, HistoryResult, void> {
  const h = requireHistory(m);
  const origin = m.step;
  const changes: Change[] = [];
  let scanned = 0;
  let capped: 'points' | 'results' | undefined;
  m.goto(0);
  let prev = valueAt(m, e);
  const prevAt = new LastPoint();
  prevAt.take(m);
  const observe = (mm: Machine): boolean => {
    scanned++;
    const v = valueAt(mm, e);
    if (!sameValue(v, prev)) changes.push({ at: prevAt.info(), before: prev, after: v });
    prev = v;
    prevAt.take(mm);
    if (changes.length >= limits.maxResults) capped = 'results';
    else if (scanned >= limits.maxPoints) capped = 'points';
    return capped !== undefined;
  };
  while (!m.ended && !m.seekForward(observe, CHUNK) && !m.ended) yield;
  const lastStep = m.step;
  returnTo(m, h, origin);
  return { changes, scanned, lastStep, ...(capped ? { capped } : {}) };
}

/**
 * when(cond, dir): the first step point of the timeline where cond holds
 * (`first`), the first after the current one (`next`), or the latest
 * before it (`prev`).
 */
export function* whenOf(m: Machine, e: Expr, dir: WhenDirection, limits: QueryLimits = QUERY_LIMITS): Generator<void, WhenResult, void> {
  const h = requireHistory(m);
  const origin = m.step;
  let scanned = 0;
  let capped: 'points' | undefined;
  const holds = (mm: Machine): boolean => {
    const v = valueAt(mm, e);
    return v !== undefined && truthy(v);
  };
  let at: PointInfo | undefined;
  if (dir === 'prev') {
    let end = origin; // segment by segment backwards: replay [snapshot, end), keep its latest hit
    while (end > 0 && !at && !capped) {
      m.restoreSnapshot(h.snapAtOrBefore(end - 1));
      const start = m.step;
      let hit: PointInfo | undefined = holds(m) ? pointInfo(m) : undefined;
      const look = (mm: Machine): boolean => {
        if (holds(mm)) hit = pointInfo(mm);
        if (++scanned >= limits.maxPoints) capped = 'points';
        return capped !== undefined;
      };
      while (m.step < end - 1 && !m.seekForward(look, Math.min(CHUNK, end - 1 - m.step))) yield;
      // Cut off inside the segment, its hit may not be its latest.
      if (!capped) at = hit;
      end = start;
    }
  } else {
    if (dir === 'first') {
      m.goto(0);
      if (holds(m)) at = pointInfo(m);
    }
    const look = (mm: Machine): boolean => {
      scanned++;
      if (holds(mm)) at = pointInfo(mm);
      else if (scanned >= limits.maxPoints) capped = 'points';
      return at !== undefined || capped !== undefined;
    };
    while (!at && !m.ended && !m.seekForward(look, CHUNK) && !m.ended) yield;
  }
  returnTo(m, h, origin);
  return { scanned, ...(at ? { at } : {}), ...(capped ? { capped } : {}) };
}

/**
 * why(e): the latest change of e's value before the current step point, and
 * the `depth - 1` changes before that one (the chain further back), found by
 * replaying segment by segment backwards from the current step point.
 */
export function* whyOf(m: Machine, e: Expr, depth = 2, limits: QueryLimits = QUERY_LIMITS): Generator<void, WhyResult, void> {
  const h = requireHistory(m);
  const origin = m.step;
  const value = valueAt(m, e);
  const writes: Change[] = [];
  let scanned = 0;
  let capped: 'points' | undefined;
  let end = origin;
  let valueAtEnd = value;
  while (end > 0 && writes.length < depth && !capped) {
    m.restoreSnapshot(h.snapAtOrBefore(end - 1));
    const start = m.step;
    const startValue = valueAt(m, e);
    const found: Change[] = [];
    let prev = startValue;
    const prevAt = new LastPoint();
    prevAt.take(m);
    const observe = (mm: Machine): boolean => {
      const v = valueAt(mm, e);
      if (!sameValue(v, prev)) found.push({ at: prevAt.info(), before: prev, after: v });
      prev = v;
      prevAt.take(mm);
      if (++scanned >= limits.maxPoints) capped = 'points';
      return capped !== undefined;
    };
    while (m.step < end - 1 && !m.seekForward(observe, Math.min(CHUNK, end - 1 - m.step))) yield;
    if (capped) break;
    // The move from end - 1 to end: its value after is the one the later segment started from.
    if (!sameValue(prev, valueAtEnd)) found.push({ at: prevAt.info(), before: prev, after: valueAtEnd });
    for (let i = found.length - 1; i >= 0 && writes.length < depth; i--) writes.push(found[i] as Change);
    end = start;
    valueAtEnd = startValue;
  }
  returnTo(m, h, origin);
  return { value, writes, scanned, searched: origin - end, ...(capped ? { capped } : {}) };
}

/** Runs a query generator to its end in one go (the CLI and tests). */
export function runQuery<T>(g: Generator<void, T, void>): T {
  for (;;) {
    const r = g.next();
    if (r.done) return r.value;
  }
}
