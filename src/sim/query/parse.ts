import type { WhenDirection } from './queries';

/** A history query as typed in the Debug Console or a watch: the query and its expression's text. */
export type QueryText =
  | { readonly kind: 'history'; readonly expr: string }
  | { readonly kind: 'when'; readonly expr: string; readonly dir: WhenDirection }
  | { readonly kind: 'why'; readonly expr: string };

const QUERY = /^\s*(history|when|why)\s*\(([\s\S]*)\)\s*$/;
const DIRECTION = /,\s*(first|next|prev)\s*$/;

/**
 * `history(<expr>)`, `when(<cond>)`, `when(<cond>, first|next|prev)` or
 * `why(<expr>)`, or undefined when the text is no query (an ordinary
 * expression). The parentheses must enclose the whole rest of the text:
 * `when(a) + f(b)` is no query.
 */
export function parseQueryText(text: string): QueryText | undefined {
  const m = QUERY.exec(text);
  if (!m) return undefined;
  const inner = m[2] as string;
  if (!balanced(inner)) return undefined;
  const kind = m[1] as QueryText['kind'];
  if (kind !== 'when') return { kind, expr: inner.trim() };
  const d = DIRECTION.exec(inner);
  return d ? { kind, expr: inner.slice(0, d.index).trim(), dir: d[1] as WhenDirection } : { kind, expr: inner.trim(), dir: 'first' };
}

/** Whether every parenthesis and bracket in the text closes inside it (strings skipped). */
function balanced(s: string): boolean {
  let depth = 0;
  let quote = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === '"') quote = false;
      continue;
    }
    if (c === '"') quote = true;
    else if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') {
      if (--depth < 0) return false;
    }
  }
  return depth === 0 && !quote;
}
