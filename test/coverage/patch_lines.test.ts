/**
 * The table of listing lines per reference patch (src/sim/coverage/patch_lines.ts)
 * is generated from the posts in ../shared/reference: this checks it is
 * current, and KSTEP_UPDATE_PATCHES=1 rewrites it. Without the references
 * (a checkout outside the project's workspace) there is nothing to compare.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REGISTRY } from '../../src/sim';
import { PATCH_TABLES } from '../../src/sim/coverage/patch_lines';
import { addedLines, mapAdded, patchTable, patchTablesSource } from '../../src/sim/coverage/patch_map';
import { ROOT } from '../support/kit';

const REFS = process.env.KSTEP_REFERENCE ?? join(ROOT, '..', 'shared', 'reference');
const OUT = join(ROOT, 'src', 'sim', 'coverage', 'patch_lines.ts');
const posts = existsSync(REFS) ? readdirSync(REFS).filter((n) => /^\d{3}_\w+\.txt$/.test(n)).sort() : [];

describe('patch lines', () => {
  it.skipIf(!posts.length)('the table matches the reference posts', () => {
    const text = patchTablesSource(posts.map((p) => patchTable(p, readFileSync(join(REFS, p), 'utf8'), REGISTRY.sources)));
    if (process.env.KSTEP_UPDATE_PATCHES) writeFileSync(OUT, text);
    expect(readFileSync(OUT, 'utf8')).toBe(text);
  });

  it('every line of the table is a line of its listing with the text the patch adds', () => {
    const sources = new Map(REGISTRY.sources.map((s) => [s.path, s]));
    expect(PATCH_TABLES.length).toBeGreaterThan(0);
    for (const t of PATCH_TABLES) {
      for (const [, hunk, listing, line, text] of t.lines) {
        expect(t.hunks[hunk]).toBeDefined();
        const src = sources.get(listing);
        expect(src, listing).toBeDefined();
        expect((src?.lines[line - 1] ?? '').replace(/\s+/g, '')).toContain(text.replace(/\/\*.*?\*\//g, '').replace(/\/\/.*$/, '').replace(/\s+/g, ''));
      }
    }
  });

  it('reads quoted diffs, names the function of each added line and keeps repeated text in the patch order', () => {
    const post = [
      '> diff --git a/mm/x.c b/mm/x.c',
      '> @@ -1,3 +1,6 @@ static int f(int a)',
      '>  {',
      '> +\tif (a)',
      '> +\t\treturn -1;',
      '> +\treturn -1;',
      'a reviewer writes here',
      '>  }',
    ].join('\n');
    const added = addedLines(post);
    expect(added.map((a) => [a.at, a.file, a.fn, a.text])).toEqual([
      [4, 'mm/x.c', 'f', '\tif (a)'],
      [5, 'mm/x.c', 'f', '\t\treturn -1;'],
      [6, 'mm/x.c', 'f', '\treturn -1;'],
    ]);
    const src = { path: 'mm/x.c', lines: ['static int f(int a)', '{', '\tif (a)', '\t\treturn -1;', '\treturn -1;', '}'], functions: new Map() };
    const f = { name: 'f', source: src, line: 1, labels: new Map<string, number>(), lineOf: {} };
    src.functions.set('f', f);
    expect(mapAdded(added, [src]).map((m) => m.lines)).toEqual([[3], [4], [5]]);
  });
});
