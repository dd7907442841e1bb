/**
 * Pure language services over the scenario language: diagnostics mapping,
 * hover texts and completion items. The VS Code glue turns these into
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
}

export function toEditorDiagnostics(diags: readonly Diagnostic[]): EditorDiagnostic[] {
  return diags.map((d) => ({
    startLine: d.range.line - 1,
    startCol: d.range.col - 1,
    endLine: d.range.endLine - 1,
    endCol: Math.max(d.range.endCol - 1, d.range.col),
    message: d.message,
    severity: d.severity,
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

export interface CompletionEntry {
  readonly label: string;
  readonly kind: 'keyword' | 'constant' | 'variable' | 'property';
  readonly detail?: string;
  /** Text to insert when it differs from the label (`regions_needed=`). */
  readonly insert?: string;
}

/**
 * Completions for a line typed so far: statement words at the start, the
 * sub-verbs after `hugetlb` and friends, a verb's keys, state roots and
 * constant names elsewhere.
 */
export function completionsAt(linePrefix: string, registry: Registry = REGISTRY): CompletionEntry[] {
  const verbs = registry.verbs;
  const code = linePrefix.replace(/#.*$/, '');
  if (code.length !== linePrefix.length) return [];
  const words = code.trimStart().split(/\s+/);
  const current = words[words.length - 1] ?? '';
  if (words.length === 1) {
    return verbs.words.filter((w) => w.startsWith(current)).map((w) => ({ label: w, kind: 'keyword', detail: verbs.get(w)?.summary ?? `${w} ${(verbs.subverbs.get(w) ?? []).join('|')}` }));
  }
  const head = words[0] as string;
  const subs = verbs.subverbs.get(head);
  const out: CompletionEntry[] = [];
  if (subs && words.length === 2) {
    for (const s of subs) if (s.startsWith(current)) out.push({ label: s, kind: 'keyword', detail: verbs.get(`${head} ${s}`)?.summary ?? '' });
    // `hvc` is a statement of its own too (`hvc HVCALL_POST_MESSAGE`): go on to its arguments.
    if (!verbs.has(head)) return out;
  }
  const verb = subs && verbs.has(`${head} ${words[1]}`) ? `${head} ${words[1]}` : head;
  const spec = verbs.get(verb);
  if (/^[A-Za-z_]\w*$/.test(current) || current === '') {
    for (const k of Object.keys(spec?.keys ?? {})) if (k.startsWith(current)) out.push({ label: `${k}=`, kind: 'property', insert: `${k}=`, detail: `${verb} key` });
    for (const f of spec?.flags ?? []) if (f.startsWith(current)) out.push({ label: f, kind: 'keyword', detail: `${verb} flag` });
    for (const r of registry.roots) if (r.name.startsWith(current)) out.push({ label: r.name, kind: 'variable', detail: r.summary });
  }
  const constPrefix = /([A-Z_][A-Z0-9_]*)$/.exec(current)?.[1];
  if (constPrefix !== undefined && constPrefix.length >= 1) {
    for (const [name, c] of CONSTANTS) if (name.startsWith(constPrefix)) out.push({ label: name, kind: 'constant', detail: `= 0x${c.value.toString(16)}` });
  }
  return out;
}
