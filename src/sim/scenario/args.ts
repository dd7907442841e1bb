import type { Arg, Stmt } from './ast';
import { ScenarioError } from './diagnostics';
import { evaluate } from './eval';
import type { EvalEnv } from './eval';
import type { Value } from '../core/values';
import { formatValue, toBig } from '../core/values';

/** Evaluates an argument that must be a number. */
export function argBig(env: EvalEnv, a: Arg, what: string): bigint {
  const v = evaluate(env, a.expr);
  const n = toBig(v);
  if (n === undefined) throw new ScenarioError(`${what} must be a number, not ${formatValue(v)}`, a.range);
  return n;
}

const SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** A number that also fits a JS number exactly (page offsets, counts). */
export function argInt(env: EvalEnv, a: Arg, what: string): number {
  const n = argBig(env, a, what);
  if (n > SAFE || n < -SAFE) throw new ScenarioError(`${what} ${n} is too large for this argument`, a.range);
  return Number(n);
}

export function keyInt(env: EvalEnv, s: Stmt, key: string, dflt: number): number {
  const a = s.keys.get(key);
  return a ? argInt(env, a, `${key}=`) : dflt;
}

export function argValue(env: EvalEnv, a: Arg): Value {
  return evaluate(env, a.expr);
}
