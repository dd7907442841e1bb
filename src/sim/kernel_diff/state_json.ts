import type { Machine } from '../core/machine';
import { nodeValue } from '../core/state';
import { toJson } from '../core/values';

/** The whole state tree as JSON (u64 values above 2^53 as "0x..." strings); with `roots`, just those roots. */
export function stateJson(m: Machine, roots?: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of roots ?? m.rootNames()) {
    const n = m.root(name);
    if (n) out[name] = toJson(nodeValue(n));
  }
  return out;
}

/** The root a state path starts with: `resv` of `resv.f.regions`, `page` of `page[0].zone`. */
export function rootOf(path: string): string {
  return /^[^.[]*/.exec(path)?.[0] ?? path;
}
