import type { SourceRange } from './diagnostics';
import type { ScenarioProgram } from './program';

export type Expr =
  | { readonly k: 'num'; readonly v: bigint; readonly unit?: 'ns' | 'size'; readonly range: SourceRange }
  | { readonly k: 'str'; readonly v: string; readonly range: SourceRange }
  | { readonly k: 'ident'; readonly name: string; readonly range: SourceRange }
  | { readonly k: 'member'; readonly obj: Expr; readonly name: string; readonly range: SourceRange }
  | { readonly k: 'index'; readonly obj: Expr; readonly index: Expr; readonly range: SourceRange }
  | { readonly k: 'list'; readonly items: readonly ListItem[]; readonly range: SourceRange }
  | { readonly k: 'unary'; readonly op: string; readonly e: Expr; readonly range: SourceRange }
  | { readonly k: 'binary'; readonly op: string; readonly l: Expr; readonly r: Expr; readonly range: SourceRange }
  | { readonly k: 'call'; readonly fn: string; readonly args: readonly Expr[]; readonly range: SourceRange };

export type ListItem = Expr | { readonly k: 'range'; readonly from: Expr; readonly to: Expr; readonly range: SourceRange };

/** A positional argument or a key's value as written. */
export interface Arg {
  readonly expr: Expr;
  /** The bare identifier, when the argument is one (file names, device names, words like `read`). */
  readonly word?: string;
  readonly range: SourceRange;
}

export interface Stmt {
  /** `verb` or `verb sub` (`hugetlb file`, `scmi probe`). */
  readonly verb: string;
  readonly range: SourceRange;
  readonly line: number;
  readonly args: readonly Arg[];
  readonly keys: ReadonlyMap<string, Arg & { readonly keyRange: SourceRange }>;
  readonly flags: ReadonlySet<string>;
  /** `vpreg SINT2 = 5`: the register assigned and its value. */
  readonly assign?: { readonly target: Arg; readonly value: Arg };
  /** Rest-of-line expressions: `expect`, `print`. */
  readonly exprs: readonly Expr[];
  /** Block body of `repeat` / `proc`. */
  readonly body?: readonly Stmt[];
  /** Source text of the line, trimmed, for traces and the stack view. */
  readonly text: string;
}

/** A parsed scenario: its source and statement index (see program.ts). */
export type Program = ScenarioProgram;
