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
