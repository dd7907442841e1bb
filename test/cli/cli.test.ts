import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, Scenarios, cli, kstep } from '../support/kit';

const files = new Scenarios();
afterAll(() => files.dispose());

/** A scenario file for the real process; its path is in what the process prints. */
function scenario(text: string): string {
  return files.write('s.kstep', text);
}

describe('every example and test scenario passes', () => {
  const dirs = [join(ROOT, 'examples'), join(ROOT, 'test', 'scenarios')];
  for (const dir of dirs) {
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.kstep'))) {
      it(`${dir.split('/').pop()}/${f}`, () => {
        const r = cli(readFileSync(join(dir, f), 'utf8'), { file: 's.kstep' });
        expect(r.err.filter((l) => /error|failed|BUG/.test(l) && !l.startsWith('resv_map_alloc'))).toEqual([]);
        expect(r.code).toBe(0);
      });
    }
  }
});

describe('kstep run (a real process)', () => {
  it('exits 0 and prints the trace of the tour', () => {
    const r = kstep('run', '--trace', 'examples/tour.kstep');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('tour.kstep:');
    expect(r.out).toMatch(/region_add f 0 5 {2}→ region_add → add_reservation_in_range {2}last = \{ret: 3\}/);
  });

  it('exits 1 on a failed expect, with both sides, and goes on to report every failed expect', () => {
    const f = scenario('hugetlb file f\nregion_chg f 0 5\nexpect last.ret == 4\nprint "after"\nexpect last.ret == 5\nexpect last.regions_needed == 2\n');
    const r = kstep('run', f);
    expect(r.code).toBe(1);
    expect(r.err.trim().split('\n')).toEqual([
      `${f}:3: expect failed: last.ret == 4 (left = 5, right = 4)`,
      `${f}:6: expect failed: last.regions_needed == 2 (left = 1, right = 2)`,
    ]);
    expect(r.out).toContain('after');
  });

  it('--bail stops at the first failed expect', () => {
    const f = scenario('hugetlb file f\nregion_chg f 0 5\nexpect last.ret == 4\nprint "after"\nexpect last.ret == 6\n');
    const r = kstep('run', '--bail', f);
    expect(r.code).toBe(1);
    expect(r.err.trim()).toBe(`${f}:3: expect failed: last.ret == 4 (left = 5, right = 4)`);
    expect(r.out).not.toContain('after');
  });

  it('a kernel BUG after a failed expect still ends the run, and both are reported', () => {
    const f = scenario('hugetlb file f\nexpect 1 == 2\nregion_abort f 0 1 regions_needed=0\nregion_add f 0 1 regions_needed=0\nregion_add f 2 3 regions_needed=0\nregion_add f 4 9\nprint "after"\n');
    const r = kstep('run', f);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${f}:2: expect failed: 1 == 2`);
    expect(r.err).toContain(`${f}:5: BUG: t - f <= 1`);
    expect(r.out).not.toContain('after');
  });

  it('exits 1 on a kernel BUG, naming the condition and where it fired', () => {
    const f = scenario('hugetlb file f\nregion_abort f 0 1 regions_needed=0\nregion_add f 0 1 regions_needed=0\nregion_add f 2 3 regions_needed=0\nregion_add f 4 9\n');
    const r = kstep('run', f);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${f}:4: BUG: t - f <= 1`);
    expect(r.err).toContain('at region_add (mm/hugetlb.c:');
  });

  it('exits 2 on parse errors, reporting all of them and running nothing', () => {
    const f = scenario('print "ran"\nregion_chg f 0\nbogus 1\nregion_add f 0 1 colour=3\nexpect 0x\n');
    const r = kstep('run', f);
    expect(r.code).toBe(2);
    const lines = r.err.trim().split('\n');
    expect(lines).toEqual([
      `${f}:2:15: error: 'region_chg' needs <t>`,
      `${f}:3:1: error: unknown statement 'bogus'`,
      `${f}:4:18: error: unknown key 'colour' for 'region_add' (keys: regions_needed)`,
      `${f}:5:8: error: bad number '0x'`,
      '4 errors; nothing was run',
    ]);
    expect(r.out).toBe('');
  });

  it('exits 2 on a run-time scenario error, with file, line and column', () => {
    const f = scenario('hugetlb file f\nregion_chg g 0 1\n');
    const r = kstep('run', f);
    expect(r.code).toBe(2);
    // The checker warns of the undeclared name before the run; the run stops there.
    expect(r.err.trim()).toBe(`${f}:2:12: warning: no hugetlbfs file 'g' is declared in this scenario\n${f}:2:12: error: no hugetlb file 'g' (files: f)`);
  });

  it('says what a statement refuses instead of crashing: a hugetlbfs file is not a page-cache file', () => {
    const f = scenario('hugetlb file f\nmmap 0x200000 2M file=f\n');
    const r = kstep('run', f);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`${f}:2:23: error: no file 'f' (create one with: file f size=<len>)`);
  });

  it('exits 2 for a missing file and for bad usage', () => {
    expect(kstep('run', '/nonexistent/x.kstep')).toMatchObject({ code: 2, err: "kstep: scenario '/nonexistent/x.kstep' does not exist\n" });
    expect(kstep('run').code).toBe(2);
    expect(kstep('run', '--bogus', 'examples/tour.kstep').err).toContain('unknown option --bogus');
    expect(kstep('frobnicate').code).toBe(2);
    expect(kstep('--version')).toMatchObject({ code: 0, out: '0.1.0\n' });
  });

  it('--json prints the final state tree, alone on stdout', () => {
    const r = kstep('run', '--json', 'examples/resv_map.kstep');
    expect(r.code).toBe(0);
    const state = JSON.parse(r.out) as { resv: Record<string, { regions: number[][]; adds_in_progress: number; region_cache_count: number }>; time: { ticks: number; ns: number } };
    expect(state.resv.f?.regions).toEqual([[0, 1], [3, 4], [4, 5], [5, 6]]);
    expect(state.resv.g).toEqual({ regions: [[1, 2]], adds_in_progress: 2, region_cache_count: 0 });
    expect(state.time).toEqual({ ticks: 0, ns: 0 });
  });

  it('--json turns u64 values above 2^53 into hex strings', () => {
    const r = cli('advance 3000000000s\nadvance 7ns\n', { file: 's.kstep', json: true });
    expect(r.code).toBe(0);
    const state = JSON.parse(r.out.join('\n')) as { time: { ns: string; ticks: string } };
    expect(state.time.ns).toBe(`0x${(3_000_000_000n * 1_000_000_000n + 7n).toString(16)}`);
    expect(state.time.ticks).toBe(`0x${(30_000_000_000_000_000n).toString(16)}`);
  });

  it('keeps stdout for JSON and sends print output to stderr with --json', () => {
    const r = cli('print "hello"\n', { file: 's.kstep', json: true });
    expect(r.err).toEqual(['hello']);
    expect(() => JSON.parse(r.out.join('\n')) as unknown).not.toThrow();
  });
});
