import type { KernelChoice } from '../core/kernel_select';
import type { Machine } from '../core/machine';
import type { SimException, Stop } from '../core/stop';
import { DEFAULT_MAX_STEPS, escapeControls } from '../core/internal';
import type { Registry } from '../registry';
import type { Program } from '../scenario/ast';
import type { StateChange } from './state_diff';
import { stateDiff } from './state_diff';
import { rootOf, stateJson } from './state_json';

/** Statement starts compared before giving up: a scenario that loops forever must not hang the diff. */
export const MAX_DIFF_STATEMENTS = 1_000_000;

/** One kernel's side at the divergence. */
export interface DiffSide {
  /** The step point where the statement after which the kernels differ starts (0: before the first). */
  readonly statementStep: number;
  /** The whole state tree there, after the statement. */
  readonly state: unknown;
  /** What runs next: `line N`, `end of scenario` or how it stopped, after the exceptions the statement raised. */
  readonly next: string;
}

export interface Divergence {
  /** The statement after which the states differ; undefined when they differ before the first. */
  readonly ran?: { readonly line: number; readonly text: string };
  /** The differing paths, the other kernel's value first (a) and the patched one's second (b). */
  readonly changes: readonly StateChange[];
  /** The two runs went on at different statements, or one ended or stopped. */
  readonly flow: boolean;
  readonly before: DiffSide;
  readonly after: DiffSide;
}

/** `outOfSteps`: a side ran out of its step budget (set only then), so what was compared stops there. */
export type KernelDiff =
  /** `end`: how both runs ended (`end of scenario`, or the exception both stopped on). */
  | { readonly kind: 'same'; readonly statements: number; readonly end: string; readonly outOfSteps?: true }
  | { readonly kind: 'diverged'; readonly divergence: Divergence; readonly outOfSteps?: true }
  | { readonly kind: 'gave-up'; readonly statements: number; readonly outOfSteps?: true };

interface Side {
  readonly m: Machine;
  stop: Stop | undefined;
  statementStep: number;
  /** The exceptions the last statement raised (a failed expect goes on; a BUG or an error ends the run). */
  raised: string[];
}

const over = (s: Side): boolean => s.m.dead || s.m.ended;

function exceptionText(e: SimException | undefined): string {
  return `${e?.kind ?? 'error'}: ${escapeControls(e?.message ?? '')}`;
}

function nextText(s: Side): string {
  if (s.m.dead) return `stopped (${exceptionText(s.stop?.exception ?? s.m.exception)})`;
  const next = s.m.ended ? 'end of scenario' : `line ${s.m.statement?.line ?? '?'}`;
  return s.raised.length ? `${next}, after ${s.raised.map((r) => `(${r})`).join(', ')}` : next;
}

/**
 * Runs the statement to its end: an exception stop that does not end the run
 * (a failed expect) is noted and the statement goes on, so both kernels stay
 * at statement starts and the exceptions are compared like the state.
 */
function runStatement(s: Side, budget: number): void {
  s.statementStep = s.m.step;
  s.raised = [];
  s.stop = s.m.resume('over');
  while (s.stop.reason === 'exception' && !over(s) && s.raised.length < budget) {
    s.raised.push(exceptionText(s.stop.exception));
    s.stop = s.m.resume('over');
  }
}

/**
 * The differing paths at a statement start. Each root's JSON text is compared
 * first: the trees are flattened path by path only when some root differs
 * (which may still be no change: a field of `last` one kernel lacks).
 */
function changesAt(a: Machine, b: Machine, roots: readonly string[] | undefined, only: readonly string[]): StateChange[] {
  const ja = stateJson(a, roots);
  const jb = stateJson(b, roots);
  const ka = Object.keys(ja);
  const same = ka.length === Object.keys(jb).length && ka.every((k) => k in jb && JSON.stringify(ja[k]) === JSON.stringify(jb[k]));
  return same ? [] : stateDiff(ja, jb, only);
}

/**
 * Runs a program on the patched kernel and on `other` a statement at a time
 * in lockstep, comparing the state trees at every statement start (`only`:
 * the paths compared, by prefix), and reports the first statement after
 * which they differ. Used by `kstep diff` and the editor's compare command.
 */
export function diffKernelsWith(registry: Registry, program: Program, other: KernelChoice, only: readonly string[] = [], maxStatements = MAX_DIFF_STATEMENTS, maxSteps = DEFAULT_MAX_STEPS): KernelDiff {
  const build = (kernel: KernelChoice): Side => ({
    m: registry.createSimulation(program, { kernel, maxSteps, output: () => undefined }).machine,
    stop: undefined,
    statementStep: 0,
    raised: [],
  });
  const before = build(other);
  const after = build({});
  // With `only`, just the roots it names are read at each statement; the whole trees only at the divergence.
  const roots = only.length ? [...new Set(only.map(rootOf))] : undefined;
  let ran: { line: number; text: string } | undefined;
  const budget = (): { outOfSteps?: true } => ([before, after].some((s) => s.m.dead && s.m.step >= maxSteps) ? { outOfSteps: true } : {});
  for (let n = 0; n < maxStatements; n++) {
    const changes = changesAt(before.m, after.m, roots, only);
    const flow = before.m.statement?.line !== after.m.statement?.line || over(before) !== over(after) || nextText(before) !== nextText(after);
    if (changes.length || flow) {
      const side = (s: Side): DiffSide => ({ statementStep: s.statementStep, state: stateJson(s.m), next: nextText(s) });
      return { kind: 'diverged', divergence: { ...(ran ? { ran } : {}), changes, flow, before: side(before), after: side(after) }, ...budget() };
    }
    if (over(before) && over(after)) return { kind: 'same', statements: n, end: nextText(after), ...budget() };
    const st = before.m.statement;
    ran = st ? { line: st.line, text: st.text } : undefined;
    for (const s of [before, after]) runStatement(s, maxStatements);
  }
  return { kind: 'gave-up', statements: maxStatements, ...budget() };
}
