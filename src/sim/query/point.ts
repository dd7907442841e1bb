import type { Machine } from '../core/machine';
import { ScenarioError } from '../core/source';
import type { Value } from '../core/values';
import { isRecordValue, Sym } from '../core/values';
import type { Expr } from '../scenario/ast';
import { evaluate } from '../scenario/eval';

/**
 * Where the machine stands at one step point, as the history queries report
 * it: the step, the simulated time, the scenario line, and the innermost
 * kernel frame with its listing line (none at a statement's start).
 */
export interface PointInfo {
  readonly step: number;
  readonly ns: bigint;
  /** The scenario line (0 when the scenario has ended). */
  readonly line: number;
  /** The statement's text, trimmed. */
  readonly statement: string;
  readonly kernel?: { readonly fn: string; readonly path: string; readonly line: number };
  /** The kernel functions on the stack, outermost first (the fault path that led to a write). */
  readonly stack: readonly string[];
}

const NO_FRAMES: readonly string[] = Object.freeze([]);

export function pointInfo(m: Machine): PointInfo {
  const top = m.frames[m.frames.length - 1];
  const stmt = m.statement;
  return {
    step: m.step,
    ns: m.now,
    line: stmt?.line ?? 0,
    statement: stmt?.text ?? '',
    stack: m.frames.length ? m.frames.map((f) => f.fn.name) : NO_FRAMES,
    ...(top ? { kernel: { fn: top.fn.name, path: top.fn.source.path, line: top.line } } : {}),
  };
}

/**
 * The value of an expression at the current step point; undefined where it
 * has none (the path does not exist yet: `resv.f` before `hugetlb file f`).
 * Only a mistake the scenario's author could make reads as "no value"; a
 * defect in kstep still throws.
 */
export function valueAt(m: Machine, e: Expr): Value | undefined {
  try {
    return evaluate(m, e);
  } catch (err) {
    if (err instanceof ScenarioError) return undefined;
    throw err;
  }
}

/**
 * Whether two readings are the same value. Stricter than `==` of the
 * language (where `true == 1` and a symbol equals its number): a change from
 * `true` to `1` is still a change of what the state holds.
 */
export function sameValue(a: Value | undefined, b: Value | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return false;
  if (a instanceof Sym || b instanceof Sym) return a instanceof Sym && b instanceof Sym && a.name === b.name && a.num === b.num;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameValue(a[i] as Value, b[i] as Value)) return false;
    return true;
  }
  if (isRecordValue(a) || isRecordValue(b)) {
    if (!isRecordValue(a) || !isRecordValue(b)) return false;
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && sameValue(a[k] as Value, b[k] as Value));
  }
  return false;
}

/**
 * The position at the last step point seen, kept cheaply at every step of a
 * scan (a few fields and a copy of the frame stack) and made into a
 * PointInfo only when a change is found there.
 */
export class LastPoint {
  private step = 0;
  private ns = 0n;
  private stmt: Machine['statement'];
  private frames: Machine['frames'] = [];
  private topLine = 0;

  take(m: Machine): void {
    this.step = m.step;
    this.ns = m.now;
    this.stmt = m.statement;
    const n = m.frames.length;
    this.frames = n ? m.frames.slice() : [];
    this.topLine = n ? (m.frames[n - 1] as Machine['frames'][number]).line : 0;
  }

  info(): PointInfo {
    const top = this.frames[this.frames.length - 1];
    return {
      step: this.step,
      ns: this.ns,
      line: this.stmt?.line ?? 0,
      statement: this.stmt?.text ?? '',
      ...(top ? { kernel: { fn: top.fn.name, path: top.fn.source.path, line: this.topLine } } : {}),
      stack: this.frames.length ? this.frames.map((f) => f.fn.name) : NO_FRAMES,
    };
  }
}
