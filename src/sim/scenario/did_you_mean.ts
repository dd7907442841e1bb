import type { SourceRange } from '../core/source';
import { ScenarioError } from '../core/source';
/**
 * "Did you mean …": the few known names nearest to a misspelt one, for
 * messages that would otherwise list hundreds of kernel functions.
 */
export const MAX_SUGGESTIONS = 3;
/** A longer word is no misspelling of a name: the edit distance would cost its length times each name's. */
export const MAX_SUGGESTED_WORD = 64;

/** Edit distance with a swap of two neighbouring letters as one edit (`setpu` is one from `setup`). */
function distance(a: string, b: string): number {
  let prev2: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      let d = Math.min((prev[j] as number) + 1, (cur[j - 1] as number) + 1, (prev[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, (prev2[j - 2] as number) + 1);
      cur[j] = d;
    }
    prev2 = prev;
    prev = cur;
  }
  return prev[b.length] as number;
}

/** At most MAX_SUGGESTIONS names close to `name` (by edit distance, or containing it), nearest first. */
export function suggestions(name: string, known: Iterable<string>): string[] {
  if (!name || name.length > MAX_SUGGESTED_WORD) return [];
  const n = name.toLowerCase();
  // A short word is like too many others: `frob` is not a misspelt `proc`, nor `g` a misspelt `f`.
  const limit = n.length <= 2 ? 0 : Math.max(1, Math.floor(n.length / 3));
  const scored: Array<{ k: string; d: number }> = [];
  for (const k of known) {
    const kl = k.toLowerCase();
    let d: number;
    if (n.length >= 3 && kl.includes(n)) d = Math.abs(kl.length - n.length) / 100;
    // The distance is at least the difference in length: no need to work it out past the limit.
    else if (Math.abs(kl.length - n.length) > limit) continue;
    else d = distance(n, kl);
    if (d <= limit) scored.push({ k, d });
  }
  scored.sort((x, y) => x.d - y.d || x.k.localeCompare(y.k));
  // Names much further than the nearest one are noise beside it: HV_REGISTER_VPINDEX, not HV_REGISTER_SINT0 too.
  const best = scored[0]?.d ?? 0;
  return scored
    .filter((s) => s.d <= best + 1)
    .slice(0, MAX_SUGGESTIONS)
    .map((s) => s.k);
}

/** ` (did you mean a, b or c?)`, or '' when nothing is close. */
export function didYouMean(name: string, known: Iterable<string>): string {
  const s = suggestions(name, known);
  if (!s.length) return '';
  const last = s.pop() as string;
  return `: did you mean ${s.length ? `${s.join(', ')} or ${last}` : last}?`;
}

/**
 * The error for a name that is none of the known ones: the message says the
 * nearest names, and the fix carries them for the editor's quick fix.
 */
export function unknownNameError(message: string, name: string, range: SourceRange, known: Iterable<string>): ScenarioError {
  const near = suggestions(name, known);
  return new ScenarioError(`${message}${didYouMean(name, near)}`, range, near.length ? { range, replacements: near } : undefined);
}
