/**
 * Quick fixes for "did you mean" diagnostics: each suggested name replaces
 * the misspelt word; the nearest is the preferred fix (Ctrl+. then Enter).
 */
import type { EditorDiagnostic, EditorFix } from '../language_info';

export interface FixAction {
  readonly title: string;
  readonly replacement: string;
  readonly fix: EditorFix;
  /** The diagnostic it fixes. */
  readonly diagnostic: EditorDiagnostic;
  readonly preferred: boolean;
}

function overlaps(d: EditorDiagnostic, line: number, startCol: number, endCol: number): boolean {
  if (line < d.startLine || line > d.endLine) return false;
  return !(line === d.startLine && endCol < d.startCol) && !(line === d.endLine && startCol > d.endCol);
}

/** The fixes of the diagnostics that touch [startCol, endCol] of `line`. */
export function quickFixes(diags: readonly EditorDiagnostic[], line: number, startCol: number, endCol: number): FixAction[] {
  const out: FixAction[] = [];
  for (const d of diags) {
    if (!d.fix || !overlaps(d, line, startCol, endCol)) continue;
    d.fix.replacements.forEach((r, i) => out.push({ title: `Change to '${r}'`, replacement: r, fix: d.fix as EditorFix, diagnostic: d, preferred: i === 0 }));
  }
  return out;
}

/**
 * The worker's diagnostics of each document, for the version they were
 * computed at: a quick fix from an older version would replace the wrong text.
 */
export class FixableDiagnostics {
  private readonly byUri = new Map<string, { version: number; diags: readonly EditorDiagnostic[] }>();

  /** What the worker found at `version`: none when it ran out of time or failed. */
  set(uri: string, version: number, diags: readonly EditorDiagnostic[]): void {
    this.byUri.set(uri, { version, diags });
  }

  forget(uri: string): void {
    this.byUri.delete(uri);
  }

  /** The diagnostics of the document at `version`: none when they were computed at another. */
  at(uri: string, version: number): readonly EditorDiagnostic[] {
    const e = this.byUri.get(uri);
    return e && e.version === version ? e.diags : [];
  }
}

/** A diagnostic as the editor shows it (vscode.Diagnostic's shape). */
export interface ShownDiagnostic {
  readonly range: { readonly start: { readonly line: number; readonly character: number }; readonly end: { readonly line: number; readonly character: number } };
  readonly message: string;
}

/** The diagnostic the editor shows for `d`, with its own severity: a fix for one it does not show is offered for none. */
export function shownDiagnostic<T extends ShownDiagnostic>(shown: readonly T[], d: EditorDiagnostic): T | undefined {
  return shown.find((s) => s.message === d.message && s.range.start.line === d.startLine && s.range.start.character === d.startCol && s.range.end.line === d.endLine && s.range.end.character === d.endCol);
}
