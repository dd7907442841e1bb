import type { ExceptionFilter } from './core/breakpoints';
import { CORE_EXCEPTION_FILTERS } from './core/breakpoints';
import { CallGraph } from './core/call_graph';
import type { WorkOptions } from './core/work';
import { setWorkLimit } from './core/work';
import type { KernelSource } from './core/frames';
import type { MachineOptions, Subsystem } from './core/machine';
import { Machine } from './core/machine';
import type { MechanismDescriptor, MechanismInstance, NameSet, RootSpec, ScopeSpec, ThreadView } from './mechanism';
import type { Program, Stmt } from './scenario/ast';
import type { StatementCompiler } from './scenario/compile';
import { compileProgram, compileSimple } from './scenario/compile';
import { GENERAL_VERBS, VerbTable } from './scenario/verbs';
import { parseNumber } from './scenario/lexer';
import { CoverageLayout } from './coverage/layout';
import type { ShapeNode } from './state_shape';
import { stateShape } from './state_shape';
import type { KernelChoice } from './core/kernel_select';
import { selectKernel } from './core/kernel_select';

/** The kernel the CLI or launch.json fixed (`--kernel before=004`): it wins over the scenario's `kernel` statement. */
export interface KernelOptions {
  readonly kernel?: KernelChoice;
}

/** The roots the engine itself provides: `last` (the latest result) and `time`. */
const CORE_ROOTS: readonly RootSpec[] = [
  { name: 'last', scope: 'last', summary: 'what the latest statement that sets a result left (each statement names what it sets)' },
  { name: 'time', scope: 'time', summary: 'simulated time: ticks (100 ns, HV_CLOCK_HZ) and ns' },
];

/** A Variables scope and the roots it shows, in display order. */
export interface ScopeRoots extends ScopeSpec {
  readonly roots: readonly string[];
}

/** A built machine with every mechanism of a registry wired in. */
export interface Simulation {
  readonly machine: Machine;
  readonly registry: Registry;
  readonly compilers: ReadonlyMap<string, StatementCompiler>;
  readonly instances: readonly MechanismInstance[];
  /** A mechanism's state by its class: `sim.subsystem(Hugetlb)`. */
  subsystem<S extends Subsystem>(cls: abstract new (...args: never[]) => S): S;
  /** Every extra debugger thread at the current step point (the Hyper-V VPs). */
  threads(): ThreadView[];
  /** The state picture's sections of every mechanism, plain JSON. */
  picture(): Record<string, unknown>;
}

/**
 * Everything derived from a list of mechanism descriptors: the verb table the
 * parser reads, the reserved state roots, the Variables scopes, the exception
 * filters, the kernel sources and the names function breakpoints take. A test
 * can build one with a mechanism of its own; everything else uses REGISTRY.
 */
export class Registry {
  readonly verbs: VerbTable;
  /** Every state root, the engine's and the mechanisms': a bare identifier with one of these names is a path, not a symbol. */
  readonly roots: readonly RootSpec[];
  readonly rootNames: ReadonlySet<string>;
  readonly scopes: readonly ScopeRoots[];
  readonly exceptionFilters: readonly ExceptionFilter[];
  readonly sources: readonly KernelSource[];
  /** Kernel function names and the aliases frames answer to: what a function breakpoint may name. */
  readonly functionNames: ReadonlySet<string>;
  /** The mechanisms' fixed name sets (registers, hypercalls, SCMI params), by the key verb specs name them with. */
  readonly nameSets: ReadonlyMap<string, NameSet>;
  private graph: CallGraph | undefined;

  constructor(readonly mechanisms: readonly MechanismDescriptor[]) {
    const ids = new Set<string>();
    for (const d of mechanisms) {
      if (ids.has(d.id) || d.id === 'general') throw new Error(`mechanism id '${d.id}' is taken`);
      for (const n of d.needs ?? []) if (!ids.has(n)) throw new Error(`mechanism '${d.id}' needs '${n}', which must come earlier in the list`);
      ids.add(d.id);
    }
    this.verbs = new VerbTable([
      ...GENERAL_VERBS.map((v) => ({ ...v, section: 'general' })),
      ...mechanisms.flatMap((d) => d.verbs.map((v) => ({ ...v, section: d.id }))),
    ]);
    this.roots = [...mechanisms.flatMap((d) => d.roots), ...CORE_ROOTS];
    this.rootNames = unique(this.roots.map((r) => r.name), 'state root');
    const scopes: ScopeRoots[] = [];
    for (const d of mechanisms) {
      for (const s of d.scopes) scopes.push({ ...s, roots: d.roots.filter((r) => r.scope === s.name).map((r) => r.name) });
      for (const r of d.roots) if (!d.scopes.some((s) => s.name === r.scope)) throw new Error(`root '${r.name}' of '${d.id}' names no scope of its mechanism`);
    }
    for (const r of CORE_ROOTS) scopes.push({ name: r.scope, roots: [r.name] });
    this.scopes = scopes;
    this.exceptionFilters = [...CORE_EXCEPTION_FILTERS, ...mechanisms.flatMap((d) => d.exceptionFilters)];
    unique(['error', 'internal', ...this.exceptionFilters.map((f) => f.kind)], 'exception filter');
    this.sources = mechanisms.flatMap((d) => d.sources);
    unique(this.sources.map((s) => s.path), 'kernel source');
    const sets = new Map<string, NameSet>();
    for (const d of mechanisms) {
      for (const [k, v] of Object.entries(d.nameSets ?? {})) {
        if (sets.has(k)) throw new Error(`name set '${k}' is declared twice`);
        sets.set(k, v);
      }
    }
    this.nameSets = sets;
    this.functionNames = new Set([...this.sources.flatMap((s) => [...s.functions.keys()]), ...mechanisms.flatMap((d) => d.breakpointAliases)]);
  }

  /**
   * The name a function breakpoint is kept under, or undefined when no frame answers to it. A number in any
   * spelling the scenario language takes (`92`, `0X5C`, `0x005c`, `0b101_1100`) is a hypercall code: SCENARIO.md
   * §8 gives `0x5c`, and a code is the same breakpoint however it is written, so it is kept as `0x5c`, the
   * spelling hypercall frames answer to.
   */
  functionName(name: string): string | undefined {
    if (this.functionNames.has(name)) return name;
    const n = /^[0-9]/.test(name) ? parseNumber(name) : undefined;
    if (n === undefined || typeof n === 'string' || n.unit !== undefined) return undefined;
    const hex = `0x${n.value.toString(16)}`;
    return this.functionNames.has(hex) ? hex : undefined;
  }

  /** Who calls whom in the listings, and what each verb enters first: built on first use. */
  get callGraph(): CallGraph {
    this.graph ??= new CallGraph(this.sources, this.mechanisms.flatMap((d) => (d.calls ? [d.calls] : [])));
    return this.graph;
  }

  private shapes: ReadonlyMap<string, ShapeNode> | undefined;
  /** What each state root holds, learnt from the mechanisms' sample lines on first use (completion, path checks). */
  get stateShapes(): ReadonlyMap<string, ShapeNode> {
    this.shapes ??= stateShape(this);
    return this.shapes;
  }

  private layout: CoverageLayout | undefined;
  /** Every step point, function and branch of the kernel sources, numbered once for coverage runs (built on first use). */
  get coverageLayout(): CoverageLayout {
    this.layout ??= new CoverageLayout(this.sources);
    return this.layout;
  }

  private checkers: ReadonlyMap<string, StatementCompiler> | undefined;

  /**
   * Compiles a statement and drops the executor: the parser reports a
   * compile error with the file's other errors, while the program it keeps
   * compiles each statement again only when it runs. Compiling reads only
   * the statement, so one set of mechanism instances serves every file.
   */
  readonly checkStatement = (s: Stmt): void => {
    this.checkers ??= this.instantiate().compilers;
    compileSimple(s, this.checkers);
  };

  private instantiate(): { instances: MechanismInstance[]; compilers: Map<string, StatementCompiler> } {
    const built = new Map<string, Subsystem>();
    const instances: MechanismInstance[] = [];
    const compilers = new Map<string, StatementCompiler>();
    for (const d of this.mechanisms) {
      const inst = d.create(new Map((d.needs ?? []).map((n) => [n, built.get(n) as Subsystem])));
      checkCompilers(d, inst);
      for (const [verb, c] of inst.compilers) compilers.set(verb, c);
      built.set(d.id, inst.subsystem);
      instances.push(inst);
    }
    return { instances, compilers };
  }

  /** Builds a machine for a parsed, error-free program, positioned at its first statement. */
  createSimulation(program: Program, opts: MachineOptions & WorkOptions & KernelOptions = {}): Simulation {
    const { instances, compilers } = this.instantiate();
    const { maxWork, kernel, ...machineOpts } = opts;
    const machine = new Machine(compileProgram(program, compilers), { exceptionFilters: this.exceptionFilters, ...machineOpts });
    if (kernel !== undefined) selectKernel(machine, kernel, true);
    if (maxWork !== undefined) setWorkLimit(machine, maxWork);
    for (const inst of instances) inst.attach?.(machine);
    machine.start(instances.map((i) => i.subsystem));
    return {
      machine,
      registry: this,
      compilers,
      instances,
      subsystem<S extends Subsystem>(cls: abstract new (...args: never[]) => S): S {
        const s = machine.subsystems.find((x): x is S => x instanceof cls);
        if (!s) throw new Error(`no mechanism has a ${cls.name}`);
        return s;
      },
      threads: () => instances.flatMap((i) => i.threads?.(machine) ?? []),
      picture: () => Object.assign({}, ...instances.map((i) => i.picture?.(machine) ?? {})) as Record<string, unknown>,
    };
  }
}

/** A verb with no executor would parse and then do nothing: a descriptor and its compilers must agree. */
function checkCompilers(d: MechanismDescriptor, inst: MechanismInstance): void {
  const declared = new Set(d.verbs.map((v) => v.verb));
  for (const v of declared) if (!inst.compilers.has(v)) throw new Error(`mechanism '${d.id}' declares '${v}' but compiles no executor for it`);
  for (const v of inst.compilers.keys()) if (!declared.has(v)) throw new Error(`mechanism '${d.id}' compiles '${v}' but does not declare it`);
}

function unique(names: readonly string[], what: string): ReadonlySet<string> {
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n)) throw new Error(`${what} '${n}' is declared twice`);
    seen.add(n);
  }
  return seen;
}
