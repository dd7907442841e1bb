/**
 * The statement reference that ships in the .vsix (docs/statements.md),
 * written from the registry's statement table so it can never list a
 * statement the parser does not take, and the hover links into it. Pure:
 * the extension registers the command that opens it.
 */
import type { KeySpec, PosSpec, Registry, VerbSpec } from '../sim';

/** The command hovers link to: opens the reference in Markdown preview, at a section when given. */
export const OPEN_REFERENCE = 'kstep.openLanguageReference';

/** The pages it opens, relative to the extension's root. */
export const REFERENCE_PAGES = { notes: 'docs/scenario-language.md', statements: 'docs/statements.md' } as const;
export type ReferencePage = keyof typeof REFERENCE_PAGES;

/** What the command takes: which page, and the heading's anchor on it. */
export interface ReferenceTarget {
  readonly page?: ReferencePage;
  readonly section?: string;
}

/** The anchor VS Code's Markdown preview gives a heading: lower case, spaces to dashes, punctuation dropped. */
export function headingSlug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/\s+/g, '-')
    .replace(/[^\p{L}\p{N}_-]/gu, '')
    .replace(/^-+|-+$/g, '');
}

/** The 0-based line of the heading whose anchor is `slug`, outside code blocks; undefined when there is none. */
export function headingLine(markdown: string, slug: string): number | undefined {
  let fenced = false;
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i] as string;
    if (l.startsWith('```')) fenced = !fenced;
    const h = fenced ? null : /^#{1,6} (.+)$/.exec(l);
    if (h && headingSlug(h[1] as string) === slug) return i;
  }
  return undefined;
}

/** A `command:` link that opens the statement reference at a verb's section (trusted only for OPEN_REFERENCE). */
export function referenceLink(verb: string): string {
  const arg: ReferenceTarget = { page: 'statements', section: headingSlug(verb) };
  return `[Language reference: ${verb}](command:${OPEN_REFERENCE}?${encodeURIComponent(JSON.stringify([arg]))} "Open the kstep language reference at ${verb}")`;
}

const value = (k: KeySpec | PosSpec, name: string): string => (k.kind === 'word' && k.words ? k.words.join('|') : `<${name}>`);

/** The statement as written: `region_chg <file> <from> <to>`, keys `[size=<size>]`, flags `[shared]`. */
export function usage(spec: VerbSpec): string {
  const parts = [spec.verb];
  for (const a of spec.args) parts.push(a.optional ? `[${value(a, a.name)}]` : value(a, a.name));
  if (spec.assign) parts.push('= <value>');
  if (spec.rest === 'expr') parts.push('<expr>');
  if (spec.rest === 'exprs') parts.push('<expr>, ...');
  for (const [k, ks] of Object.entries(spec.keys ?? {})) parts.push(spec.required?.includes(k) ? `${k}=${value(ks, k)}` : `[${k}=${value(ks, k)}]`);
  for (const f of spec.flags ?? []) parts.push(`[${f}]`);
  if (spec.block) parts.push('{ ... }');
  return parts.join(' ');
}

/** docs/statements.md: every statement by mechanism, one heading each (the hovers' anchors). */
export function statementsMarkdown(registry: Registry): string {
  const titles = new Map<string, string>([['general', 'General statements'], ...registry.mechanisms.map((m) => [m.id, m.title] as const)]);
  const out = [
    '# kstep statement reference',
    '',
    'Every statement a scenario may write, as the parser takes it, by mechanism. Written from the',
    'statement table (`npx vitest run test/extension/reference.test.ts` with `KSTEP_UPDATE_GOLDEN=1`',
    'rewrites it). What each statement does in detail, its errors and its state are in',
    '[the notes on the scenario language](scenario-language.md).',
    '',
    'Usage: `<x>` is a value (a number, an expression, or a name), `a|b` one of those words,',
    '`[...]` optional.',
  ];
  for (const [id, title] of titles) {
    const specs = registry.verbs.specs.filter((s) => s.section === id);
    if (!specs.length) continue;
    out.push('', `## ${title}`);
    for (const s of specs) {
      out.push('', `### ${s.verb}`, '', '```kstep', usage(s), '```', '', `${s.summary[0]?.toUpperCase() ?? ''}${s.summary.slice(1)}.`);
      if (s.sets?.length) out.push('', `Sets ${s.sets.map((x) => `\`last.${x}\``).join(', ')}.`);
    }
  }
  return `${out.join('\n')}\n`;
}
