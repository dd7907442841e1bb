import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hoverText } from '../../src/extension/language_info';
import { headingLine, headingSlug, OPEN_REFERENCE, REFERENCE_PAGES, statementsMarkdown, usage } from '../../src/extension/reference';
import type { ReferenceTarget } from '../../src/extension/reference';
import { REGISTRY } from '../../src/sim';

const ROOT = join(__dirname, '..', '..');
const STATEMENTS = join(ROOT, REFERENCE_PAGES.statements);

/** The anchors the Markdown preview gives the headings of a page. */
const anchors = (md: string): string[] => [...md.matchAll(/^#+ (.+)$/gm)].map((m) => headingSlug(m[1] as string));

/** The command link at the end of a hover: its command and argument. */
function linkOf(hover: string): { command: string; target: ReferenceTarget } {
  const m = /\]\(command:([\w.]+)\?([^ )]+) "[^"]*"\)$/.exec(hover);
  if (!m) throw new Error(`no command link at the end of: ${hover}`);
  const [target] = JSON.parse(decodeURIComponent(m[2] as string)) as [ReferenceTarget];
  return { command: m[1] as string, target };
}

describe('the statement reference (docs/statements.md)', () => {
  it('is written from the statement table: every statement the parser takes, and nothing else', () => {
    const text = statementsMarkdown(REGISTRY);
    if (process.env.KSTEP_UPDATE_GOLDEN) writeFileSync(STATEMENTS, text);
    expect(readFileSync(STATEMENTS, 'utf8')).toBe(text);
    for (const s of REGISTRY.verbs.specs) expect(text).toContain(`\n### ${s.verb}\n`);
    expect(text.match(/^### /gm)).toHaveLength(REGISTRY.verbs.specs.length);
  });

  it('gives every heading a distinct anchor', () => {
    const a = anchors(readFileSync(STATEMENTS, 'utf8'));
    expect(new Set(a).size).toBe(a.length);
  });

  it('writes a statement as it is typed', () => {
    expect(usage(REGISTRY.verbs.get('region_chg') ?? REGISTRY.verbs.specs[0]!)).toMatch(/^region_chg <\w+> <\w+> <\w+>/);
    expect(usage(REGISTRY.verbs.get('repeat')!)).toBe('repeat <count> { ... }');
    expect(usage(REGISTRY.verbs.get('print')!)).toBe('print <expr>, ...');
  });

  it('ships with its notes page: both are files of the extension', () => {
    for (const p of Object.values(REFERENCE_PAGES)) expect(existsSync(join(ROOT, p))).toBe(true);
  });
});

describe('hover links into the reference', () => {
  it('a statement hover ends with a link to its section of the statement reference', () => {
    const md = readFileSync(STATEMENTS, 'utf8');
    for (const verb of ['region_chg', 'advance', 'migrate']) {
      const h = hoverText(verb, true) ?? '';
      const { command, target } = linkOf(h);
      expect(command).toBe(OPEN_REFERENCE);
      expect(target).toEqual({ page: 'statements', section: headingSlug(verb) });
      expect(anchors(md)).toContain(target.section);
    }
  });

  it('a verb with sub-verbs links to its first sub-verb, whose section exists', () => {
    const { target } = linkOf(hoverText('hugetlb', true) ?? '');
    expect(target.section).toMatch(/^hugetlb-/);
    expect(anchors(readFileSync(STATEMENTS, 'utf8'))).toContain(target.section);
  });

  it('constants and state roots carry no command link', () => {
    expect(hoverText('HVCALL_POST_MESSAGE', false)).not.toContain('command:');
    expect(hoverText('resv', false)).not.toContain('command:');
  });
});

describe('headingLine: where the command scrolls to', () => {
  it('finds a statement heading by its anchor, not a line inside a code block', () => {
    const md = readFileSync(STATEMENTS, 'utf8');
    const line = headingLine(md, headingSlug('region_chg'));
    expect(md.split('\n')[line ?? -1]).toBe('### region_chg');
    expect(headingLine('```\n# not a heading\n```\n# a heading\n', 'not-a-heading')).toBeUndefined();
    expect(headingLine('```\n# not a heading\n```\n# a heading\n', 'a-heading')).toBe(3);
  });
});
