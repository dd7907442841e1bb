/** A source range, 1-based lines and columns, end exclusive; kept for the editor's squiggles. */
export interface SourceRange {
  readonly line: number;
  readonly col: number;
  readonly endLine: number;
  readonly endCol: number;
}

export interface Diagnostic {
  readonly file: string;
  readonly range: SourceRange;
  readonly message: string;
  readonly severity: 'error' | 'warning';
}

export function formatDiagnostic(d: Diagnostic): string {
  return `${d.file}:${d.range.line}:${d.range.col}: ${d.severity}: ${d.message}`;
}

/** Raised when evaluation or execution of a statement fails for a reason the scenario author can fix. */
export class ScenarioError extends Error {
  constructor(
    message: string,
    readonly range?: SourceRange,
  ) {
    super(message);
    this.name = 'ScenarioError';
  }
}
