import type { ShowOptions, ValueKind } from './kinds';
import { kindOfName, showValue } from './kinds';
import type { StateNode } from './state';
import { kindOfNode, nodeValue } from './state';

/** How many elements a list may have for its value to be shown inline. */
export const INLINE_LIST = 16;

/** A byte list longer than this is not materialized for a one-line summary. */
const INLINE_BYTES = 4096;

/**
 * A node's kind where it is shown: its own, else the one its name has, else
 * its list's (a list's kind is its elements'; a record's fields do not inherit).
 */
export function kindAt(n: StateNode, name: string | undefined, inherited?: ValueKind): ValueKind | undefined {
  return kindOfNode(n) ?? (name !== undefined ? kindOfName(name) : undefined) ?? inherited;
}

/** The one-line summary of a node beside its name: a value, or a short form of a list or record. */
export function showNode(n: StateNode, kind: ValueKind | undefined, opts: ShowOptions): string {
  switch (n.kind) {
    case 'leaf':
      return showValue(n.get(), kind, opts);
    case 'list': {
      const len = n.length();
      if (kind === 'bytes' && len <= INLINE_BYTES) return showValue(nodeValue(n), kind, opts);
      if (len > INLINE_LIST) return `[${len} items]`;
      const items: string[] = [];
      for (let i = 0; i < len; i++) {
        const c = n.item(i);
        // A record in a list reads in full, each field by its name's kind.
        items.push(c.kind === 'record' && !c.get ? showValue(nodeValue(c), undefined, opts) : showNode(c, kindAt(c, undefined, kind), { ...opts, limit: INLINE_LIST }));
      }
      return `[${items.join(', ')}]`;
    }
    case 'record': {
      if (n.get) return showValue(n.get(), kind, opts);
      const keys = n.keys();
      if (keys.length > 8) return `{${keys.length} fields}`;
      const parts: string[] = [];
      for (const k of keys) {
        const c = n.child(k);
        if (!c) continue;
        const ck = kindAt(c, k);
        if (c.kind === 'leaf' || (c.kind === 'record' && c.get)) parts.push(`${k}: ${showNode(c, ck, opts)}`);
        else if (c.kind === 'list') parts.push(`${k}: ${c.length() <= 4 || ck === 'bytes' ? showNode(c, ck, opts) : `[${c.length()} items]`}`);
        else parts.push(`${k}: {…}`);
      }
      return `{${parts.join(', ')}}`;
    }
  }
}
