import type { Condition, LineBreakpoint } from './breakpoints';
import type { Frame } from './frames';
import type { Machine } from './machine';
import type { RunMode, Stop } from './stop';

/**
 * Whether the current step point is a stop for breakpoints, exceptions or
 * data watches. `live` is false during reverse scans: hit counts and
 * logpoints belong to forward execution only.
 */
export function checkStop(m: Machine, live: boolean): Stop | undefined {
  const bp = m.breakpoints;
  const kind = m.exceptionKind;
  const exc = kind !== undefined && bp.stopsOn(kind) ? m.exception : undefined;
  if (exc) {
    const cond = bp.exceptions.get(exc.kind);
    if (!cond || safeCond(m, cond)) return { reason: 'exception', exception: exc };
  }
  if (m.at === 'stmt' && bp.lines.size) {
    // At a statement's start the statement is the one about to run.
    const st = m.statement;
    const here = st ? bp.lines.get(st.line) : undefined;
    const hit = here && lineStop(m, here, live);
    if (hit) return hit;
  }
  if (m.at === 'kernel') {
    let hit: Stop | undefined;
    for (let i = m.frames.length - 1; i >= 0 && (m.frames[i] as Frame).fresh; i--) {
      const fr = m.frames[i] as Frame;
      fr.fresh = false;
      if (hit || !bp.functions.size) continue;
      hit = functionStop(m, fr, [fr.fn.name, ...fr.aliases], live);
    }
    const top = m.frames[m.frames.length - 1];
    if (top?.late) {
      const names = top.late;
      top.late = undefined;
      if (!hit && bp.functions.size) hit = functionStop(m, top, names, live);
    }
    if (hit) return hit;
    // A breakpoint in a listing: the innermost frame is the one at this step point's line.
    if (bp.kernelLines.size) {
      const top = m.frames[m.frames.length - 1];
      const here = top && bp.kernelLines.get(top.fn.source.path)?.get(top.line);
      const at = here && lineStop(m, here, live);
      if (at) return at;
    }
  }
  for (const w of bp.data) {
    const v = w.read(m);
    if (v !== w.last) {
      w.last = v;
      if (w.condition && !safeCond(m, w.condition)) continue;
      const hits = (w.hits ?? 0) + 1;
      if (live) w.hits = hits;
      if (w.hitCondition && !w.hitCondition(hits)) continue;
      return { reason: 'data breakpoint', breakpointIds: [w.id] };
    }
  }
  return undefined;
}

/** The first function breakpoint on one of a frame's names that holds here, counting its hit. */
function functionStop(m: Machine, fr: Frame, names: readonly string[], live: boolean): Stop | undefined {
  for (const name of names) {
    const b = m.breakpoints.functions.get(name);
    if (!b || (b.condition && !safeCond(m, b.condition, fr))) continue;
    if (live) b.hits++;
    if (b.hitCondition && !b.hitCondition(b.hits)) continue;
    return { reason: 'function breakpoint', breakpointIds: [b.id] };
  }
  return undefined;
}

/** The line breakpoints on one line, at a step point there: a stop, or undefined (none held, or all were logpoints). */
function lineStop(m: Machine, here: readonly LineBreakpoint[], live: boolean): Stop | undefined {
  const ids: number[] = [];
  for (const b of here) {
    if (b.condition && !safeCond(m, b.condition)) continue;
    if (live) b.hits++;
    if (b.hitCondition && !b.hitCondition(live ? b.hits : b.hits + 1)) continue;
    if (b.log) {
      if (live) m.output(b.log(m), 'console');
      continue;
    }
    ids.push(b.id);
  }
  return ids.length ? { reason: 'breakpoint', breakpointIds: ids } : undefined;
}

function safeCond(m: Machine, c: Condition, frame?: Frame): boolean {
  try {
    return c(m, frame);
  } catch {
    // A condition that cannot be evaluated here (a path that does not exist yet) is false.
    return false;
  }
}

/** Whether a step run in `run.mode`, begun at depth `run.depth`, is done at the current step point. */
export function stepStop(m: Machine, run: { readonly mode: RunMode; readonly depth: number }): Stop | undefined {
  if (m.at === 'end') return { reason: 'end' };
  const d = m.depth();
  switch (run.mode) {
    case 'continue':
      return undefined;
    case 'in':
      return { reason: 'step' };
    case 'over':
      return d <= run.depth ? { reason: 'step' } : undefined;
    case 'out':
      return d < run.depth ? { reason: 'step' } : undefined;
  }
}
