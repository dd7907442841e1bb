/**
 * A scenario run for the Test Explorer (pure: no vscode, runs in the
 * extension's worker thread): every failed expect with its values and the
 * stack it failed in, as `kstep run` reports them, and optionally the kernel
 * coverage the run reached.
 */
import type { ListingCoverage, Machine, Program, Stop, Value } from '../sim';
import { Coverage, createSimulation, DEFAULT_MAX_STEPS, escapeControls, formatDiagnostic, formatValue, listingCoverage, loadScenario, outcomeOf, REGISTRY } from '../sim';

/** One frame of the stack a failure happened in, innermost first. */
export interface FailureFrame {
  readonly name: string;
  /** The scenario file, or a kernel listing's path (`mm/hugetlb.c`). */
  readonly path: string;
  readonly kernel: boolean;
  readonly line: number;
}

/** A failed expect, a kernel BUG, a scenario error or an internal error, at a scenario line. */
export interface TestFailure {
  readonly kind: 'expect' | 'bug' | 'error' | 'internal';
  readonly line: number;
  readonly message: string;
  /** A failed comparison: its right side is what was expected, its left what the run had. */
  readonly expected?: string;
  readonly actual?: string;
  readonly stack: readonly FailureFrame[];
}

export interface ScenarioTestResult {
  /** 0 every expect held; 1 an expect failed or a kernel BUG; 2 a scenario error; 3 an internal error. */
  readonly code: number;
  readonly failures: readonly TestFailure[];
  readonly output: readonly string[];
  readonly steps: number;
  /** The scenario lines of the expects that ran, ascending: an expect not among them was not reached. */
  readonly reached: readonly number[];
  /** Per kernel listing the run reached, its counts (only with `coverage`). */
  readonly coverage?: readonly ListingCoverage[];
}

/** At most this many failures are kept: a failing expect in a long loop must not flood the editor. */
export const MAX_FAILURES = 200;

export function runScenarioTests(file: string, text: string, opts: { maxSteps?: number; coverage?: boolean } = {}): ScenarioTestResult {
  const { program, diagnostics } = loadScenario(file, text);
  if (diagnostics.length) {
    const failures = diagnostics.slice(0, MAX_FAILURES).map((d) => ({ kind: 'error' as const, line: d.range.line, message: formatDiagnostic(d), stack: [] }));
    return { code: diagnostics.some((d) => d.internal) ? 3 : 2, failures, output: [], steps: 0, reached: [] };
  }
  const output: string[] = [];
  const cov = opts.coverage ? new Coverage(REGISTRY.coverageLayout) : undefined;
  const { machine } = createSimulation(program, { maxSteps: opts.maxSteps ?? DEFAULT_MAX_STEPS, ...(cov ? { coverage: cov } : {}), output: (t) => output.push(t) });
  const failures: TestFailure[] = [];
  const reached = new Set<number>();
  // A breakpoint on each expect that never stops: it only notes the expect ran.
  const lines = expectLines(program);
  setProbes(machine, lines, reached);
  let stop: Stop = machine.resume('continue');
  // Every failed expect is reported and the run goes on, as `kstep run` does without --bail.
  while (stop.reason === 'exception' && stop.exception?.kind === 'expect' && !machine.dead) {
    if (failures.length < MAX_FAILURES) failures.push(failureOf(machine, stop, file));
    stop = machine.resume('continue');
  }
  const last = outcomeOf(machine, stop);
  if (last.code !== 0 && failures.length < MAX_FAILURES) failures.push(failureOf(machine, stop, file));
  const code = Math.max(last.code, failures.length ? 1 : 0);
  return { code, failures, output, steps: machine.step, reached: [...reached].sort((a, b) => a - b), ...(cov ? { coverage: listingCoverage(cov).filter((l) => l.functions.some((f) => f.hits > 0)) } : {}) };
}

function expectLines(program: Program): number[] {
  const out: number[] = [];
  for (let i = 0; i < program.index.count; i++) if (/^\s*expect\b/.test(program.lineText(i))) out.push(program.index.line(i));
  return out;
}

function setProbes(m: Machine, lines: readonly number[], reached: Set<number>): void {
  m.breakpoints.setLines(lines.map((line, id) => ({ id: -1 - id, line, hits: 0, hitCondition: () => (reached.add(line), false) })));
}

function failureOf(m: Machine, stop: Stop, file: string): TestFailure {
  const o = outcomeOf(m, stop);
  const details = stop.exception?.details;
  const values = details && 'left' in details && 'right' in details ? { expected: show(details.right as Value), actual: show(details.left as Value) } : {};
  const kind = o.kind ?? 'internal';
  return { kind, line: o.line ?? 0, message: escapeControls(o.message ?? ''), ...values, stack: stackOf(m, file) };
}

function show(v: Value): string {
  return escapeControls(formatValue(v));
}

/** Innermost first: the kernel frames (a BUG leaves them in place), then the scenario's `call` frames. */
function stackOf(m: Machine, file: string): FailureFrame[] {
  const kernel = m.frames
    .slice()
    .reverse()
    .map((f) => ({ name: f.fn.name, path: f.fn.source.path, kernel: true, line: f.line }));
  const scenario = m.control
    .scenarioFrames()
    .reverse()
    .flatMap((f) => (f.at ? [{ name: f.name, path: file, kernel: false, line: f.at.stmt.line }] : []));
  return [...kernel, ...scenario];
}
