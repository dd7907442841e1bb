/**
 * The simulator's entry points: parse a scenario, build a machine with every
 * simulated mechanism wired in. Nothing here knows about DAP or VS Code.
 */
import type { Expr, Program, Stmt } from './scenario/ast';
import { ExprParser } from './scenario/expr_parser';
import type { Diagnostic } from './scenario/diagnostics';
import { ScenarioError } from './scenario/diagnostics';
import { lexLine } from './scenario/lexer';
import { parseScenario, parseStatement } from './scenario/parser';
import type { Exec, StatementCompiler } from './scenario/compile';
import { compileProgram, compileSimple } from './scenario/compile';
import type { KernelSource } from './core/frames';
import type { MachineOptions } from './core/machine';
import { Machine } from './core/machine';
import type { Hugetlb } from './hugetlb/subsystem';
import { HUGETLB_SOURCES, hugetlbMechanism } from './hugetlb/mechanism';
import { MM_SOURCES, mmMechanism } from './mm/mechanism';
import type { Mechanism } from './mechanism';
import { SCMI_SOURCES, scmiMechanism } from './scmi/mechanism';
import { HYPERV_SOURCES, hypervMechanism } from './hyperv/mechanism';
import { HYPERCALL_BREAKPOINT_NAMES } from './hyperv/tlfs';
import { SCMI_BREAKPOINT_NAMES } from './scmi/protocol';

export interface Simulation {
  readonly machine: Machine;
  readonly hugetlb: Hugetlb;
  readonly compilers: ReadonlyMap<string, StatementCompiler>;
}

/** Every simulated mechanism, in the order their state appears. */
function mechanisms(): { hugetlb: ReturnType<typeof hugetlbMechanism>; all: Mechanism[] } {
  const hugetlb = hugetlbMechanism();
  return { hugetlb, all: [hugetlb, mmMechanism(hugetlb.subsystem), scmiMechanism(), hypervMechanism()] };
}

/** Builds a machine for a parsed, error-free program, positioned at its first statement. */
export function createSimulation(program: Program, opts: MachineOptions = {}): Simulation {
  const { hugetlb, all } = mechanisms();
  const compilers = new Map<string, StatementCompiler>();
  for (const mech of all) for (const [verb, c] of mech.compilers) compilers.set(verb, c);
  const machine = new Machine(compileProgram(program, compilers), opts);
  for (const mech of all) mech.attach?.(machine);
  machine.start(all.map((mech) => mech.subsystem));
  return { machine, hugetlb: hugetlb.subsystem, compilers };
}

/** Every simulated kernel source file, for the debugger's source requests and function breakpoints. */
export const KERNEL_SOURCES: readonly KernelSource[] = [...HUGETLB_SOURCES, ...MM_SOURCES, ...SCMI_SOURCES, ...HYPERV_SOURCES];

export function kernelFunctionNames(): string[] {
  // Frames also answer to other names: a hypercall handler to the call's name and code (the HVC handler
  // to `hvc`), the SCMI firmware's message handler to the message and parameter names.
  return [...KERNEL_SOURCES.flatMap((s) => [...s.functions.keys()]), ...HYPERCALL_BREAKPOINT_NAMES, ...SCMI_BREAKPOINT_NAMES];
}

/**
 * Compiles one line typed at the debugger's console as a statement. Control
 * flow (`repeat`, `proc`, `call`) belongs in the scenario file.
 */
export function compileLine(sim: Simulation, text: string): { exec: Exec; stmt: Stmt } | { error: string } {
  const diags: Diagnostic[] = [];
  const toks = lexLine('<console>', 1, text, diags);
  if (diags.length) return { error: (diags[0] as Diagnostic).message };
  try {
    const stmt = parseStatement(0, text, toks);
    return { stmt, exec: compileSimple(stmt, sim.compilers) };
  } catch (e) {
    if (e instanceof ScenarioError) return { error: e.message };
    throw e;
  }
}

/** Parses one expression (watch, hover, conditions). */
export function parseExpression(text: string): Expr | { error: string } {
  const diags: Diagnostic[] = [];
  const toks = lexLine('<expression>', 1, text, diags);
  if (diags.length) return { error: (diags[0] as Diagnostic).message };
  try {
    const p = new ExprParser(toks, 1, 0);
    if (p.peek().kind === 'eol') return { error: 'empty expression' };
    const e = p.parse(false);
    const rest = p.peek();
    if (rest.kind !== 'eol') return { error: `unexpected '${rest.text}' at column ${rest.col}` };
    return e;
  } catch (e) {
    if (e instanceof ScenarioError) return { error: e.message };
    throw e;
  }
}

export interface Loaded {
  readonly program: Program;
  readonly diagnostics: readonly Diagnostic[];
}

export function loadScenario(file: string, source: string): Loaded {
  return parseScenario(file, source);
}

export { parseScenario };
