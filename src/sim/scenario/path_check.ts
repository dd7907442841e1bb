/**
 * State paths in `expect` and `print` checked against the state's shape as
 * the mechanisms build it (state_shape.ts): `resv.f.regons` says "did you
 * mean regions?" as you type. A shape learnt from a sample may miss a member
 * some state has, so these are warnings: the run decides.
 */
import type { Expr } from './ast';
import type { SourceRange } from './diagnostics';
import { didYouMean, suggestions } from './did_you_mean';
import type { ShapeNode } from './shape';

export interface PathFinding {
  readonly range: SourceRange;
  readonly message: string;
  readonly word: string;
  readonly replacements: readonly string[];
}

/** A name a path uses where the scenario names things (`resv.<file>`): checked against the file's declarations. */
export interface PathUse {
  readonly kind: string;
  readonly word: string;
  readonly range: SourceRange;
}

/** The steps of a path from its root (`resv.f.regions` → resv, f, regions), or undefined for anything else. */
function steps(e: Expr): Array<{ readonly name: string; readonly range: SourceRange }> | undefined {
  if (e.k === 'ident') return [{ name: e.name, range: e.range }];
  if (e.k === 'member') {
    const base = steps(e.obj);
    const r = e.range;
    return base && [...base, { name: e.name, range: { line: r.endLine, col: r.endCol - e.name.length, endLine: r.endLine, endCol: r.endCol } }];
  }
  if (e.k === 'index') {
    const base = steps(e.obj);
    return base && [...base, { name: '[]', range: e.range }];
  }
  return undefined;
}

/** Every maximal path in an expression. */
function paths(e: Expr, out: Expr[]): void {
  switch (e.k) {
    case 'ident':
    case 'member':
      out.push(e);
      return;
    case 'index':
      out.push(e);
      paths(e.index, out);
      return;
    case 'list':
      for (const it of e.items) {
        if (it.k === 'range') {
          paths(it.from, out);
          paths(it.to, out);
        } else paths(it, out);
      }
      return;
    case 'unary':
      paths(e.e, out);
      return;
    case 'binary':
      paths(e.l, out);
      paths(e.r, out);
      return;
    case 'call':
      for (const a of e.args) paths(a, out);
      return;
    default:
  }
}

/** Checks the state paths of an expression; names of declared kinds are handed to `use`. */
export function checkPaths(e: Expr, shapes: ReadonlyMap<string, ShapeNode>, use: (u: PathUse) => void): PathFinding[] {
  const found: PathFinding[] = [];
  const all: Expr[] = [];
  paths(e, all);
  for (const p of all) {
    const st = steps(p);
    if (!st || st.length < 2) continue;
    let cur = shapes.get((st[0] as { name: string }).name);
    let text = (st[0] as { name: string }).name;
    for (const s of st.slice(1)) {
      if (!cur) break;
      if (s.name === '[]') {
        cur = cur.item ?? cur.byName?.node;
        text += '[…]';
        continue;
      }
      const next = cur.members.get(s.name) ?? cur.aliases?.get(s.name);
      if (next) cur = next;
      else if (cur.byName) {
        use({ kind: cur.byName.kind, word: s.name, range: s.range });
        cur = cur.byName.node;
      } else if (cur.members.size && !cur.item) {
        const near = suggestions(s.name, cur.members.keys());
        found.push({ range: s.range, word: s.name, replacements: near, message: `${text} has no '${s.name}'${near.length ? didYouMean(s.name, near) : ` (it has: ${[...cur.members.keys()].slice(0, 12).join(', ')})`}` });
        break;
      } else break;
      text += `.${s.name}`;
    }
  }
  return found;
}
