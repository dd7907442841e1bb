/**
 * `kstep why <file> <line> <expr>` (issue 18): on reference 004's worked
 * example, adds_in_progress as the statement after `region_chg f 0 5` is
 * about to run was written by region_chg's `adds_in_progress +=` line, and
 * before that by region_add's `-=` in `region_add f 5 6`.
 */
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { kstep, lineOf, ROOT } from '../support/kit';

const FILE = join('test', 'scenarios', 'resv_map_worked_example.kstep');
const TEXT = readFileSync(join(ROOT, FILE), 'utf8');

describe('kstep why', () => {
  it('names the kernel frame, the C line and the scenario statement of the last write, and the one before', () => {
    const at = lineOf(TEXT, 'region_chg f 0 5') + 1;
    const r = kstep('why', FILE, String(at), 'resv.f.adds_in_progress');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const lines = r.out.trimEnd().split('\n');
    expect(lines[0]).toMatch(new RegExp(`^resv_map_worked_example\\.kstep:${at}: resv\\.f\\.adds_in_progress = 2 \\(step \\d+\\)$`));
    expect(lines[1]).toMatch(/^ {2}last written at step \d+ · 0 ns · line \d+ · region_chg \(mm\/hugetlb\.c:\d+\): 0 → 2$/);
    expect(lines[2]?.trim()).toBe('resv->adds_in_progress += *out_regions_needed;');
    expect(lines[3]?.trim()).toBe(`(scenario line ${at - 1}: region_chg f 0 5)`);
    expect(lines[4]).toMatch(/^ {2}before that, at step \d+ · 0 ns · line \d+ · region_add \(mm\/hugetlb\.c:\d+\): 1 → 0$/);
    expect(lines[5]?.trim()).toBe('resv->adds_in_progress -= in_regions_needed;');
    expect(lines[6]?.trim()).toBe(`(scenario line ${lineOf(TEXT, 'region_add f 5 6')}: region_add f 5 6)`);
  });

  it('says when a value never changed, and refuses bad input with exit 2', () => {
    const r = kstep('why', FILE, '3', 'time.ns');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/time\.ns = 0 \(step \d+\)\n {2}unchanged since the first step point/);
    expect(kstep('why', FILE, '999', 'time.ns').err).toMatch(/line 999 .* never starts a statement/);
    expect(kstep('why', FILE, 'x', 'time.ns').code).toBe(2);
    expect(kstep('why', FILE, '3', 'resv.f.').code).toBe(2);
    expect(kstep('why', 'nonexistent.kstep', '3', 'time.ns').code).toBe(2);
  });
});
