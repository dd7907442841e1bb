import { ScenarioError } from './source';
import type { SimException } from './stop';
import { KernelBug } from './stop';

/**
 * The exception kind of a JavaScript error thrown while a statement ran (a
 * RangeError from a too-deep evaluation, a TypeError in a mechanism): the
 * engine always stops on it, like `error`, so one hostile scenario ends its
 * own run and nothing else.
 */
export const INTERNAL = 'internal';

/** The first line of a throw's message, control bytes escaped: it goes to terminals and the Debug Console. */
export function errorText(e: unknown): string {
  const raw = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return escapeControls(raw.split('\n')[0] ?? '');
}

/** Control bytes in a message as `\xNN`, so a scenario cannot drive the terminal it is reported on. */
export function escapeControls(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\x00-\x08\x0b-\x1f\x7f\x9b]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** What a throw out of a statement at `line` becomes: a BUG, a scenario error, or an internal error. */
export function thrownException(e: unknown, line: number | undefined): SimException {
  const at = line !== undefined ? { line } : {};
  if (e instanceof KernelBug) return { kind: 'bug', message: e.message, ...at };
  if (e instanceof ScenarioError) return { kind: 'error', message: e.message, ...at, ...(e.range ? { line: e.range.line, range: e.range } : {}) };
  const stack = e instanceof Error && e.stack ? { stack: e.stack } : {};
  return { kind: INTERNAL, message: `internal error: ${errorText(e)}`, ...at, ...stack };
}

/**
 * The step budget `kstep run` and the debugger give a scenario unless told
 * otherwise: far above any example or test scenario, and reached in well
 * under a minute, so `repeat 2^64` ends with an error instead of running for years.
 */
export const DEFAULT_MAX_STEPS = 50_000_000;

export function budgetError(max: number): ScenarioError {
  return new ScenarioError(`the scenario ran out of its step budget (${max} step points): raise it with --max-steps (kstep run) or maxSteps (launch configuration)`);
}
