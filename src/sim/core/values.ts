/**
 * Values that flow through expressions, `last`, `print` and `--json`.
 * Integers are BigInt everywhere: registers are u64 and a lossy JS number
 * would silently corrupt them.
 */

/** A named value: a kernel enum or status (`HV_STATUS_SUCCESS`), or a bare word (`device_private`). */
export class Sym {
  constructor(
    readonly name: string,
    readonly num?: bigint,
  ) {}
  toString(): string {
    return this.name;
  }
}

export interface RecordValue {
  readonly [key: string]: Value;
}

export type Scalar = bigint | boolean | string | Sym;
export type Value = Scalar | readonly Value[] | RecordValue;

export function isRecordValue(v: Value): v is RecordValue {
  return typeof v === 'object' && !(v instanceof Sym) && !Array.isArray(v);
}

/** The number a value stands for in arithmetic, or undefined when it has none. */
export function toBig(v: Value): bigint | undefined {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'boolean') return v ? 1n : 0n;
  if (v instanceof Sym) return v.num;
  return undefined;
}

export function truthy(v: Value): boolean {
  if (typeof v === 'bigint') return v !== 0n;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') return v.length > 0;
  if (v instanceof Sym) return v.num !== undefined ? v.num !== 0n : true;
  if (Array.isArray(v)) return v.length > 0;
  return true;
}

/**
 * Equality as SCENARIO.md §2 defines it: a symbol equals its own name and its
 * number; lists compare element-wise; booleans are 1 and 0.
 */
export function valuesEqual(a: Value, b: Value): boolean {
  if (a instanceof Sym && b instanceof Sym) {
    if (a.name === b.name) return true;
    return a.num !== undefined && b.num !== undefined && a.num === b.num;
  }
  if (a instanceof Sym || b instanceof Sym) {
    const s = (a instanceof Sym ? a : b) as Sym;
    const o = a instanceof Sym ? b : a;
    if (typeof o === 'string') return o === s.name;
    const n = toBig(o);
    return n !== undefined && s.num !== undefined && n === s.num;
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b)) return false;
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!valuesEqual(a[i] as Value, b[i] as Value)) return false;
    return true;
  }
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  if (isRecordValue(a) || isRecordValue(b)) {
    if (!isRecordValue(a) || !isRecordValue(b)) return false;
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => k in b && valuesEqual(a[k] as Value, b[k] as Value));
  }
  return toBig(a) === toBig(b);
}

export type NumberFormat = 'hex' | 'dec';

export function formatInt(v: bigint, fmt: NumberFormat = 'dec'): string {
  if (fmt === 'hex') return v < 0n ? `-0x${(-v).toString(16)}` : `0x${v.toString(16)}`;
  return v.toString();
}

/** One-line rendering used by `print`, expect messages and the Variables view. */
export function formatValue(v: Value, fmt: NumberFormat = 'dec', limit = 64): string {
  if (typeof v === 'bigint') return formatInt(v, fmt);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'string') return JSON.stringify(v);
  if (v instanceof Sym) return v.num !== undefined ? `${v.name} (${formatInt(v.num, fmt)})` : v.name;
  if (Array.isArray(v)) {
    const items = v.slice(0, limit).map((x: Value) => formatValue(x, fmt, limit));
    if (v.length > limit) items.push(`… ${v.length - limit} more`);
    return `[${items.join(', ')}]`;
  }
  const rec = v as RecordValue;
  return `{${Object.keys(rec)
    .map((k) => `${k}: ${formatValue(rec[k] as Value, fmt, limit)}`)
    .join(', ')}}`;
}

const JS_SAFE = 2n ** 53n;

/** JSON form for `--json`: integers above 2^53 become "0x..." strings so no consumer loses bits. */
export function toJson(v: Value): unknown {
  if (typeof v === 'bigint') {
    if (v > JS_SAFE || v < -JS_SAFE) return v < 0n ? `-0x${(-v).toString(16)}` : `0x${v.toString(16)}`;
    return Number(v);
  }
  if (typeof v === 'boolean' || typeof v === 'string') return v;
  if (v instanceof Sym) return v.name;
  if (Array.isArray(v)) return v.map((x: Value) => toJson(x));
  const rec = v as RecordValue;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(rec)) out[k] = toJson(rec[k] as Value);
  return out;
}
