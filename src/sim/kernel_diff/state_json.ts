import type { Machine } from '../core/machine';
import { nodeValue } from '../core/state';
import { toJson } from '../core/values';

/** The whole state tree as JSON (u64 values above 2^53 as "0x..." strings). */
export function stateJson(m: Machine): unknown {
  const out: Record<string, unknown> = {};
  for (const name of m.rootNames()) {
    const n = m.root(name);
    if (n) out[name] = toJson(nodeValue(n));
  }
  return out;
}
