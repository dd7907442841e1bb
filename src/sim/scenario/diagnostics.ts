import { escapeControls } from '../core/internal';
import type { SourceRange, WordFix } from '../core/source';

export type { SourceRange, WordFix } from '../core/source';
export { ScenarioError } from '../core/source';

export interface Diagnostic {
  readonly file: string;
  readonly range: SourceRange;
  readonly message: string;
  readonly severity: 'error' | 'warning';
  /** A bug in kstep met while reading the line, not a mistake in it. */
  readonly internal?: boolean;
  /** Stands for this many diagnostics left out (the file had too many to list). */
  readonly omitted?: number;
  /** A misspelt name and the names that could replace it ("did you mean"), for a quick fix. */
  readonly fix?: WordFix;
}

export function formatDiagnostic(d: Diagnostic): string {
  return `${escapeControls(d.file)}:${d.range.line}:${d.range.col}: ${d.severity}: ${escapeControls(d.message)}`;
}
