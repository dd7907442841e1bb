import type { DebugProtocol } from '@vscode/debugprotocol';
import type { StateNode, ValueKind } from '../sim';
import { hexdumpRow, nodeValue } from '../sim';
import type { VariableStore } from './variables';

/**
 * A byte list longer than one row reads in the Variables view as a hexdump:
 * one child per 16 bytes (offset, bytes, ASCII), each expanding to its bytes,
 * whose evaluateNames index the whole list as before.
 */
export function isByteRows(n: StateNode, kind: ValueKind | undefined, hex: boolean): boolean {
  return hex && kind === 'bytes' && n.kind === 'list' && n.length() > 16;
}

export function bytesRows(store: VariableStore, h: { readonly node: StateNode; readonly path: string }, start: number, count: number): DebugProtocol.Variable[] {
  const n = h.node;
  if (n.kind !== 'list') return [];
  const rows = Math.ceil(n.length() / 16);
  const from = Math.max(0, start);
  const to = count > 0 ? Math.min(rows, from + count) : rows;
  const out: DebugProtocol.Variable[] = [];
  for (let r = from; r < to; r++) {
    const off = r * 16;
    const bytes: number[] = [];
    for (let i = off; i < Math.min(off + 16, n.length()); i++) {
      const b = nodeValue(n.item(i));
      bytes.push(typeof b === 'bigint' ? Number(b & 0xffn) : 0);
    }
    const text = hexdumpRow(bytes, 0, BigInt(off));
    const sp = text.indexOf('  ');
    out.push({
      name: text.slice(0, sp),
      value: text.slice(sp + 2),
      variablesReference: store.add(n, h.path, 'bytes', off),
      indexedVariables: bytes.length,
      presentationHint: { attributes: ['readOnly'] },
    });
  }
  return out;
}
