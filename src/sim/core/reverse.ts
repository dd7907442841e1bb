import type { History } from './history';
import { PointKind } from './history';
import type { Machine } from './machine';
import type { Stop } from './stop';
import { checkStop } from './stop_check';

/**
 * reverseContinue's search: finds the latest step point before the current
 * one where a breakpoint, exception filter or data watch would have stopped.
 * By replay, it goes segment by segment from the snapshot before the current
 * step backwards, yielding every 256 replayed step points so the caller
 * stays responsive; a pause request returns to where it started.
 */
export function* reverseScan(m: Machine, h: History): Generator<void, Stop, void> {
  const bp = m.breakpoints;
  if (!bp.data.length && !bp.functions.size && !bp.kernelLines.size) return yield* reverseByMarks(m, h);
  return yield* reverseByReplay(m, h);
}

/** The search by replay, which every kind of stop can use (exported so tests can hold the marks' answers to it). */
export function* reverseByReplay(m: Machine, h: History): Generator<void, Stop, void> {
  const origin = m.step;
  let replayed = 0;
  let end = origin; // scan steps [segment start, end)
  // Data watches compare with the step before; the value at a segment's first step is checked once the earlier segment is replayed.
  let laterFirst: { step: number; values: Array<string | undefined> } | undefined;
  for (;;) {
    const snap = h.snapAtOrBefore(Math.max(0, end - 1));
    m.restoreSnapshot(snap);
    let hit: { step: number; stop: Stop } | undefined;
    const startValues = m.breakpoints.data.map((w) => w.read(m));
    for (const [i, w] of m.breakpoints.data.entries()) w.last = startValues[i];
    const first = checkStopNoData(m);
    if (first && m.step < end) hit = { step: m.step, stop: first };
    while (m.step < end - 1 && m.transition()) {
      const s = checkStop(m, false);
      if (s) hit = { step: m.step, stop: s };
      if ((++replayed & 255) === 0) {
        yield;
        if (m.pauseRequested) {
          m.pauseRequested = false;
          m.goto(origin);
          return { reason: 'pause' };
        }
      }
    }
    if (laterFirst && m.step === laterFirst.step - 1) {
      const changed = m.breakpoints.data.findIndex((w, i) => w.read(m) !== laterFirst?.values[i]);
      if (changed >= 0) {
        hit = { step: laterFirst.step, stop: { reason: 'data breakpoint', breakpointIds: [(m.breakpoints.data[changed] as { id: number }).id] } };
      }
    }
    if (hit) {
      m.goto(hit.step);
      return hit.stop;
    }
    if (snap.step === 0) {
      m.goto(0);
      return { reason: 'entry' };
    }
    laterFirst = { step: snap.step, values: startValues };
    end = snap.step;
  }
}

/**
 * reverseContinue when only line breakpoints and exception filters can stop
 * it: history already knows every statement start's line and every
 * exception point's kind, so only the candidates are visited (latest first),
 * each by one goto that replays from its nearest snapshot, and the stop is
 * decided there as going forward would (conditions included). Function
 * breakpoints, breakpoints in listings and data watches need the replay:
 * whether a frame was just entered, which listing line a step point is on,
 * or whether a value just changed, is known only by stepping.
 */
export function* reverseByMarks(m: Machine, h: History): Generator<void, Stop, void> {
  const bp = m.breakpoints;
  const origin = m.step;
  let before = origin;
  for (;;) {
    let k = -1;
    for (const kind of h.raisedKinds()) if (bp.stopsOn(kind)) k = Math.max(k, h.lastRaised(kind, before));
    if (bp.lines.size) k = Math.max(k, h.lastStartIn(bp.lines, before, k));
    if (k < 0) {
      m.goto(0);
      return { reason: 'entry' };
    }
    m.goto(k);
    const stop = checkStop(m, false);
    if (stop) return stop;
    before = k;
    yield;
    if (m.pauseRequested) {
      m.pauseRequested = false;
      m.goto(origin);
      return { reason: 'pause' };
    }
  }
}

function checkStopNoData(m: Machine): Stop | undefined {
  const saved = m.breakpoints.data;
  m.breakpoints.data = [];
  try {
    return checkStop(m, false);
  } finally {
    m.breakpoints.data = saved;
  }
}

/**
 * Step back. Over (`into` false): to the previous step point at the same or a
 * shallower depth, so a call that just ran is stepped back over whole. Into:
 * to the previous step point at any depth, as gdb's reverse-step does: after
 * a statement or call that ran kernel code, that is the last step point of
 * the innermost function it called last. Exception points are skipped (they
 * repeat the point before them); with nothing earlier, step 0.
 */
export function stepBackTo(m: Machine, h: History, into: boolean): Stop {
  const d = into ? Number.POSITIVE_INFINITY : m.depth();
  for (let k = m.step - 1; k >= 0; k--) {
    if (h.kindAt(k) !== PointKind.Exception && h.depthAt(k) <= d) {
      m.goto(k);
      return { reason: 'step' };
    }
  }
  m.goto(0);
  return { reason: 'entry' };
}
