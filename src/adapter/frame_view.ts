import type { Frame, FrameValue, StateNode } from '../sim';
import { fixedRecord, leaf, list, NodeRef, Sym, valueNode } from '../sim';
import { frameValue } from './variables';

/** Resolves a state path (`resv.f`, `page[0x1000]`) to its node, or undefined where it does not resolve now. */
export type Resolve = (path: string) => StateNode | undefined;

/** Fields of a returned object shown at most: a return value is a view, not a dump. */
const MAX_FIELDS = 64;

/**
 * A local that stands for a state node: it reads as that node (its label
 * only when the node is gone) and expands to its children, read lazily from the state tree (nothing is
 * copied), with the node's state path as evaluateName so a watch or a data
 * breakpoint on a field outlives the frame.
 */
export function linkNode(ref: NodeRef, resolve: Resolve): StateNode {
  const target = resolve(ref.path);
  return target ? { ...target, path: ref.path } : valueNode(frameValue(ref.label));
}

function frameValueNode(v: FrameValue, resolve: Resolve): StateNode {
  return v instanceof NodeRef ? linkNode(v, resolve) : valueNode(frameValue(v));
}

/**
 * Whatever a simulated kernel function returned (an errno, a count, a pfn,
 * a result record, a list of pages) as a lazy node: lists and records are
 * read a page at a time when expanded, so a million-page result costs
 * nothing until it is looked at.
 */
export function returnNode(v: unknown, resolve: Resolve): StateNode {
  if (typeof v === 'number') return leaf(() => (Number.isInteger(v) ? BigInt(v) : String(v)));
  if (typeof v === 'bigint' || typeof v === 'boolean' || typeof v === 'string') return leaf(() => v);
  if (v === null || v === undefined) return leaf(() => new Sym('NULL'));
  if (v instanceof Sym) return leaf(() => v);
  if (v instanceof NodeRef) return linkNode(v, resolve);
  // Bytes a callee returned (an SCMI reply's rx): a list of bytes, which the `bytes` kind shows as a hexdump.
  if (v instanceof Uint8Array) {
    const bytes = v;
    return list(() => bytes.length, (i) => leaf(() => BigInt(bytes[i] ?? 0)));
  }
  if (Array.isArray(v)) {
    const arr: readonly unknown[] = v;
    return list(() => arr.length, (i) => returnNode(arr[i], resolve));
  }
  if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    const rec = v as Readonly<Record<string, unknown>>;
    const keys = Object.keys(rec).slice(0, MAX_FIELDS);
    return { kind: 'record', keys: () => keys, child: (n) => (keys.includes(n) ? returnNode(rec[n], resolve) : undefined) };
  }
  // A model object (a Map, a class instance): named, not walked, so no state is copied or exposed raw.
  const name = (v as { constructor?: { name?: string } }).constructor?.name ?? typeof v;
  return leaf(() => `<${name}>`);
}

/** The pseudo-local a caller shows after a callee returned into it, named as the C/C++ debugger names it. */
export function returnedName(fnName: string): string {
  return `${fnName} returned`;
}

/**
 * A kernel frame's arguments and locals as one record (the Locals scope and
 * the `frame` root), first the value the last callee returned into it.
 */
export function frameNode(fr: Frame, resolve: Resolve): StateNode {
  const out: Record<string, StateNode> = {};
  if (fr.retFn) out[returnedName(fr.retFn.name)] = returnNode(fr.retValue, resolve);
  for (const [k, v] of Object.entries(fr.args)) out[k] = frameValueNode(v, resolve);
  for (const [k, v] of Object.entries(fr.locals)) out[k] = frameValueNode(v, resolve);
  return fixedRecord(out);
}
