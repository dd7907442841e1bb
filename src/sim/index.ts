/**
 * The simulator's one entry point for the adapter, the CLI and the
 * extension: parse a scenario, build a machine with every simulated
 * mechanism wired in, read its state. Nothing here knows about DAP or VS Code.
 */
import type { Expr, Program, Stmt } from './scenario/ast';
import { diffKernelsWith } from './kernel_diff/lockstep';
import type { KernelDiff } from './kernel_diff/lockstep';
import type { KernelChoice } from './core/kernel_select';
import { ExprParser } from './scenario/expr_parser';
import type { Diagnostic } from './scenario/diagnostics';
import { ScenarioError } from './scenario/diagnostics';
import { lexLine } from './scenario/lexer';
import type { ParseResult } from './scenario/parse_file';
import { parseScenario as parseWith } from './scenario/parse_file';
import { parseStatement } from './scenario/parser';
import type { Exec } from './scenario/compile';
import { compileSimple } from './scenario/compile';
import type { MachineOptions } from './core/machine';
import type { WorkOptions } from './core/work';
import { MECHANISMS } from './mechanisms';
import type { KernelOptions, Simulation } from './registry';
import { Registry } from './registry';

export type { Simulation, ScopeRoots } from './registry';
export { Registry } from './registry';
export type { KernelOptions } from './registry';
export type { KernelChoice } from './core/kernel_select';
export { BEFORE_PATCHES, kernelName, parseKernel } from './core/kernel_select';
export type { MechanismDescriptor, MechanismInstance, RootSpec, ScopeSpec, ThreadView } from './mechanism';
export type { Expr, Program, Stmt } from './scenario/ast';
export type { Diagnostic, WordFix } from './scenario/diagnostics';
export { didYouMean, MAX_SUGGESTIONS, suggestions } from './scenario/did_you_mean';
export { formatDiagnostic } from './scenario/diagnostics';
export type { EvalEnv } from './scenario/eval';
export { evalRef, evaluate, refValue } from './scenario/eval';
export { CONSTANTS } from './scenario/constants';
export { lexLine } from './scenario/lexer';
export type { KeySpec, PosSpec, VerbSpec, VerbTable } from './scenario/verbs';
import type { VerbSpec } from './scenario/verbs';
import { NameCheck } from './scenario/names';
export type { StatementRef, SourceRange } from './core/source';
export type { Condition, DataWatch, ExceptionFilter, ExceptionKind, FunctionBreakpoint, LineBreakpoint } from './core/breakpoints';
export type { Frame, FrameValue, KernelFn, KernelSource } from './core/frames';
export type { CallGraph } from './core/call_graph';
export { NodeRef } from './core/frames';
export type { Returned } from './core/returns';
export type { Machine, MachineOptions, RunMode, Stop, Subsystem } from './core/machine';
export type { StateNode } from './core/state';
export { fixedRecord, leaf, list, nodeValue, valueNode } from './core/state';
export type { NumberFormat, Value } from './core/values';
export { formatValue, isRecordValue, Sym, toJson, truthy } from './core/values';
export type { ShowOptions, ValueKind } from './core/kinds';
export { asBytes, formatDuration, hexdump, hexdumpRow, intText, kindOfName, lastName, showValue, showValueLong } from './core/kinds';
export { kindOfNode } from './core/state';
export { INLINE_LIST, kindAt, showNode } from './core/show_node';
export { outcomeOf } from './outcome';
export { DEFAULT_MAX_STEPS, errorText, escapeControls, thrownException } from './core/internal';
export { DEFAULT_MAX_WORK } from './core/work';
export { checkStop } from './core/stop_check';
export type { HugetlbPoolPicture, HugetlbSections, ResvMapPicture } from './hugetlb/picture';
export type { HypervSections, SlotPicture, TimerPicture, VpPicture } from './hyperv/picture';
export type { MemlatSections, MemoryGroupPicture, MonitorPicture } from './scmi/picture';
export type { MmPicture, MmSections, VmaPicture } from './mm/picture';
export { MAX_PAGES, PAGE_CELL } from './mm/picture';
export type { PictureData } from './picture';
export { statePicture } from './picture';
export type { DiffSide, Divergence, KernelDiff } from './kernel_diff/lockstep';
export { MAX_DIFF_STATEMENTS } from './kernel_diff/lockstep';
export type { StateChange } from './kernel_diff/state_diff';
export { flattenState, stateDiff } from './kernel_diff/state_diff';
export { stateJson } from './kernel_diff/state_json';
export { renderState } from './kernel_diff/render';
export { MAX_SCENARIO_BYTES, readScenarioFile } from './scenario_file';
export { Coverage } from './coverage/counters';
export type { CoverageLayout, StepPoint } from './coverage/layout';
export type { ListingBranch } from './coverage/branches';
export { lcovText } from './coverage/lcov';
export type { LcovFile } from './coverage/lcov_parse';
export { LcovError, parseLcov } from './coverage/lcov_parse';
export { coverageFromLcov } from './coverage/lcov_read';
export type { FunctionRow } from './coverage/table';
export { functionRows, functionTable } from './coverage/table';

/** The mechanisms kstep simulates, and all that is derived from them. */
export const REGISTRY = new Registry(MECHANISMS);

/** Builds a machine for a parsed, error-free program, positioned at its first statement. */
export function createSimulation(program: Program, opts: MachineOptions & WorkOptions & KernelOptions = {}, registry: Registry = REGISTRY): Simulation {
  return registry.createSimulation(program, opts);
}

/** The patched kernel against `other`, statement by statement, to the first divergence (`kstep diff`, the editor's compare). */
export function diffKernels(program: Program, other: KernelChoice, only: readonly string[] = [], registry: Registry = REGISTRY, maxStatements?: number, maxSteps?: number): KernelDiff {
  return diffKernelsWith(registry, program, other, only, maxStatements, maxSteps);
}

/** Parses a whole scenario; every error in the file is reported, and a program with any must not run. */
export function parseScenario(file: string, source: string, registry: Registry = REGISTRY): ParseResult {
  return parseWith(file, source, registry.verbs, registry.checkStatement, registry);
}

export interface Loaded {
  readonly program: Program;
  readonly diagnostics: readonly Diagnostic[];
  /** Undeclared names: said, but the program runs (see ParseResult). */
  readonly warnings?: readonly Diagnostic[];
}

export function loadScenario(file: string, source: string, registry: Registry = REGISTRY): Loaded {
  return parseScenario(file, source, registry);
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
    const stmt = parseStatement(0, text, toks, sim.registry.verbs);
    // A misspelt register or hypercall says "did you mean" at the console as in the file.
    new NameCheck(sim.registry).statement(stmt, sim.registry.verbs.get(stmt.verb) as VerbSpec);
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
export type { PatchCoverage, PatchLine } from './coverage/patches';
export { patchCoverage, patchReport } from './coverage/patches';
export type { ShapeNode } from './state_shape';
export { shapeAt, stateShape } from './state_shape';
export type { DeclaredNames } from './scenario/declared';
export { declaredNames, lineWords } from './scenario/declared';
export type { NameSet } from './mechanism';
export type { PatchTable } from './coverage/patch_map';
export type { ListingCoverage } from './coverage/files';
export { listingCoverage } from './coverage/files';
export type { Bounded, Change, HistoryResult, QueryLimits, WhenDirection, WhenResult, WhyResult } from './query/queries';
export { historyOf, QUERY_LIMITS, runQuery, whenOf, whyOf } from './query/queries';
export type { PointInfo } from './query/point';
export type { QueryText } from './query/parse';
export { parseQueryText } from './query/parse';
export { cappedText, changeText, pointText } from './query/format';
export type { TraceEvent, TraceFile } from './export/perfetto';
export { perfettoTrace, traceMicros } from './export/perfetto';
export { ftraceText } from './export/ftrace';
export type { TimelineEvent, Track } from './export/timeline';
