import type { ValueKind } from './kinds';
import { kindOfName } from './kinds';
import type { NumberFormat, RecordValue, Scalar, Value } from './values';
import { isRecordValue } from './values';

/**
 * The state tree. Every view of simulator state (expressions, `--json`, the
 * Variables view, data breakpoints) reads these nodes. Children are computed
 * on demand, so a million-entry table costs nothing until a page of it is read.
 */
export type StateNode = LeafNode | RecordNode | ListNode;

interface NodeInfo {
  /** What the integers of this node stand for (an address, a count, a time...): how every view shows them. */
  readonly valueKind?: ValueKind;
  /** Older spelling: `hex` is a register-like value, `dec` a count. valueKind wins. */
  readonly format?: NumberFormat;
  /** Variables-view hint: a group of registers. */
  readonly hint?: 'registers';
  /** A byte-backed node: an address space name and base address for readMemory. */
  readonly memory?: { readonly space: string; readonly base: bigint; readonly size: number };
  /** The state path that reads this node, when it is reached another way (a kernel frame's local that is a state node). */
  readonly path?: string;
}

export interface LeafNode extends NodeInfo {
  readonly kind: 'leaf';
  get(): Scalar;
  /** Present when the value may be changed from the debugger (setVariable). */
  readonly set?: (v: Value) => void;
}

export interface RecordNode extends NodeInfo {
  readonly kind: 'record';
  keys(): readonly string[];
  child(name: string): StateNode | undefined;
  /**
   * A record that is also a value: a register reads as its number (for
   * `==`, arithmetic, `print`, `--json`) while its decoded fields are children.
   */
  readonly get?: () => Scalar;
  readonly set?: (v: Value) => void;
  /**
   * Other names `child` answers to (alias → key), not listed by `keys`: a
   * register's other spellings (`vp[0].reg.SIPP` is `SIMP`).
   */
  readonly aliases?: ReadonlyMap<string, string>;
}

export interface ListNode extends NodeInfo {
  readonly kind: 'list';
  length(): number;
  /** The i-th child in display order. */
  item(i: number): StateNode;
  /**
   * Keyed lists (`pte[addr]`) are indexed by key, not position; `keyAt` gives
   * the key shown for the i-th child.
   */
  readonly lookup?: (key: bigint) => StateNode | undefined;
  readonly keyAt?: (i: number) => bigint;
  /** Bulk materialization, when cheaper than item() one by one. */
  readonly all?: () => Value[];
}

export function leaf(get: () => Scalar, info: NodeInfo & { set?: (v: Value) => void } = {}): LeafNode {
  return { kind: 'leaf', get, ...info };
}

export function record(children: () => Readonly<Record<string, StateNode>>, info: NodeInfo = {}): RecordNode {
  return {
    kind: 'record',
    keys: () => Object.keys(children()),
    child: (name) => (Object.prototype.hasOwnProperty.call(children(), name) ? children()[name] : undefined),
    ...info,
  };
}

/** A record whose children are fixed at construction (roots, frames). */
export function fixedRecord(children: Readonly<Record<string, StateNode>>, info: NodeInfo = {}): RecordNode {
  const keys = Object.keys(children);
  return {
    kind: 'record',
    keys: () => keys,
    child: (name) => (Object.prototype.hasOwnProperty.call(children, name) ? children[name] : undefined),
    ...info,
  };
}

export function list(
  length: () => number,
  item: (i: number) => StateNode,
  info: NodeInfo & Pick<ListNode, 'all' | 'lookup' | 'keyAt'> = {},
): ListNode {
  return { kind: 'list', length, item, ...info };
}

/** A node's kind, declared or from the older `format` hint. */
export function kindOfNode(n: StateNode): ValueKind | undefined {
  if (n.valueKind) return n.valueKind;
  return n.format === 'hex' ? 'reg' : n.format === 'dec' ? 'count' : undefined;
}

/**
 * Wraps an immutable value (a `last` result, a decoded message) as nodes. A
 * record's fields take the kind their name has (addr, pfn, control, buf...);
 * list elements take the list's. `fields` names the kinds of fields whose
 * name means something else here; `name` is the value's own name, the
 * parent its fields' kinds may depend on (kindOfName).
 */
export function valueNode(v: Value, kind?: ValueKind | NumberFormat, fields?: Readonly<Record<string, ValueKind>>, name?: string): StateNode {
  const k: ValueKind | undefined = kind === 'hex' ? 'reg' : kind === 'dec' ? 'count' : kind;
  const info = k ? { valueKind: k } : {};
  if (Array.isArray(v)) {
    const arr = v as readonly Value[];
    return list(() => arr.length, (i) => valueNode(arr[i] as Value, k, fields, name), info);
  }
  if (isRecordValue(v)) {
    const rec: RecordValue = v;
    const keys = Object.keys(rec);
    return {
      kind: 'record',
      keys: () => keys,
      child: (key) => (Object.prototype.hasOwnProperty.call(rec, key) ? valueNode(rec[key] as Value, fields?.[key] ?? kindOfName(key, name), fields, key) : undefined),
      ...info,
    };
  }
  const s = v as Scalar;
  return leaf(() => s, info);
}

/** Materializes a node as a value: for comparisons, `print` and `--json`. */
export function nodeValue(n: StateNode): Value {
  switch (n.kind) {
    case 'leaf':
      return n.get();
    case 'list': {
      if (n.all) return n.all();
      const len = n.length();
      const out: Value[] = new Array<Value>(len);
      for (let i = 0; i < len; i++) out[i] = nodeValue(n.item(i));
      return out;
    }
    case 'record': {
      if (n.get) return n.get();
      const out: Record<string, Value> = {};
      for (const k of n.keys()) {
        const c = n.child(k);
        if (c) out[k] = nodeValue(c);
      }
      return out;
    }
  }
}
