import { sim } from '../core/helpers';
import type { Simulation } from '../../src/sim';
import { evaluate } from '../../src/sim/scenario/eval';
import { parseScenario } from '../../src/sim';
import type { Expr } from '../../src/sim/scenario/ast';
import type { Machine } from '../../src/sim/core/machine';
import type { Value } from '../../src/sim/core/values';
import { formatValue } from '../../src/sim/core/values';

export const SYNIC_ON = `partition vps=2
vpreg SIMP = 0x20001
vpreg SIEFP = 0x21001
vpreg SINT2 = 0x10
vpreg SCONTROL = 1
`;

function expr(text: string): Expr {
  const { program, diagnostics } = parseScenario('e', `expect ${text}`);
  if (diagnostics.length) throw new Error(diagnostics.map((d) => d.message).join('\n'));
  return program.stmts[0]?.exprs[0] as Expr;
}

export function val(m: Machine, text: string): Value {
  return evaluate(m, expr(text));
}

/** The formatted value of an expression. */
export function show(m: Machine, text: string): string {
  return formatValue(evaluate(m, expr(text)));
}

/** Runs a scenario to its end; a failed expect, a BUG or a scenario error fails the test. */
export function run(source: string): Simulation & { out: string[] } {
  const s = sim(source);
  const stop = s.machine.resume('continue');
  if (stop.reason === 'exception') throw new Error(`${stop.exception?.kind}: ${stop.exception?.message} (line ${stop.exception?.line})`);
  return s;
}

/** Every expect in the scenario holds. */
export function holds(source: string): void {
  run(source);
}
