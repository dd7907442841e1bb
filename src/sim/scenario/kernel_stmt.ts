import type { Stmt } from './ast';
import type { Exec } from './compile';
import { ScenarioError } from './diagnostics';
import { parseKernel, selectKernel } from '../core/kernel_select';

/** `kernel before=004`: the machine runs the `-` side of that reference patch (unless the CLI or launch.json fixed the kernel). */
export function kernelExec(s: Stmt): Exec {
  const arg = s.keys.get('before');
  // `before=004` lexes as the number 4: reference numbers are written with three digits.
  const e = arg?.expr;
  const patch = e?.k === 'num' && e.unit === undefined ? e.v.toString().padStart(3, '0') : (arg?.word ?? '?');
  const choice = parseKernel(`before=${patch}`);
  if (typeof choice === 'string') throw new ScenarioError(choice, arg?.range ?? s.range);
  return (m) => {
    selectKernel(m, choice, false);
  };
}
