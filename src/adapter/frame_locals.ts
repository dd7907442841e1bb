import type { SessionContext } from './context';
import { frameNode } from './frame_view';
import { showOptions } from './variables';
import type { StateNode } from '../sim';
import { evalRef, kindAt, parseExpression, showNode } from '../sim';

/** A kernel frame's locals, as the listing's inline values show them. */
export interface FrameLocals {
  /** The listing's path (`mm/hugetlb.c`). */
  readonly path: string;
  /** The function's name and its signature's line. */
  readonly fn: string;
  readonly fnLine: number;
  /** The line the frame stands on. */
  readonly line: number;
  readonly locals: ReadonlyArray<{ readonly name: string; readonly value: string }>;
}

/** The state node at a path, or undefined when it does not resolve here. */
export function tryNode(ctx: SessionContext, path: string): StateNode | undefined {
  const e = parseExpression(path);
  if ('error' in e || !ctx.sim) return undefined;
  try {
    const r = evalRef(ctx.sim.machine, e);
    return 'node' in r ? r.node : undefined;
  } catch {
    return undefined;
  }
}

/**
 * kstep/frameLocals: the selected frame's arguments and locals, one line
 * each, in the Variables view's format. Empty for a scenario frame, a
 * thread, or a frame id from an earlier stop.
 */
export function frameLocals(ctx: SessionContext, args: { frameId?: unknown } | undefined): FrameLocals | object {
  const id = args?.frameId;
  const ref = typeof id === 'number' ? ctx.frameRefs.get(id) : undefined;
  if (ref?.kind !== 'kernel') return {};
  const fr = ref.frame;
  const node = frameNode(fr, (p) => tryNode(ctx, p));
  if (node.kind !== 'record') return {};
  const show = showOptions(undefined, ctx.hexDefault);
  const locals = node.keys().flatMap((name) => {
    const c = node.child(name);
    return c ? [{ name, value: showNode(c, kindAt(c, name), show) }] : [];
  });
  return { path: fr.fn.source.path, fn: fr.fn.name, fnLine: fr.fn.line, line: fr.line, locals } satisfies FrameLocals;
}
