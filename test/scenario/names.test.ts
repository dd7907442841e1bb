import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/sim';
import { MAX_SUGGESTED_WORD, suggestions } from '../../src/sim/scenario/did_you_mean';
import { MAX_DIAGNOSTICS } from '../../src/sim/scenario/parse_file';

const load = (text: string) => loadScenario('t.kstep', text);

describe('names the checker knows: did you mean, with a fix', () => {
  it('a misspelt register after vpreg, read or assigned, is an error with the nearest register as its fix', () => {
    const { diagnostics } = load('partition vps=1\nvpreg HV_REGISTER_VP_INDX\nvpreg HV_REGISTER_VP_INDX = 1\nvpreg SINT2 = 5\nvpreg 0x90003\n');
    expect(diagnostics.map((d) => [d.range.line, d.message])).toEqual([
      [2, "unknown register 'HV_REGISTER_VP_INDX': did you mean HV_REGISTER_VPINDEX?"],
      [3, "unknown register 'HV_REGISTER_VP_INDX': did you mean HV_REGISTER_VPINDEX?"],
    ]);
    expect(diagnostics[0]?.fix).toEqual({ range: { line: 2, col: 7, endLine: 2, endCol: 26 }, replacements: ['HV_REGISTER_VPINDEX'] });
  });

  it('a misspelt hypercall after hvc; the short form and a call code are accepted', () => {
    const { diagnostics } = load('partition vps=1\nhvc HVCALL_POST_MESAGE\nhvc POST_MESSAGE\nhvc 0x5c\n');
    expect(diagnostics.map((d) => d.message)).toEqual(["unknown hypercall 'HVCALL_POST_MESAGE': did you mean HVCALL_POST_MESSAGE?"]);
    expect(diagnostics[0]?.fix?.replacements).toEqual(['HVCALL_POST_MESSAGE']);
  });

  it('a misspelt SCMI param', () => {
    const { diagnostics } = load('scmi set_param MEMLAT_SAMPLE_MX val=4\nscmi get_param MEMLAT_SAMPLE_MS\n');
    expect(diagnostics.map((d) => d.message)).toEqual(["unknown SCMI param 'MEMLAT_SAMPLE_MX': did you mean MEMLAT_SAMPLE_MS?"]);
  });

  it('a misspelt statement word and key get the fix too; a word like no other gets none', () => {
    const { diagnostics } = load('hugetlb file f\nregon_chg f 0 1\nregion_add f 0 1 regions=1\nzzzzzz\n');
    expect(diagnostics.map((d) => [d.message, d.fix?.replacements])).toEqual([
      ["unknown statement 'regon_chg': did you mean region_chg?", ['region_chg']],
      ["unknown key 'regions' for 'region_add': did you mean regions_needed?", ['regions_needed']],
      ["unknown statement 'zzzzzz'", undefined],
    ]);
  });

  it('a call of a misspelt proc', () => {
    const { diagnostics } = load('proc setup {\n  print 1\n}\ncall setpu\n');
    expect(diagnostics.map((d) => [d.message, d.fix?.replacements])).toEqual([["no proc named 'setpu': did you mean setup?", ['setup']]]);
  });

  it('files, devices, tasks and mounts used and never declared are warnings (the run stops there); declared anywhere in the file is enough', () => {
    const r = load([
      'device gpu type=private pages=4',
      'task alpha',
      'migrate 0x1000 4K to=gpx',
      'migrate 0x1000 4K to=system',
      'exit alpah',
      'exit init',
      'region_chg g 0 1',
      'hugetlb file g',
      'file write pc 0 1',
      'mmap 0x200000 2M hugetlb=h shared',
      'region_add h 0 1',
    ].join('\n'));
    expect(r.diagnostics).toEqual([]);
    expect(r.warnings?.map((d) => [d.range.line, d.severity, d.message])).toEqual([
      [3, 'warning', "no device 'gpx' is declared in this scenario: did you mean gpu?"],
      [5, 'warning', "no task 'alpah' is declared in this scenario: did you mean alpha?"],
      [9, 'warning', "no file 'pc' is declared in this scenario (file <name> size=<len>)"],
    ]);
    expect(r.warnings?.[0]?.fix?.replacements).toEqual(['gpu']);
  });

  it('a fork without a name makes task names unknowable: no warning for them', () => {
    expect(load('fork\nexit init_child\n').warnings).toEqual([]);
  });

  it('the examples and the scenario suite have no warnings and no errors', async () => {
    const { readdirSync, readFileSync } = await import('node:fs');
    const files = [...readdirSync('examples').map((f) => `examples/${f}`), ...readdirSync('test/scenarios').map((f) => `test/scenarios/${f}`)].filter((f) => f.endsWith('.kstep'));
    expect(files.length).toBeGreaterThan(10);
    for (const f of files) {
      const r = load(readFileSync(f, 'utf8'));
      expect([f, ...r.diagnostics.map((d) => d.message), ...(r.warnings ?? []).map((d) => d.message)]).toEqual([f]);
    }
  });
});

describe('state paths in expect and print: did you mean, as warnings', () => {
  it('a member the state does not have, with the nearest as its fix; a name of a declared kind must be declared', () => {
    const r = load(['hugetlb file f', 'partition vps=1', 'expect resv.f.regons == []', 'print vp[0].synic.active, vp[0].synci', 'expect resv.g.regions == []', 'expect last.rett == 0', 'expect task.init.rss == 0', 'print hugetlb.free'].join('\n'));
    expect(r.diagnostics).toEqual([]);
    expect(r.warnings?.map((d) => [d.range.line, d.range.col, d.message, d.fix?.replacements])).toEqual([
      [3, 15, "resv.f has no 'regons': did you mean regions?", ['regions']],
      [4, 33, "vp[…] has no 'synci': did you mean synic?", ['synic']],
      [5, 13, "no hugetlbfs file 'g' is declared in this scenario", undefined],
      [6, 13, "last has no 'rett': did you mean ret?", ['ret']],
    ]);
  });
});

describe('the path check stays linear', () => {
  it('a print of 400,000 numbers loads at once (the gate read the rest of the line per expression: minutes)', () => {
    const r = load(`print ${Array.from({ length: 400_000 }, () => '1').join(', ')}\n`);
    expect(r.diagnostics).toEqual([]);
    expect(r.warnings).toEqual([]);
    // The gate still lets a path through, wherever it stands.
    expect(load(`hugetlb file f\nprint ${Array.from({ length: 1_000 }, () => '1').join(', ')}, resv.f.regionz\n`).warnings?.map((w) => w.message)).toEqual(["resv.f has no 'regionz': did you mean regions?"]);
  });
});

describe('warnings as the errors are', () => {
  it('a path’s suggestions are listed as every other did-you-mean', () => {
    expect(load('partition vps=1\nprint vp[0].reg.CRASH_Pz\n').warnings?.map((w) => w.message)).toEqual(["vp[…].reg has no 'CRASH_Pz': did you mean CRASH_P0, CRASH_P1 or CRASH_P2?"]);
  });

  it('sorted by line before they are cut to MAX_DIAGNOSTICS', () => {
    const text = ['migrate 0 4K to=gpv', ...Array.from({ length: MAX_DIAGNOSTICS + 20 }, (_, i) => `print hugetlb.x${i}`), 'device gpu type=private pages=2'].join('\n');
    const w = load(text).warnings ?? [];
    expect(w.length).toBe(MAX_DIAGNOSTICS);
    expect(w[0]?.message).toMatch(/^no device 'gpv'/);
    expect(w.map((d) => d.range.line)).toEqual([...w.map((d) => d.range.line)].sort((a, b) => a - b));
  });
});

describe('did you mean stays bounded', () => {
  it('a word longer than MAX_SUGGESTED_WORD gets no suggestion, one within it does', () => {
    const near = (len: number): string[] => suggestions(`${'q'.repeat(len - 1)}x`, [`${'q'.repeat(len - 1)}y`]);
    expect(near(MAX_SUGGESTED_WORD)).toEqual([`${'q'.repeat(MAX_SUGGESTED_WORD - 1)}y`]);
    expect(near(MAX_SUGGESTED_WORD + 1)).toEqual([]);
    expect(load(`partition vps=1\n${Array.from({ length: 20 }, () => `vpreg ${'Q'.repeat(200_000)}`).join('\n')}\n`).diagnostics[0]?.message).toMatch(/^unknown register 'Q+'$/);
  });

  it('names whose length differs by more than the limit are not measured (2,000 names of 100 K characters: minutes)', () => {
    const long = 'b'.repeat(100_000);
    expect(suggestions('a'.repeat(60), Array.from({ length: 2_000 }, () => long))).toEqual([]);
    // Containing the word still counts, at any length.
    expect(suggestions('VPINDEX', ['HV_REGISTER_VPINDEX'])).toEqual(['HV_REGISTER_VPINDEX']);
  });
});

describe('what stays for the run to judge', () => {
  it('a parenthesised expression is not a name, and the console says did you mean too', async () => {
    expect(load('partition vps=1\nhvc (SELF)\nvpreg (present)\n').diagnostics).toEqual([]);
    const { compileLine, createSimulation, REGISTRY } = await import('../../src/sim');
    const sim = createSimulation(load('partition vps=1\n').program, {}, REGISTRY);
    expect(compileLine(sim, 'hvc HVCALL_POST_MESAGE')).toEqual({ error: "unknown hypercall 'HVCALL_POST_MESAGE': did you mean HVCALL_POST_MESSAGE?" });
  });
});

describe('vpreg written as set/get', () => {
  it('says the assignment the author meant', () => {
    expect(load('vpreg set HV_REGISTER_VP_INDX 1\n').diagnostics.map((d) => d.message)).toEqual([
      "unexpected argument for 'vpreg' (it takes [register], or <register> = <value>): write vpreg HV_REGISTER_VP_INDX = 1",
    ]);
  });
});
