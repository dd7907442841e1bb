/** `kstep run --lcov` and `kstep coverage`, as a real process. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseLcov, REGISTRY } from '../../src/sim';
import { Scenarios, kstep } from '../support/kit';

const files = new Scenarios();
afterAll(() => files.dispose());

describe('kstep run --lcov', () => {
  it('runs several scenarios and writes one tracefile of what they reached together', () => {
    const out = files.write('two.info', '');
    const r = kstep('run', '--lcov', out, 'examples/resv_map.kstep', 'test/scenarios/hugetlb_pool.kstep');
    expect(r.code).toBe(0);
    const parsed = parseLcov(readFileSync(out, 'utf8'));
    const hugetlb = parsed.find((f) => f.path === 'mm/hugetlb.c');
    expect(hugetlb?.functions.find((f) => f.name === 'region_chg')?.hits).toBeGreaterThan(0);
    const pool = parsed.find((f) => f.path === 'mm/hugetlb.c (pool)');
    expect(pool?.functions.find((f) => f.name === 'set_max_huge_pages')?.hits).toBeGreaterThan(0);
    const one = files.write('one.info', '');
    expect(kstep('run', `--lcov=${one}`, 'examples/resv_map.kstep').code).toBe(0);
    const alone = parseLcov(readFileSync(one, 'utf8')).find((f) => f.path === 'mm/hugetlb.c (pool)');
    expect(alone?.functions.every((f) => f.hits === 0)).toBe(true);
  });

  it('exits with the worst code of its runs and still writes the tracefile', () => {
    const bad = files.write('bad.kstep', 'hugetlb file f\nregion_chg f 0 5\nexpect last.ret == 4\n');
    const out = files.write('bad.info', '');
    const r = kstep('run', '--lcov', out, 'examples/resv_map.kstep', bad);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${bad}:3: expect failed`);
    expect(parseLcov(readFileSync(out, 'utf8')).length).toBeGreaterThan(10);
  });

  it('refuses a missing file name and --json', () => {
    expect(kstep('run', 'examples/resv_map.kstep', '--lcov')).toMatchObject({ code: 2 });
    expect(kstep('run', '--lcov', files.write('j.info', ''), '--json', 'examples/resv_map.kstep').err).toContain('unknown option with --lcov: --json');
  });
});

describe('kstep coverage', () => {
  it('prints one row per kernel function, the same from the scenarios as from their tracefile', () => {
    const r = kstep('coverage', 'examples/resv_map.kstep');
    expect(r.code).toBe(0);
    const rows = r.out.trim().split('\n');
    expect(rows[0]).toMatch(/^function\s+file\s+hits\s+lines\s+branches$/);
    expect(rows.find((l) => l.startsWith('region_chg '))).toMatch(/^region_chg\s+mm\/hugetlb\.c\s+[1-9]\d*\s+\d+\/\d+\s+\d+\/\d+$/);
    expect(rows[rows.length - 1]).toMatch(/^total: \d+\/\d+ functions/);
    const info = files.write('c.info', '');
    kstep('run', '--lcov', info, 'examples/resv_map.kstep');
    expect(kstep('coverage', info).out).toBe(r.out);
  });

  it('--patches prints every reference patch with its modelled and exercised lines', () => {
    const r = kstep('coverage', '--patches', 'examples/resv_map.kstep');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^patch\s+added code lines\s+modelled\s+exercised\s+title$/m);
    expect(r.out).toMatch(/^004\s+\d+\s+\d+\s+\d+ \([\d.]+%\)\s+\[PATCH v7 5\/9\] hugetlb: disable region_add file_region coalescing$/m);
    expect(r.out).toMatch(/^004: \d+ modelled lines? not exercised:$/m);
  });

  it('says what is wrong with a tracefile it cannot read', () => {
    const bad = files.write('bad2.info', 'SF:mm/nowhere.c\nend_of_record\n');
    const r = kstep('coverage', bad);
    expect(r.code).toBe(2);
    expect(r.err).toContain('has no FNF');
    const foreign = files.write('f.info', 'SF:mm/nowhere.c\nFNF:0\nFNH:0\nBRF:0\nBRH:0\nLF:0\nLH:0\nend_of_record\n');
    expect(kstep('coverage', foreign).err).toContain('mm/nowhere.c is not a kernel listing of this kstep');
    expect(kstep('coverage').code).toBe(2);
  });
});

describe('kstep coverage --listings', () => {
  const GENHTML = spawnSync('genhtml', ['--version'], { encoding: 'utf8' }).status === 0;
  const dir = mkdtempSync(join(tmpdir(), 'kstep-listings-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes every listing where the tracefile names it, with the lines the debugger shows', () => {
    expect(kstep('coverage', `--listings=${dir}`).code).toBe(0);
    for (const src of REGISTRY.sources) expect(readFileSync(join(dir, src.path), 'utf8')).toBe(`${src.lines.join('\n')}\n`);
  });

  it.skipIf(!GENHTML)('genhtml renders the tracefile over them', () => {
    kstep('coverage', `--listings=${dir}`);
    expect(kstep('run', '--lcov', join(dir, 'out.info'), 'examples/resv_map.kstep').code).toBe(0);
    const r = spawnSync('genhtml', ['--branch-coverage', '-o', 'html', 'out.info'], { cwd: dir, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(existsSync(join(dir, 'html', 'mm', 'hugetlb.c.gcov.html'))).toBe(true);
  });
});
