import type { Expr, ListItem } from './ast';
import { ScenarioError } from './diagnostics';
import { constantValue } from './constants';
import { didYouMean } from './did_you_mean';
import type { StateNode } from '../core/state';
import { nodeValue } from '../core/state';
import type { Value } from '../core/values';
import { formatValue, isRecordValue, Sym, toBig, truthy, valuesEqual } from '../core/values';

/** Where paths start: the machine's state-tree roots. */
export interface EvalEnv {
  /** The root node for a root name, or undefined when that name is no root. */
  root(name: string): StateNode | undefined;
}

/** An evaluated expression: a state node (still lazy) or a plain value. */
export type Ref = { readonly node: StateNode } | { readonly value: Value };

const MAX_SHIFT = 1024n;
const MAX_RANGE = 1_000_000n;

function fail(e: { range: Expr['range'] }, message: string): never {
  throw new ScenarioError(message, e.range);
}

export function evaluate(env: EvalEnv, e: Expr): Value {
  return refValue(evalRef(env, e));
}

export function refValue(r: Ref): Value {
  return 'node' in r ? nodeValue(r.node) : r.value;
}

/** Evaluates to a node where the expression is a state path, so large lists stay lazy. */
export function evalRef(env: EvalEnv, e: Expr): Ref {
  switch (e.k) {
    case 'num':
      return { value: e.v };
    case 'str':
      return { value: e.v };
    case 'ident': {
      const node = env.root(e.name);
      if (node) return { node };
      if (e.name === 'true') return { value: true };
      if (e.name === 'false') return { value: false };
      const c = constantValue(e.name);
      return { value: new Sym(e.name, c) };
    }
    case 'member': {
      const base = evalRef(env, e.obj);
      if ('node' in base) {
        const n = base.node;
        if (n.kind === 'record') {
          const c = n.child(e.name);
          if (!c) fail(e, `${pathText(e.obj)} has no '${e.name}'${didYouMean(e.name, n.keys()) || hint(n.keys())}`);
          return { node: c };
        }
        if (n.kind === 'list' && /^\d+$/.test(e.name)) return { node: indexList(e, n, BigInt(e.name)) };
        return fail(e, `${pathText(e.obj)} is ${n.kind === 'list' ? 'a list' : 'a value'}: it has no '.${e.name}'`);
      }
      const v = base.value;
      if (isRecordValue(v) && Object.prototype.hasOwnProperty.call(v, e.name)) return { value: v[e.name] as Value };
      return fail(e, `${pathText(e.obj)} has no '${e.name}'`);
    }
    case 'index': {
      const base = evalRef(env, e.obj);
      const key = evaluate(env, e.index);
      if ('node' in base) {
        const n = base.node;
        if (n.kind === 'list') {
          const k = toBig(key);
          if (k === undefined) fail(e.index, `index must be a number, not ${formatValue(key)}`);
          return { node: indexList(e, n, k) };
        }
        if (n.kind === 'record') {
          const name = typeof key === 'string' ? key : key instanceof Sym ? key.name : toBig(key)?.toString();
          const c = name !== undefined ? n.child(name) : undefined;
          if (!c) fail(e, `${pathText(e.obj)} has no [${formatValue(key)}]${hint(n.keys())}`);
          return { node: c };
        }
        return fail(e, `${pathText(e.obj)} is a value and cannot be indexed`);
      }
      const v = base.value;
      if (Array.isArray(v)) {
        const k = toBig(key);
        if (k === undefined || k < 0n || k >= BigInt(v.length)) fail(e, `index ${formatValue(key)} is out of range (length ${v.length})`);
        return { value: v[Number(k)] as Value };
      }
      return fail(e, `${pathText(e.obj)} cannot be indexed`);
    }
    case 'list': {
      const out: Value[] = [];
      for (const it of e.items) pushItem(env, it, out);
      return { value: out };
    }
    case 'call': {
      const r = evalRef(env, e.args[0] as Expr);
      if ('node' in r) {
        if (r.node.kind === 'list') return { value: BigInt(r.node.length()) };
        if (r.node.kind === 'record') return { value: BigInt(r.node.keys().length) };
        const v = r.node.get();
        if (typeof v === 'string') return { value: BigInt(v.length) };
        return fail(e, 'len() needs a list or a string');
      }
      if (Array.isArray(r.value)) return { value: BigInt(r.value.length) };
      if (typeof r.value === 'string') return { value: BigInt(r.value.length) };
      return fail(e, 'len() needs a list or a string');
    }
    case 'unary': {
      const v = evaluate(env, e.e);
      if (e.op === '!') return { value: !truthy(v) };
      const n = num(e.e, v);
      return { value: e.op === '-' ? -n : ~n };
    }
    case 'binary':
      return { value: binary(env, e) };
  }
}

function indexList(e: Expr, n: Extract<StateNode, { kind: 'list' }>, k: bigint): StateNode {
  if (n.lookup) {
    const c = n.lookup(k);
    if (!c) fail(e, `${pathText(e)}: nothing at 0x${k.toString(16)}`);
    return c;
  }
  const len = n.length();
  if (k < 0n || k >= BigInt(len)) fail(e, `${pathText(e)}: index ${k} is out of range (length ${len})`);
  return n.item(Number(k));
}

function pushItem(env: EvalEnv, it: ListItem, out: Value[]): void {
  if (it.k !== 'range') {
    out.push(evaluate(env, it));
    return;
  }
  const a = num(it.from, evaluate(env, it.from));
  const b = num(it.to, evaluate(env, it.to));
  // The whole list counts: 300 ranges of a million each would allocate for minutes and then run out of memory.
  if (BigInt(out.length) + b - a + 1n > MAX_RANGE) fail(it, `the list would have more than ${MAX_RANGE} elements (at range ${a}..${b}), a fixed limit: use smaller ranges, or repeat`);
  for (let i = a; i <= b; i++) out.push(i);
}

function num(e: Expr, v: Value): bigint {
  const n = toBig(v);
  if (n === undefined) {
    if (v instanceof Sym) fail(e, `'${v.name}' is not a known constant or state path, so it has no numeric value`);
    fail(e, `expected a number, got ${formatValue(v)}`);
  }
  return n;
}

/**
 * A root's name facing a symbol is that symbol (`last.fault == hugetlb`,
 * `last.faults == [anon, hugetlb]`): values named like a state root stay comparable.
 */
function comparands(env: EvalEnv, le: Expr, re: Expr): [Value, Value] {
  if (namesRoot(env, le)) {
    const r = evaluate(env, re);
    return [against(env, le, r), r];
  }
  const l = evaluate(env, le);
  return [l, against(env, re, l)];
}

function namesRoot(env: EvalEnv, e: Expr): boolean {
  if (e.k === 'ident') return env.root(e.name) !== undefined;
  return e.k === 'list' && e.items.some((it) => it.k !== 'range' && namesRoot(env, it));
}

/** Evaluates e, reading a root name as a symbol where the other side holds a symbol. */
function against(env: EvalEnv, e: Expr, other: Value): Value {
  if (e.k === 'ident' && other instanceof Sym && env.root(e.name)) return new Sym(e.name, constantValue(e.name));
  if (e.k === 'list' && Array.isArray(other) && e.items.every((it) => it.k !== 'range')) {
    return e.items.map((it, i) => against(env, it as Expr, other[i] as Value));
  }
  return evaluate(env, e);
}

function binary(env: EvalEnv, e: Extract<Expr, { k: 'binary' }>): Value {
  if (e.op === '&&') return truthy(evaluate(env, e.l)) && truthy(evaluate(env, e.r));
  if (e.op === '||') return truthy(evaluate(env, e.l)) || truthy(evaluate(env, e.r));
  if (e.op === '==' || e.op === '!=') {
    const [l, r] = comparands(env, e.l, e.r);
    return valuesEqual(l, r) === (e.op === '==');
  }
  const l = evaluate(env, e.l);
  const r = evaluate(env, e.r);
  if (e.op === '+' && typeof l === 'string' && typeof r === 'string') return l + r;
  const a = num(e.l, l);
  const b = num(e.r, r);
  switch (e.op) {
    case '<': return a < b;
    case '<=': return a <= b;
    case '>': return a > b;
    case '>=': return a >= b;
    case '+': return a + b;
    case '-': return a - b;
    case '*': return a * b;
    case '/':
      if (b === 0n) fail(e, 'division by zero');
      return a / b;
    case '%':
      if (b === 0n) fail(e, 'division by zero');
      return a % b;
    case '&': return a & b;
    case '|': return a | b;
    case '^': return a ^ b;
    case '<<':
    case '>>':
      if (b < 0n || b > MAX_SHIFT) fail(e.r, `shift count ${b} is out of range 0..${MAX_SHIFT}`);
      return e.op === '<<' ? a << b : a >> b;
  }
  return fail(e, `unknown operator '${e.op}'`);
}

function hint(keys: readonly string[]): string {
  if (!keys.length) return ' (it is empty)';
  const shown = keys.slice(0, 12).join(', ');
  return ` (it has: ${shown}${keys.length > 12 ? ', …' : ''})`;
}

/** The expression written back as a path, for messages. */
export function pathText(e: Expr): string {
  switch (e.k) {
    case 'ident': return e.name;
    case 'member': return `${pathText(e.obj)}.${e.name}`;
    case 'index': return `${pathText(e.obj)}[${pathText(e.index)}]`;
    case 'num': return e.v.toString();
    case 'str': return JSON.stringify(e.v);
    case 'unary': return `${e.op}${pathText(e.e)}`;
    case 'binary': return `${pathText(e.l)} ${e.op} ${pathText(e.r)}`;
    case 'call': return `${e.fn}(${e.args.map(pathText).join(', ')})`;
    case 'list': return '[…]';
  }
}
