/**
 * What the engine knows of the scenario it runs: source ranges, the statement
 * it stands at, and the error a scenario author can fix. A leaf module, so the
 * engine needs nothing from the language layer above it.
 */

/** A source range, 1-based lines and columns, end exclusive; kept for the editor's squiggles. */
export interface SourceRange {
  readonly line: number;
  readonly col: number;
  readonly endLine: number;
  readonly endCol: number;
}

/** A scenario statement as the engine sees it: where it is and what it says. */
export interface StatementRef {
  readonly verb: string;
  readonly line: number;
  readonly range: SourceRange;
  /** Source text of the line, trimmed, for traces and the stack view. */
  readonly text: string;
}

/** A misspelt word and the known names that could replace it: the editor's quick fix. */
export interface WordFix {
  readonly range: SourceRange;
  readonly replacements: readonly string[];
}

/** Raised when evaluation or execution of a statement fails for a reason the scenario author can fix. */
export class ScenarioError extends Error {
  constructor(
    message: string,
    readonly range?: SourceRange,
    readonly fix?: WordFix,
  ) {
    super(message);
    this.name = 'ScenarioError';
  }
}
