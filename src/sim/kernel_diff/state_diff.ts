/**
 * The difference between two state trees (toJson of every root): each leaf
 * path whose value differs, with its value on either side. A path missing on
 * one side shows as `(none)`.
 */
export interface StateChange {
  readonly path: string;
  readonly a: string;
  readonly b: string;
}

/** A list whose JSON is at most this long is one leaf. */
const SHORT = 120;

/** Leaves are compared by their JSON text; lists by index, records by key. */
function flatten(v: unknown, path: string, out: Map<string, string>): void {
  if (Array.isArray(v)) {
    // A short list (a resv map's regions, a PTE's bytes) reads best whole: `[[0,6]] → [[0,1],[1,2]]`.
    const text = JSON.stringify(v);
    if (text.length <= SHORT) {
      out.set(path, text);
      return;
    }
    v.forEach((x, i) => flatten(x, `${path}[${i}]`, out));
    return;
  }
  if (v !== null && typeof v === 'object') {
    const keys = Object.keys(v);
    if (keys.length === 0) out.set(path, '{}');
    for (const k of keys) flatten((v as Record<string, unknown>)[k], path ? `${path}.${k}` : k, out);
    return;
  }
  out.set(path, JSON.stringify(v) ?? 'undefined');
}

/** Every leaf path of a state tree with its JSON text, in the tree's order. */
export function flattenState(v: unknown): Map<string, string> {
  const out = new Map<string, string>();
  flatten(v, '', out);
  return out;
}

/**
 * Paths that differ, in the order they appear in `a` then those only in `b`;
 * `only` keeps paths under these prefixes. Without `only`, a field of `last`
 * that one side lacks is left out: what a statement returns has a different
 * shape on another kernel (the kernel before 004 has no regions_needed),
 * while a value both return (`last.ret`, `last.result`) is compared.
 */
export function stateDiff(a: unknown, b: unknown, only: readonly string[] = []): StateChange[] {
  const fa = new Map<string, string>();
  const fb = new Map<string, string>();
  flatten(a, '', fa);
  flatten(b, '', fb);
  const keep = (p: string, both: boolean): boolean => (only.length === 0 ? both || !under(p, 'last') : only.some((o) => under(p, o)));
  const out: StateChange[] = [];
  for (const [p, va] of fa) {
    const vb = fb.get(p);
    if (vb !== va && keep(p, vb !== undefined)) out.push({ path: p, a: va, b: vb ?? '(none)' });
  }
  for (const [p, vb] of fb) if (!fa.has(p) && keep(p, false)) out.push({ path: p, a: '(none)', b: vb });
  return out;
}

function under(p: string, o: string): boolean {
  return p === o || p.startsWith(`${o}.`) || p.startsWith(`${o}[`);
}
