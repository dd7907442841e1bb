import type { KernelDiff } from '../sim';
import { renderState } from '../sim';

/**
 * What the editor's "Compare with the Kernel Before Patch" shows for a
 * kernel diff: the title naming the divergence, the two rendered states
 * (the other kernel on the left, the patched one on the right, as `kstep
 * diff` reports them), and where each kernel's debug session should stop
 * (the step point where the statement that diverged starts).
 */
export interface CompareView {
  readonly title: string;
  readonly summary: string;
  readonly left: string;
  readonly right: string;
  /** The scenario line of the statement after which the kernels differ (0: before the first). */
  readonly line: number;
  readonly beforeStep: number;
  readonly afterStep: number;
}

export type CompareResult = { readonly kind: 'view'; readonly view: CompareView } | { readonly kind: 'same' | 'gave-up'; readonly message: string };

export function compareView(diff: KernelDiff, fileName: string, beforeName: string): CompareResult {
  if (diff.kind === 'same') return { kind: 'same', message: `${fileName}: the same state at every statement on ${beforeName} and after (patched); both end: ${diff.end}` };
  if (diff.kind === 'gave-up') return { kind: 'gave-up', message: `${fileName}: gave up comparing after ${diff.statements} statements` };
  const d = diff.divergence;
  const where = d.ran ? `line ${d.ran.line}: ${d.ran.text}` : 'before the first statement';
  const title = `${fileName}: ${beforeName} ↔ after (patched), first divergence after ${where}`;
  const changed = d.changes.map((c) => c.path);
  const summary = `${d.changes.length} path${d.changes.length === 1 ? '' : 's'} differ${d.changes.length === 1 ? 's' : ''}${changed.length ? ` (${changed.slice(0, 4).join(', ')}${changed.length > 4 ? ', …' : ''})` : ''}${d.flow ? `; next: ${d.before.next} ↔ ${d.after.next}` : ''}`;
  const head = (name: string, next: string): string => `${fileName} on ${name}, after ${where} (next: ${next})`;
  return {
    kind: 'view',
    view: {
      title,
      summary,
      left: renderState(d.before.state, head(beforeName, d.before.next)),
      right: renderState(d.after.state, head('after (patched)', d.after.next)),
      line: d.ran?.line ?? 0,
      beforeStep: d.before.statementStep,
      afterStep: d.after.statementStep,
    },
  };
}

/** The parts of a text document that tell whether its text is still what was compared. */
export interface ComparedText {
  readonly isDirty: boolean;
  readonly version: number;
}

/**
 * Why "Debug on …" must not start from a compare: the debug session runs the
 * file on disk, the compare ran the text as it was then. Undefined: the file
 * on disk is still that text (saved, and not edited since).
 */
export function staleCompare(doc: ComparedText, comparedVersion: number, fileName: string): string | undefined {
  if (doc.version !== comparedVersion) return `${fileName} has changed since it was compared: compare again`;
  if (doc.isDirty) return `${fileName} has unsaved changes: the debugger runs the file on disk; save it and compare again`;
  return undefined;
}
