import type { DebugProtocol } from '@vscode/debugprotocol';
import type { Frame, FrameValue, NumberFormat, StateNode, Value } from '../sim';
import { formatValue, NodeRef, nodeValue } from '../sim';
import { memoryRef } from './memory';

interface Handle {
  readonly node: StateNode;
  /** The expression that reads this node again: evaluateName, watch, data breakpoints. */
  readonly path: string;
}

/** How many elements a list may have for its value to be shown inline. */
const INLINE_LIST = 16;
const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Variables-view handles for state-tree nodes. Handles live until the next
 * resume; children are made only when the view expands them, a page at a time.
 */
export class VariableStore {
  private handles = new Map<number, Handle>();
  private next = 1;

  reset(): void {
    this.handles.clear();
    this.next = 1;
  }

  add(node: StateNode, path: string): number {
    const ref = this.next++;
    this.handles.set(ref, { node, path });
    return ref;
  }

  get(ref: number): Handle | undefined {
    return this.handles.get(ref);
  }

  /** One DAP variable for a node. */
  variable(name: string, node: StateNode, path: string, hex: boolean | undefined): DebugProtocol.Variable {
    const fmt = formatFor(node, hex);
    path = node.path ?? path;
    const v: DebugProtocol.Variable = { name, value: summary(node, fmt), variablesReference: 0, evaluateName: path };
    if (node.kind === 'list') {
      v.variablesReference = this.add(node, path);
      v.indexedVariables = node.length();
    } else if (node.kind === 'record') {
      v.variablesReference = this.add(node, path);
      v.namedVariables = node.keys().length;
      if (node.get) v.type = typeOf(node.get());
    } else {
      v.type = typeOf(node.get());
      if (node.set) v.presentationHint = { kind: 'property' };
      else v.presentationHint = { attributes: ['readOnly'] };
    }
    if (node.memory) v.memoryReference = memoryRef(node.memory.space, node.memory.base);
    return v;
  }

  /** Children of a handle, paged for lists. */
  children(ref: number, filter: 'indexed' | 'named' | undefined, start: number, count: number, hex: boolean | undefined): DebugProtocol.Variable[] {
    const h = this.handles.get(ref);
    if (!h) return [];
    const n = h.node;
    if (n.kind === 'list') {
      if (filter === 'named') return [];
      const len = n.length();
      const from = Math.max(0, start);
      const to = count > 0 ? Math.min(len, from + count) : len;
      const out: DebugProtocol.Variable[] = [];
      for (let i = from; i < to; i++) {
        const key = n.keyAt ? n.keyAt(i) : BigInt(i);
        const label = n.keyAt ? `0x${key.toString(16)}` : String(i);
        out.push(this.variable(`[${label}]`, n.item(i), `${h.path}[${label}]`, hex));
      }
      return out;
    }
    if (n.kind === 'record') {
      if (filter === 'indexed') return [];
      return n.keys().flatMap((k) => {
        const c = n.child(k);
        return c ? [this.variable(k, c, childPath(h.path, k), hex)] : [];
      });
    }
    return [];
  }
}

export function childPath(parent: string, name: string): string {
  if (!parent) return name;
  return IDENT.test(name) ? `${parent}.${name}` : `${parent}[${JSON.stringify(name)}]`;
}

function formatFor(node: StateNode, hex: boolean | undefined): NumberFormat {
  if (hex !== undefined) return hex ? 'hex' : 'dec';
  return node.format ?? 'dec';
}

function typeOf(v: Value): string {
  if (typeof v === 'bigint') return 'integer';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'string') return 'string';
  return 'symbol';
}

/** The one-line value shown beside a name. */
export function summary(node: StateNode, fmt: NumberFormat): string {
  switch (node.kind) {
    case 'leaf':
      return formatValue(node.get(), fmt);
    case 'list': {
      const len = node.length();
      if (len <= INLINE_LIST) return formatValue(nodeValue(node), fmt, INLINE_LIST);
      return `[${len} items]`;
    }
    case 'record': {
      if (node.get) return formatValue(node.get(), fmt);
      const keys = node.keys();
      if (keys.length > 8) return `{${keys.length} fields}`;
      const parts: string[] = [];
      for (const k of keys) {
        const c = node.child(k);
        if (!c) continue;
        if (c.kind === 'leaf') parts.push(`${k}: ${formatValue(c.get(), formatFor(c, fmt === 'hex' ? true : undefined))}`);
        else if (c.kind === 'list') parts.push(`${k}: ${c.length() <= 4 ? formatValue(nodeValue(c), fmt) : `[${c.length()} items]`}`);
        else parts.push(`${k}: {…}`);
      }
      return `{${parts.join(', ')}}`;
    }
  }
}

/** A plain value for an evaluated reference: a leaf's value, or a structured node's one-line summary. */
export function plainValue(r: { readonly node: StateNode } | { readonly value: Value }): Value {
  if ('value' in r) return r.value;
  return r.node.kind === 'leaf' ? r.node.get() : summary(r.node, 'dec');
}

export function frameValue(v: FrameValue): Value {
  return typeof v === 'number' ? BigInt(v) : v instanceof NodeRef ? v.label : v;
}

/**
 * A kernel frame as a call: `fn(name=f, from=0, to=1)`. A string argument
 * names an object (a file, a device) and is shown bare, as the scenario
 * statement wrote it, not as a quoted string.
 */
export function callLabel(f: Frame): string {
  const args = Object.entries(f.args).map(([k, v]) => {
    const x = frameValue(v);
    return `${k}=${typeof x === 'string' ? x : formatValue(x)}`;
  });
  return `${f.fn.name}(${args.join(', ')})`;
}
