/**
 * The names a scenario writes where a verb expects one of a set: registers,
 * hypercalls and SCMI params (fixed sets a mechanism declares), files,
 * devices, tasks and mounts (names the scenario declares itself). A name
 * that is none of them is an error with the nearest names as its fix.
 */
import type { Arg, Expr, Stmt } from './ast';
import { CONSTANTS, constantValue } from './constants';
import type { Diagnostic, SourceRange } from './diagnostics';
import { ScenarioError } from './diagnostics';
import { unknownNameError } from './did_you_mean';
import type { NameRef, VerbSpec } from './verbs';
import type { NameSet } from './verbs';
import type { ShapeNode } from './shape';
import { checkPaths } from './path_check';
import { walk as walkNumeric } from './numeric_operands';

/** What the checker needs of a registry. */
export interface NameTables {
  readonly nameSets: ReadonlyMap<string, NameSet>;
  readonly rootNames: ReadonlySet<string>;
  /** The state's shape, for the paths of `expect` and `print` (learnt on first use). */
  readonly stateShapes?: ReadonlyMap<string, ShapeNode>;
}

/** Each argument of a statement with the spec that says what it names. */
export function namedArgs(s: Stmt, spec: VerbSpec): Array<{ readonly arg: Arg | undefined; readonly ref: NameRef }> {
  const out: Array<{ arg: Arg | undefined; ref: NameRef }> = [];
  spec.args.forEach((p, i) => {
    if (!p.names) return;
    // `vpreg SINT2 = 5`: the assigned register is the register argument.
    out.push({ arg: i === 0 && s.assign ? s.assign.target : s.args[i], ref: p });
  });
  for (const [k, a] of s.keys) {
    const r = spec.keys?.[k];
    if (r?.names) out.push({ arg: a, ref: r });
  }
  return out;
}

/** Path warnings kept per file. */
const MAX_PATH_WARNINGS = 100;

export class NameCheck {
  /** Declared names by kind. */
  private readonly declared = new Map<string, Set<string>>();
  /** Kinds a statement declared without a name (`fork`: the kernel picks one): their uses cannot be checked. */
  private readonly open = new Set<string>();
  /** The first use of each (kind, name) not yet declared: bounded by the distinct names, not the lines. */
  private readonly uses = new Map<string, { readonly kind: string; readonly word: string; readonly range: SourceRange }>();
  private readonly lookup = new Map<string, ReadonlySet<string>>();
  /** Paths that name no member of the state (warnings). */
  private readonly pathWarnings: Diagnostic[] = [];

  constructor(private readonly tables: NameTables) {}

  /** Records what a statement declares and uses; throws for a name outside a fixed set. */
  statement(s: Stmt, spec: VerbSpec, file = ''): void {
    if (s.exprs.length && this.pathWarnings.length < MAX_PATH_WARNINGS) this.paths(s, file);
    this.numericOperands(s);
    for (const { arg, ref } of namedArgs(s, spec)) {
      const kind = ref.names as string;
      const set = this.tables.nameSets.get(kind);
      if (!set) continue;
      if (!arg) {
        if (ref.declares) this.open.add(kind);
        continue;
      }
      const word = arg.word;
      // A name is a bare word: `(SELF)` is an expression, and `true` a value, for the run to judge.
      if (word === undefined || ref.also?.includes(word) || word === 'true' || word === 'false' || s.text[arg.range.col - s.range.col] === '(') continue;
      if (!set.declared) {
        if (!this.known(kind, set).has(word) && !set.accepts?.(word) && !this.tables.rootNames.has(word) && constantValue(word) === undefined) {
          throw unknownNameError(`unknown ${set.what} '${word}'`, word, arg.range, set.names);
        }
        continue;
      }
      if (ref.declares) {
        let d = this.declared.get(kind);
        if (!d) this.declared.set(kind, (d = new Set()));
        d.add(word);
      } else if (!this.uses.has(`${kind}\0${word}`)) {
        this.uses.set(`${kind}\0${word}`, { kind, word, range: arg.range });
      }
    }
  }

  /** A bare word an operator needs a number from must have one (numeric_operands.ts). */
  private readonly numericWord = (id: { readonly name: string; readonly range: SourceRange }): void => {
    const w = id.name;
    if (w === 'true' || w === 'false' || this.tables.rootNames.has(w) || constantValue(w) !== undefined) return;
    throw unknownNameError(`'${w}' is not a known constant or state path, so it has no numeric value`, w, id.range, CONSTANTS.keys());
  };

  private numericOperands(s: Stmt): void {
    for (let i = 0; i < s.args.length; i++) this.numericIn((s.args[i] as Arg).expr);
    if (s.keys.size) for (const a of s.keys.values()) this.numericIn(a.expr);
    if (s.assign) this.numericIn(s.assign.value.expr);
    for (let i = 0; i < s.exprs.length; i++) this.numericIn(s.exprs[i] as Expr);
  }

  private numericIn(e: Expr): void {
    // Most arguments are a literal or a word, which hold no operator: a million-line file must not pay a walk each.
    if (e.k !== 'num' && e.k !== 'ident' && e.k !== 'str') walkNumeric(e, this.numericWord);
  }

  private paths(s: Stmt, file: string): void {
    // Only a path from a root needs the shapes: a file of plain numbers never learns them.
    // Once per statement: a regex over the rest of the text from each expression would cost the square of their number.
    if (!s.exprs.length || !/[A-Za-z_]\w*\s*[.[]/.test(s.text)) return;
    const shapes = this.tables.stateShapes;
    if (!shapes) return;
    for (const e of s.exprs) {
      const found = checkPaths(e, shapes, (u) => {
        if (!this.uses.has(`${u.kind}\0${u.word}`)) this.uses.set(`${u.kind}\0${u.word}`, u);
      });
      for (const f of found) {
        this.pathWarnings.push({ file, range: f.range, message: f.message, severity: 'warning', ...(f.replacements.length ? { fix: { range: f.range, replacements: f.replacements } } : {}) });
      }
    }
  }

  /** The uses of names the whole file never declares, and paths the state does not have: warnings, since the run stops at the first one reached. */
  finish(file: string): Diagnostic[] {
    const out: Diagnostic[] = [...this.pathWarnings];
    for (const u of this.uses.values()) {
      const set = this.tables.nameSets.get(u.kind) as NameSet;
      const declared = this.declared.get(u.kind) ?? new Set<string>();
      if (this.open.has(u.kind) || declared.has(u.word) || set.names.includes(u.word)) continue;
      const known = [...set.names, ...declared];
      const e: ScenarioError = unknownNameError(`no ${set.what} '${u.word}' is declared in this scenario${known.length ? '' : ` (${set.hint ?? `declare one first`})`}`, u.word, u.range, known);
      out.push({ file, range: u.range, message: e.message, severity: 'warning', ...(e.fix ? { fix: e.fix } : {}) });
    }
    return out;
  }

  private known(kind: string, set: NameSet): ReadonlySet<string> {
    let k = this.lookup.get(kind);
    if (!k) this.lookup.set(kind, (k = new Set(set.names)));
    return k;
  }
}
