import type { DebugProtocol } from '@vscode/debugprotocol';
import type { Frame, FrameValue, ShowOptions, StateNode, Value, ValueKind } from '../sim';
import { kindAt, kindOfName, lastName, NodeRef, showNode, showValue } from '../sim';
import { memoryRef } from './memory';
import { bytesRows, isByteRows } from './byte_rows';

interface Handle {
  readonly node: StateNode;
  /** The expression that reads this node again: evaluateName, watch, data breakpoints. */
  readonly path: string;
  /** The kind of the node where it was shown: a list passes it to its elements. */
  readonly kind?: ValueKind;
  /** A hexdump row of a byte list: its elements are the list's from this index. */
  readonly offset?: number;
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Variables-view handles for state-tree nodes. Handles live until the next
 * resume; children are made only when the view expands them, a page at a time.
 */
export class VariableStore {
  private handles = new Map<number, Handle>();
  /** valueLocationReference → the state path whose last write the `locations` request finds. */
  private locations = new Map<number, string>();
  /**
   * Never restarts: a reference handed out at an earlier stop (a console value's valueLocationReference
   * stays in the REPL) must find nothing, not whatever path reuses its number now.
   */
  private next = 1;
  /**
   * Whether a path names state at the current step point (set by the session): only such a value
   * gets a valueLocationReference, which VS Code shows as a link and resolves with `locations`.
   */
  locatable: ((path: string) => boolean) | undefined;

  reset(): void {
    this.handles.clear();
    this.locations.clear();
  }

  /** The state path behind a valueLocationReference of this stop. */
  locationPath(ref: number): string | undefined {
    return this.locations.get(ref);
  }

  add(node: StateNode, path: string, kind?: ValueKind, offset?: number): number {
    const ref = this.next++;
    this.handles.set(ref, { node, path, ...(kind ? { kind } : {}), ...(offset !== undefined ? { offset } : {}) });
    return ref;
  }

  get(ref: number): Handle | undefined {
    return this.handles.get(ref);
  }

  /**
   * One DAP variable for a node. `show` is the views' choice (showOptions);
   * the node's kind, its name's or its list's decides how it applies to it
   * (counts and sizes stay decimal).
   */
  variable(name: string, node: StateNode, path: string, show: ShowOptions, inherited?: ValueKind): DebugProtocol.Variable {
    path = node.path ?? path;
    const kind = kindAt(node, IDENT.test(name) ? name : lastName(path), inherited);
    const v: DebugProtocol.Variable = { name, value: showNode(node, kind, show), variablesReference: 0, evaluateName: path };
    if (node.kind === 'list') {
      v.variablesReference = this.add(node, path, kind);
      v.indexedVariables = isByteRows(node, kind, show.hex) ? Math.ceil(node.length() / 16) : node.length();
    } else if (node.kind === 'record') {
      v.variablesReference = this.add(node, path, kind);
      v.namedVariables = node.keys().length;
      if (node.get) v.type = typeOf(node.get());
    } else {
      v.type = typeOf(node.get());
      if (node.set) v.presentationHint = { kind: 'property' };
      else v.presentationHint = { attributes: ['readOnly'] };
    }
    if (node.memory) v.memoryReference = memoryRef(node.memory.space, node.memory.base);
    // A value (a leaf, or a register that is a number) whose path reads state: its last write has a line.
    const scalar = node.kind === 'leaf' || (node.kind === 'record' && node.get !== undefined);
    if (scalar && path && this.locatable?.(path)) {
      const ref = this.next++;
      this.locations.set(ref, path);
      v.valueLocationReference = ref;
    }
    return v;
  }

  /** Children of a handle, paged for lists; a long byte list pages by hexdump rows of 16. */
  children(ref: number, filter: 'indexed' | 'named' | undefined, start: number, count: number, show: ShowOptions): DebugProtocol.Variable[] {
    const h = this.handles.get(ref);
    if (!h) return [];
    const n = h.node;
    if (n.kind === 'list') {
      if (filter === 'named') return [];
      if (h.offset === undefined && isByteRows(n, h.kind, show.hex)) return bytesRows(this, h, start, count);
      const base = h.offset ?? 0;
      const len = h.offset === undefined ? n.length() : Math.min(16, n.length() - base);
      const from = Math.max(0, start);
      const to = count > 0 ? Math.min(len, from + count) : len;
      const out: DebugProtocol.Variable[] = [];
      for (let i = from; i < to; i++) {
        const key = n.keyAt ? n.keyAt(base + i) : BigInt(base + i);
        const label = n.keyAt ? `0x${key.toString(16)}` : String(base + i);
        out.push(this.variable(`[${label}]`, n.item(base + i), `${h.path}[${label}]`, show, h.kind));
      }
      return out;
    }
    if (n.kind === 'record') {
      if (filter === 'indexed') return [];
      return n.keys().flatMap((k) => {
        const c = n.child(k);
        return c ? [this.variable(k, c, childPath(h.path, k), show)] : [];
      });
    }
    return [];
  }
}

/**
 * How values are shown: a client's explicit DAP `format` (hex: every integer
 * in hex; decimal: every one in decimal), else the session's choice, which is
 * hex for the kinds that read in hex (addresses, PFNs, masks, registers).
 */
export function showOptions(format: DebugProtocol.ValueFormat | undefined, hexDefault: boolean | undefined): ShowOptions {
  if (format?.hex === true) return { hex: true, all: true };
  if (format?.hex === false) return { hex: false };
  return { hex: hexDefault ?? true };
}

export function childPath(parent: string, name: string): string {
  if (!parent) return name;
  return IDENT.test(name) ? `${parent}.${name}` : `${parent}[${JSON.stringify(name)}]`;
}

function typeOf(v: Value): string {
  if (typeof v === 'bigint') return 'integer';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'string') return 'string';
  return 'symbol';
}

/** A plain value for an evaluated reference: a leaf's value, or a structured node's one-line summary. */
export function plainValue(r: { readonly node: StateNode } | { readonly value: Value }): Value {
  if ('value' in r) return r.value;
  if (r.node.kind === 'leaf') return r.node.get();
  // A register is a record that is also a number: its value, not its summary.
  if (r.node.kind === 'record' && r.node.get) return r.node.get();
  return showNode(r.node, kindAt(r.node, undefined), { hex: false });
}

/**
 * A frame value as the views show it. mm keeps page addresses as hex text on its hot paths (`vpnHex`, no
 * BigInt per fault): read back as the number it is, so it shows by its kind like any other address (hex, or
 * decimal with the toggle) and `frame.addr == 0x12000` holds in a watch or a condition.
 */
export function frameValue(v: FrameValue): Value {
  if (typeof v === 'string') return HEX_TEXT.test(v) ? BigInt(v) : v;
  return typeof v === 'number' ? BigInt(v) : v instanceof NodeRef ? v.label : v;
}
const HEX_TEXT = /^0x[0-9a-f]{1,16}$/;

/**
 * A kernel frame as a call: `fn(name=f, from=0, to=1)`. A string argument
 * names an object (a file, a device) and is shown bare, as the scenario
 * statement wrote it, not as a quoted string.
 */
export function callLabel(f: Frame, hex = true): string {
  const args = Object.entries(f.args).map(([k, v]) => {
    const x = frameValue(v);
    return `${k}=${typeof x === 'string' ? x : showValue(x, kindOfName(k), { hex })}`;
  });
  return `${f.fn.name}(${args.join(', ')})`;
}
