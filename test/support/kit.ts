/**
 * The test kit: every test builds, runs and inspects simulations through
 * these functions, over the simulator's public entry points (src/sim/index.ts)
 * and `kstep run`'s own code (src/cli/run.ts). The DAP half of the kit, a
 * DebugClient over a real adapter process, is ./dap.ts.
 *
 *   scenario(text)           scenario text with its indentation stripped; lineOf(text, needle) finds a line
 *   load(source)             the parsed program; any diagnostic throws
 *   sim(source, opts)        a machine positioned at the first statement (history on unless `history: false`)
 *   run(source, opts)        the same, run to its end: a failed expect, a BUG or a scenario error throws
 *   stops(s, exceptions)     continue to the end, returning every stop on the way
 *   statements(s)            step over statement by statement (for checks between statements)
 *   expr / ev / show / last  an expression as an `expect` holds it, its value, its formatted value, `last`
 *   subsystem(s, Class)      a mechanism's subsystem, typed: subsystem(s, Mm), subsystem(s, Memlat)
 *   cli(source, opts)        `kstep run [--json] [--trace] [--debug] [--max-steps=N]` in-process: exit code, stdout and stderr lines
 *   kstep(...args)           the real `bin/kstep.js` in a child process
 *   Scenarios                scenario files in a temporary directory, for a real process to read
 *   observe / expectGotoExact  everything observable at a step point; history against a straight run
 *
 * Nothing here imports vitest: the benchmarks use the kit too.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSimulation, loadScenario } from '../../src/sim';
import type { Simulation } from '../../src/sim';
import { runSource, stateJson } from '../../src/cli/run';
import type { ExceptionKind } from '../../src/sim/core/breakpoints';
import { Machine } from '../../src/sim/core/machine';
import type { MachineOptions, Stop, Subsystem } from '../../src/sim/core/machine';
import type { Expr, Program } from '../../src/sim/scenario/ast';
import { formatDiagnostic } from '../../src/sim/scenario/diagnostics';
import { evaluate } from '../../src/sim/scenario/eval';
import type { Value } from '../../src/sim/core/values';
import { formatValue } from '../../src/sim/core/values';
import { mulberry32, rngInt } from './rng';

/** The repository root. */
export const ROOT = join(__dirname, '..', '..');

/** A simulation and everything it printed (every output category), in order. */
export type Sim = Simulation & { readonly out: string[] };

/** A simulation, or just its machine. */
export type On = Simulation | Machine;

export interface SimOptions extends MachineOptions {
  /** The file name diagnostics and stops report (default `t.kstep`). */
  readonly file?: string;
  /** The work budget (core/work.ts). */
  readonly maxWork?: number;
}

export interface RunOptions extends SimOptions {
  /** Exception filters to switch on besides `expect` and `bug`; such stops are continued over. */
  readonly exceptions?: readonly ExceptionKind[];
}

/** The scenario text with each line's indentation stripped, from its first non-blank line, ending in one newline. */
export function scenario(lines: string): string {
  return `${lines
    .split('\n')
    .map((l) => l.trim())
    .join('\n')
    .trim()}\n`;
}

/** The 1-based line of the first line of `text` containing `needle` (scenario lines referenced by content, not number). */
export function lineOf(text: string, needle: string, from = 1): number {
  const lines = text.split('\n');
  for (let i = from - 1; i < lines.length; i++) if ((lines[i] as string).includes(needle)) return i + 1;
  throw new Error(`'${needle}' not found`);
}

/** Parses a scenario; a diagnostic throws, with every diagnostic as `file:line:col: error: message`. */
export function load(source: string, file = 't.kstep'): Program {
  const { program, diagnostics } = loadScenario(file, source);
  if (diagnostics.length) throw new Error(diagnostics.map(formatDiagnostic).join('\n'));
  return program;
}

/** A machine over a scenario, at its first statement; history on (a snapshot every 4 steps) unless `history: false`. */
export function sim(source: string, opts: SimOptions = {}): Sim {
  const { file, ...machine } = opts;
  const out: string[] = [];
  const s = createSimulation(load(source, file), { history: true, snapshotEvery: 4, output: (t) => out.push(t), ...machine });
  return { ...s, out };
}

export function machineOf(on: On): Machine {
  return on instanceof Machine ? on : on.machine;
}

/** Throws at a stop that fails a run: a failed expect, a kernel BUG or a scenario error. */
function failOn(st: Stop): void {
  const e = st.exception;
  if (st.reason === 'exception' && e && (e.kind === 'expect' || e.kind === 'bug' || e.kind === 'error')) {
    throw new Error(`${e.kind} at line ${e.line}: ${e.message}`);
  }
}

/**
 * Continues to the end of the scenario and returns every stop on the way
 * (breakpoints, and exceptions of the filters given), the end not included.
 * A failed expect, a kernel BUG or a scenario error throws.
 */
export function stops(s: On, exceptions?: readonly ExceptionKind[]): Stop[] {
  const m = machineOf(s);
  if (exceptions) m.breakpoints.setExceptions((['expect', 'bug', ...exceptions] as const).map((kind) => ({ kind })));
  const seen: Stop[] = [];
  for (;;) {
    const st = m.resume('continue');
    if (st.reason === 'end') return seen;
    failOn(st);
    seen.push(st);
  }
}

/** Runs a scenario to its end; a failed expect, a kernel BUG or a scenario error throws. */
export function run(source: string, opts: RunOptions = {}): Sim {
  const { exceptions, ...simOpts } = opts;
  const s = sim(source, simOpts);
  stops(s, exceptions);
  return s;
}

/**
 * Steps over the scenario a statement at a time and yields the machine at
 * every statement boundary after the first, and at the end. A failed expect,
 * a kernel BUG or a scenario error throws.
 */
export function* statements(s: On): Generator<Machine> {
  const m = machineOf(s);
  for (;;) {
    const st = m.resume('over');
    failOn(st);
    if (m.at === 'stmt' || m.ended) yield m;
    if (st.reason === 'end' || m.ended) return;
  }
}

/** An expression as an `expect` statement holds it: its columns count from `expect `, so it starts at column 8. */
export function expr(text: string): Expr {
  const [stmt] = load(`expect ${text}`, 'e.kstep').stmts;
  if (stmt?.exprs.length !== 1) throw new Error(`'${text}' is not one expression`);
  return stmt.exprs[0] as Expr;
}

/** The value of an expression against the machine's state now. */
export function ev(on: On, text: string): Value {
  return evaluate(machineOf(on), expr(text));
}

/** The value of an expression as the debugger shows it. */
export function show(on: On, text: string): string {
  return formatValue(ev(on, text));
}

/** What the last statement left in `last`. */
export function last(on: On): Value {
  return machineOf(on).last;
}

/** The subsystem of a mechanism, by its class: `subsystem(s, Mm).tasks`. Throws when the machine has none. */
export function subsystem<T extends Subsystem>(on: On, cls: abstract new (...args: never[]) => T): T {
  const m = machineOf(on);
  const found = m.subsystems.find((x): x is T => x instanceof cls);
  if (!found) throw new Error(`no ${cls.name} subsystem (the machine has: ${m.subsystems.map((x) => x.name).join(', ')})`);
  return found;
}

// ---- kstep run ----------------------------------------------------------------

export interface CliOptions {
  /** The file name the run reports (default `t.kstep`). */
  readonly file?: string;
  readonly json?: boolean;
  readonly trace?: boolean;
  /** `--debug`: the stack of an internal error. */
  readonly debug?: boolean;
  /** `--max-steps=N`. */
  readonly maxSteps?: number;
  /** `--max-work=N`. */
  readonly maxWork?: number;
  /** `--bail`: stop at the first failed expect. */
  readonly bail?: boolean;
}

/** What a `kstep run` printed: its exit code and its stdout and stderr lines. */
export interface CliRun {
  code: number;
  out: string[];
  err: string[];
}

/** `kstep run` over scenario text, in-process through the CLI's own runSource. */
export function cli(source: string, opts: CliOptions = {}): CliRun {
  const out: string[] = [];
  const err: string[] = [];
  const io = { out: (l: string) => out.push(l), err: (l: string) => err.push(l) };
  const { file, json, trace, ...rest } = opts;
  const code = runSource(file ?? 't.kstep', source, { json: json ?? false, trace: trace ?? false, ...rest }, io);
  return { code, out, err };
}

/** The built `bin/kstep.js` in a child process, from the repository root: exit code, stdout and stderr. */
export function kstep(...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'kstep.js'), ...args], { cwd: ROOT, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** Scenario files in a temporary directory, removed by dispose(). */
export class Scenarios {
  private readonly dir = mkdtempSync(join(tmpdir(), 'kstep-'));

  write(name: string, text: string): string {
    const p = join(this.dir, name);
    writeFileSync(p, text);
    return p;
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

// ---- history ------------------------------------------------------------------

/** Everything observable at a step point: position, frames with locals, and the whole state tree. */
export function observe(on: On): string {
  const m = machineOf(on);
  const frames = m.frames.map((f) => `${f.fn.name}@${f.line}${JSON.stringify(f.locals, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v))}${f.retFn ? ` ${f.retFn.name} returned ${returnText(f.retValue)}` : ''}`);
  const returned = m.returned ? `${m.returned.fn.name} returned ${returnText(m.returned.value)}` : undefined;
  return JSON.stringify({ step: m.step, at: m.at, line: m.statement?.line, depth: m.depth(), frames, returned, state: stateJson(m) });
}

/** A kernel function's return value as text, bounded: it may be a model object that reaches the whole state. */
export function returnText(v: unknown, depth = 2): string {
  if (typeof v === 'bigint') return `${v}n`;
  if (v === null || typeof v !== 'object') return String(v);
  if (depth === 0) return '…';
  if (Array.isArray(v)) return `[${v.length}: ${v.slice(0, 8).map((x: unknown) => returnText(x, depth - 1)).join(', ')}]`;
  if (Object.getPrototypeOf(v) !== Object.prototype) return `<${(v as { constructor?: { name?: string } }).constructor?.name ?? 'object'}>`;
  return `{${Object.entries(v).map(([k, x]) => `${k}: ${returnText(x, depth - 1)}`).join(', ')}}`;
}

/** Where two observations first differ, with some context on both sides. */
function firstDifference(want: string, got: string): string {
  let i = 0;
  while (i < want.length && want[i] === got[i]) i++;
  const from = Math.max(0, i - 120);
  return `first difference at character ${i}:\n  expected ...${want.slice(from, i + 120)}\n  received ...${got.slice(from, i + 120)}`;
}

/**
 * Steps in through the whole scenario recording every step point, then goes
 * to `tries` random ones (seeded) and to both ends: each must look exactly as
 * it did. Throws at the first that does not.
 */
export function expectGotoExact(on: On, seed: number, tries: number): void {
  const m = machineOf(on);
  const seen: string[] = [observe(m)];
  while (!m.ended) {
    m.resume('in');
    seen.push(observe(m));
  }
  const r = mulberry32(seed);
  for (const target of [...Array.from({ length: tries }, () => rngInt(r, 0, seen.length - 1)), 0, seen.length - 1]) {
    m.goto(target);
    const want = seen[target] as string;
    const got = observe(m);
    if (got !== want) throw new Error(`goto(${target}) does not give the state the straight run had there; ${firstDifference(want, got)}`);
  }
}
