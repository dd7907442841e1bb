/**
 * Bare words that an operator needs a number from (`FOLL_BOGUS|FOLL_PIN`,
 * `-EINVALL`, `[0..NR_CPU]`). A bare word that is not a constant, a state
 * root or true/false is a symbol with no number, so evaluating the operator
 * can only fail: SCENARIO.md §1 makes that a parse error, found with every
 * other error before anything runs, instead of a run that stops at the line.
 * `==`/`!=` compare symbols by name, and `!`, `&&`, `||` read truth: their
 * operands are left alone.
 */
import type { Expr, ListItem } from './ast';

type Ident = Extract<Expr, { k: 'ident' }>;

const NOT_NUMERIC = new Set(['&&', '||', '==', '!=']);

function operand(e: Expr, found: (id: Ident) => void): void {
  if (e.k === 'ident') found(e);
  else walk(e, found);
}

function item(it: ListItem, found: (id: Ident) => void): void {
  if (it.k === 'range') {
    operand(it.from, found);
    operand(it.to, found);
  } else walk(it, found);
}

/** Calls `found` for each bare word of `e` that stands where a number must. */
export function walk(e: Expr, found: (id: Ident) => void): void {
  switch (e.k) {
    case 'unary':
      (e.op === '!' ? walk : operand)(e.e, found);
      return;
    case 'binary': {
      const side = NOT_NUMERIC.has(e.op) ? walk : operand;
      side(e.l, found);
      side(e.r, found);
      return;
    }
    case 'list':
      for (const it of e.items) item(it, found);
      return;
    case 'member':
      walk(e.obj, found);
      return;
    case 'index':
      walk(e.obj, found);
      walk(e.index, found);
      return;
    case 'call':
      for (const a of e.args) walk(a, found);
      return;
    default:
  }
}
