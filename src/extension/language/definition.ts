/**
 * Go to Definition: a constant goes to the reference-patch line that
 * defines it, `call NAME` to its `proc`.
 */
import { CONSTANTS } from '../../sim';

/** A word of a line and where it is (0-based columns, end exclusive). */
export function wordAt(line: string, col: number): { word: string; start: number; end: number } | undefined {
  for (const m of line.matchAll(/[A-Za-z_]\w*/g)) {
    const start = m.index ?? 0;
    if (col >= start && col <= start + m[0].length) return { word: m[0], start, end: start + m[0].length };
  }
  return undefined;
}

/** The reference patch file and 1-based line a constant is defined at, when it comes from one. */
export function constantDefinition(word: string): { file: string; line: number } | undefined {
  const c = CONSTANTS.get(word);
  if (!c || c.line <= 0 || !/^\d{3}_[0-9a-f]+\.txt$/.test(c.ref)) return undefined;
  return { file: c.ref, line: c.line };
}

/** The proc a `call` names, when the cursor is on that name. */
export function calledProc(line: string, col: number): string | undefined {
  const m = /^(\s*call\s+)([A-Za-z_]\w*)/.exec(line);
  if (!m) return undefined;
  const start = (m[1] as string).length;
  return col >= start && col <= start + (m[2] as string).length ? m[2] : undefined;
}
