import { parseExpression } from '../../src/sim';
import type { Simulation } from '../../src/sim';
import { evaluate } from '../../src/sim/scenario/eval';
import type { Value } from '../../src/sim/core/values';
import { sim } from '../core/helpers';

/** Runs a scenario to its end; an expect failure, BUG or scenario error fails the test. */
export function run(src: string, opts: { exceptions?: string[] } = {}): Simulation & { out: string[] } {
  const s = sim(src);
  if (opts.exceptions) s.machine.breakpoints.setExceptions(['expect', ...opts.exceptions].map((k) => ({ kind: k as never })));
  for (;;) {
    const st = s.machine.resume('continue');
    if (st.reason === 'end') return s;
    if (st.reason === 'exception' && st.exception && ['expect', 'bug', 'error'].includes(st.exception.kind)) {
      throw new Error(`line ${st.exception.line}: ${st.exception.message}`);
    }
  }
}

export function ev(s: Simulation, text: string): Value {
  const e = parseExpression(text);
  if ('error' in e) throw new Error(e.error);
  return evaluate(s.machine, e);
}
