/**
 * Pure language services over the scenario language: diagnostics mapping,
 * hover texts (completion is in language/completion.ts). The VS Code glue turns these into
 * editor objects; keeping them pure lets vitest check them.
 */
import type { Diagnostic, Registry } from '../sim';
import { CONSTANTS, REGISTRY } from '../sim';
import { referenceLink } from './reference';

/** A diagnostic in the editor's 0-based coordinates. */
export interface EditorDiagnostic {
  readonly startLine: number;
  readonly startCol: number;
  readonly endLine: number;
  readonly endCol: number;
  readonly message: string;
  readonly severity: 'error' | 'warning';
  /** The misspelt word and what could replace it: the quick fix. */
  readonly fix?: EditorFix;
}

export interface EditorFix {
  readonly startLine: number;
  readonly startCol: number;
  readonly endLine: number;
  readonly endCol: number;
  readonly replacements: readonly string[];
}

export function toEditorDiagnostics(diags: readonly Diagnostic[]): EditorDiagnostic[] {
  return diags.map((d) => ({
    startLine: d.range.line - 1,
    startCol: d.range.col - 1,
    endLine: d.range.endLine - 1,
    endCol: Math.max(d.range.endCol - 1, d.range.col),
    message: d.message,
    severity: d.severity,
    ...(d.fix ? { fix: { startLine: d.fix.range.line - 1, startCol: d.fix.range.col - 1, endLine: d.fix.range.endLine - 1, endCol: d.fix.range.endCol - 1, replacements: d.fix.replacements } } : {}),
  }));
}

const REFERENCE_TITLES: Record<string, string> = {
  '000': 'reference 000 (arm64 Hyper-V: hyperv-tlfs.h, mshyperv.h)',
  '001': 'reference 001 (Qualcomm SCMI memlat client)',
  '002': 'reference 002 (HMM device-private memory)',
  '003': 'reference 003 (DEVICE_COHERENT, FOLL_LRU)',
  '004': 'reference 004 (hugetlb: region_add without coalescing)',
};

/** Markdown for hovering a word of a scenario: a constant's value and where it is defined, or a statement's meaning. */
export function hoverText(word: string, isStatementWord: boolean, registry: Registry = REGISTRY): string | undefined {
  const verbs = registry.verbs;
  const c = CONSTANTS.get(word);
  if (c) {
    const hex = c.value >= 0n ? `0x${c.value.toString(16)}` : `-0x${(-c.value).toString(16)}`;
    const refKey = /^(\d{3})_/.exec(c.ref)?.[1];
    const where = refKey ? `${REFERENCE_TITLES[refKey] ?? c.ref}, line ${c.line}` : c.ref;
    return [`**${word}** = \`${hex}\` (${c.value})`, '', `Defined in ${where}:`, '', '```c', c.text, '```'].join('\n');
  }
  if (isStatementWord) {
    const spec = verbs.get(word);
    // Each statement's hover ends with a link to its section of the reference (a command link: see extension.ts).
    if (spec) return `**${word}**: ${spec.summary}${spec.sets?.length ? `\n\nSets \`last.${spec.sets.join('`, `last.')}\`` : ''}\n\n${referenceLink(word)}`;
    const subs = verbs.subverbs.get(word);
    if (subs) return `**${word}** ${subs.map((s) => `\`${s}\``).join(' | ')}\n\n${referenceLink(`${word} ${subs[0] as string}`)}`;
  }
  const root = registry.roots.find((r) => r.name === word);
  if (root) return `**${word}**: state root: ${root.summary} (use \`${word}.\` to see what it holds while debugging)`;
  return undefined;
}
