/**
 * The simulator's entry points: parse a scenario, build a machine with every
 * simulated mechanism wired in. Nothing here knows about DAP or VS Code.
 */
import type { Program } from './scenario/ast';
import type { Diagnostic } from './scenario/diagnostics';
import { parseScenario } from './scenario/parser';
import type { StatementCompiler } from './scenario/compile';
import { compileProgram } from './scenario/compile';
import type { MachineOptions } from './core/machine';
import { Machine } from './core/machine';
import { Hugetlb } from './hugetlb/subsystem';
import { hugetlbCompilers } from './hugetlb/statements';

export interface Simulation {
  readonly machine: Machine;
  readonly hugetlb: Hugetlb;
  readonly compilers: ReadonlyMap<string, StatementCompiler>;
}

/** Builds a machine for a parsed, error-free program, positioned at its first statement. */
export function createSimulation(program: Program, opts: MachineOptions = {}): Simulation {
  const hugetlb = new Hugetlb();
  const compilers = new Map<string, StatementCompiler>([...hugetlbCompilers(() => hugetlb)]);
  const machine = new Machine(compileProgram(program, compilers), opts);
  machine.start([hugetlb]);
  return { machine, hugetlb, compilers };
}

export interface Loaded {
  readonly program: Program;
  readonly diagnostics: readonly Diagnostic[];
}

export function loadScenario(file: string, source: string): Loaded {
  return parseScenario(file, source);
}

export { parseScenario };
