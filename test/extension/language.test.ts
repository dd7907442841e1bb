import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONSTANTS, declaredNames, loadScenario, REGISTRY } from '../../src/sim';
import { DECLARED_LINE_CHARS, DECLARED_SCAN_CHARS, DECLARED_SCAN_LINES, DeclaredNamesCache } from '../../src/extension/language/declared_scan';
import { completionsAt, CONSTANT_WINDOW, PATH_WINDOW, pathBeforeCursor } from '../../src/extension/language/completion';
import { calledProc, constantDefinition, wordAt } from '../../src/extension/language/definition';
import { MAX_SYMBOLS, outline, procDefinition } from '../../src/extension/language/outline';
import { FixableDiagnostics, quickFixes, shownDiagnostic } from '../../src/extension/language/quick_fix';
import { signatureAt } from '../../src/extension/language/signature';
import { toEditorDiagnostics } from '../../src/extension/language_info';
import { handle } from '../../src/extension/worker';

const labels = (prefix: string, above: string[] = []): string[] => completionsAt(prefix, REGISTRY, declaredNames(above, REGISTRY.verbs)).map((c) => c.label);

describe('quick fixes from the checker’s did-you-mean', () => {
  it('a misspelt register gets a fix that replaces exactly the word, the nearest one preferred', () => {
    const text = 'partition vps=1\nvpreg HV_REGISTER_VP_INDX = 1\n';
    const diags = toEditorDiagnostics(loadScenario('t.kstep', text).diagnostics);
    const fixes = quickFixes(diags, 1, 10, 10);
    expect(fixes.map((f) => [f.title, f.preferred])).toEqual([["Change to 'HV_REGISTER_VPINDEX'", true]]);
    const f = fixes[0]?.fix;
    const line = text.split('\n')[1] as string;
    expect(line.slice(0, f?.startCol) + (fixes[0]?.replacement ?? '') + line.slice(f?.endCol)).toBe('vpreg HV_REGISTER_VPINDEX = 1');
    expect(quickFixes(diags, 0, 0, 5)).toEqual([]);
  });

  it('undeclared names are warnings with their fix', () => {
    const r = loadScenario('t.kstep', 'device gpu type=private pages=2\nmigrate 0 4K to=gpv\n');
    const diags = toEditorDiagnostics([...r.diagnostics, ...(r.warnings ?? [])]);
    expect(diags[0]?.severity).toBe('warning');
    expect(quickFixes(diags, 1, 18, 18).map((f) => f.replacement)).toEqual(['gpu']);
  });
});

describe('quick fixes only from the diagnostics of the version shown', () => {
  const text = 'device gpu type=private pages=2\nmigrate 0 4K to=gpv\n';
  const r = loadScenario('t.kstep', text);
  const diags = toEditorDiagnostics([...r.diagnostics, ...(r.warnings ?? [])]);

  it('diagnostics of another version, or none after a timeout, give no fix', () => {
    const store = new FixableDiagnostics();
    store.set('u', 3, diags);
    expect(quickFixes(store.at('u', 3), 1, 18, 18).map((f) => f.replacement)).toEqual(['gpu']);
    // The document was edited since: the fix's range may cover other text now.
    expect(store.at('u', 4)).toEqual([]);
    store.set('u', 5, []);
    expect(store.at('u', 3)).toEqual([]);
    expect(store.at('u', 5)).toEqual([]);
    store.set('u', 6, diags);
    store.forget('u');
    expect(store.at('u', 6)).toEqual([]);
  });

  it('the action carries the diagnostic the editor shows, a warning as a warning; one it does not show gets no action', () => {
    const d = diags[0];
    if (!d) throw new Error('no diagnostic');
    const shown = (line: number, message: string) => ({ range: { start: { line, character: d.startCol }, end: { line, character: d.endCol } }, message, severity: 'warning' });
    const warning = shown(d.startLine, d.message);
    expect(shownDiagnostic([shown(0, 'other'), warning], d)).toBe(warning);
    expect(shownDiagnostic([shown(d.startLine + 1, d.message)], d)).toBeUndefined();
    expect(shownDiagnostic([], d)).toBeUndefined();
  });
});

describe('completion that knows the kernel', () => {
  it('registers after vpreg, and nothing but registers', () => {
    const l = labels('vpreg ');
    expect(l).toContain('HV_REGISTER_VPINDEX');
    expect(l).toContain('SINT2');
    expect(l).not.toContain('resv');
    const vp = labels('vpreg vp=1 HV_REGISTER_VP');
    expect(vp).toContain('HV_REGISTER_VPINDEX');
    expect(vp.every((r) => r.startsWith('HV_REGISTER_VP'))).toBe(true);
  });

  it('hypercalls after hvc, SCMI params after scmi set_param', () => {
    expect(labels('hvc HVCALL_SEND')).toEqual(['HVCALL_SEND_IPI', 'HVCALL_SEND_IPI_EX']);
    // `hvc raw` stays on offer beside the calls.
    expect(labels('hvc ').slice(0, 2)).toEqual(['raw', 'HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE']);
    expect(labels('scmi set_param MEMLAT_SAMPLE')).toEqual(['MEMLAT_SAMPLE_MS']);
  });

  it('the files, devices, tasks and procs declared above', () => {
    const above = ['hugetlb file f', 'hugetlb file g', 'device gpu type=private pages=4', 'task child', 'file pc size=8K', 'proc setup {', '}'];
    expect(labels('region_add ', above)).toEqual(['f', 'g']);
    expect(labels('migrate 0 4K to=', above)).toEqual(['system', 'gpu']);
    expect(labels('exit ', above)).toEqual(['init', 'child']);
    expect(labels('file write ', above)).toEqual(['pc']);
    expect(labels('call s', above)).toEqual(['setup']);
  });

  it('state paths after a root, from the mechanisms’ shapes', () => {
    const above = ['hugetlb file f', 'task child'];
    expect(labels('expect resv.', above)).toEqual(['f']);
    expect(labels('expect resv.f.', above)).toEqual(['regions', 'adds_in_progress', 'region_cache_count']);
    expect(labels('print vp[0].s', above)).toEqual(['started', 'synic', 'stimer']);
    expect(labels('expect task.', above)).toEqual(['init', 'child']);
    expect(labels('expect task.child.r', above)).toEqual(['rss']);
    expect(labels('expect hugetlb.f', above)).toEqual(['free', 'files']);
    expect(labels('expect last.re')).toEqual(['regions_needed', 'result', 'ret']);
    expect(labels('expect nosuchroot.')).toEqual([]);
  });

  it('a task’s shape is learnt from every task of the sample, not from init alone (init maps nothing)', () => {
    expect(labels('expect task.t.vma[0].', ['task t'])).toEqual(expect.arrayContaining(['start', 'end', 'prot']));
    expect(labels('expect task.t.vma[0].st', ['task t'])).toEqual(['start']);
    // Any VMA's members: a hugetlb one has its resv_map.
    expect(labels('expect task.init.vma[1].re')).toEqual(['resv', 'resv_map']);
  });
});

describe('signature help', () => {
  it('every statement has one, from its spec, with the parameter the cursor is in', () => {
    for (const v of REGISTRY.verbs.specs) expect(signatureAt(`${v.verb} `)?.label.startsWith(v.verb)).toBe(true);
    const s = signatureAt('region_add f 0 ');
    expect(s?.label).toBe('region_add <file> <f> <t> [regions_needed=<value>]');
    const p = s?.parameters[s.activeParameter]?.range ?? [0, 0];
    expect(s?.label.slice(p[0], p[1])).toBe('<t>');
    const k = signatureAt('region_add f 0 1 regions_needed=');
    const kp = k?.parameters[k.activeParameter]?.range ?? [0, 0];
    expect(k?.label.slice(kp[0], kp[1])).toBe('[regions_needed=<value>]');
    const e = signatureAt('expect last.');
    expect(e?.label).toBe('expect <expr>');
    expect(signatureAt('# vpreg ')).toBeUndefined();
    expect(signatureAt('bogus ')).toBeUndefined();
  });

  const active = (line: string): string | undefined => {
    const s = signatureAt(line);
    if (!s) return undefined;
    const p = s.parameters[s.activeParameter]?.range;
    return p ? s.label.slice(p[0], p[1]) : `${s.label} (past every parameter)`;
  };

  it('flags are not positionals, a lone = selects the value, a two-word verb counts from its second word', () => {
    expect(active('hugetlb reserve f private ')).toBe('<from>');
    expect(active('hugetlb reserve f private 0 ')).toBe('<to>');
    expect(active('vpreg HV_REGISTER_VPINDEX = ')).toBe('= <value>');
    expect(active('region_add f 0 1 regions_needed=2')).toBe('[regions_needed=<value>]');
  });

  it('reads a line as words split at any white space, whatever the spacing', () => {
    // Random lines of statement words, keys, flags, = and every kind of white space; each gives what the same
    // words joined by single spaces give.
    const words = ['region_add', 'hugetlb', 'reserve', 'vpreg', 'f', '0', '1', '=', 'private', 'regions_needed=', 'a=b', 'HV_REGISTER_VPINDEX', 'x', ''];
    const spaces = [' ', '  ', '\t', '\u00a0', '\u3000', ' \t '];
    let seed = 7;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    for (let i = 0; i < 2000; i++) {
      let line = rnd(3) === 0 ? (spaces[rnd(spaces.length)] as string) : '';
      const n = 1 + rnd(7);
      for (let w = 0; w < n; w++) line += (words[rnd(words.length)] as string) + (w < n - 1 || rnd(2) === 0 ? (spaces[rnd(spaces.length)] as string) : '');
      const canonical = line.trimStart().split(/\s+/).join(' ');
      expect(signatureAt(line), JSON.stringify(line)).toEqual(signatureAt(canonical));
    }
  });

  it('a line of megabytes is read word by word, not copied into an array of its words', () => {
    const line = `hugetlb reserve f ${'private '.repeat(500_000)}0 `;
    expect(active(line)).toBe('<to>');
    expect(active(`vpreg ${'x'.repeat(4_000_000)}`)).toBe('[register]');
  });
});

describe('outline', () => {
  it('sections (## title) hold the procs after them; procs span to their closing brace', () => {
    const text = ['## Setup', 'proc setup {', '  repeat 2 {', '    print 1', '  }', '}', '## ---- Checks ----', 'call setup', 'proc check {', '}'].join('\n');
    const o = outline(text);
    expect(o.map((s) => [s.kind, s.name, s.line, s.endLine])).toEqual([['section', 'Setup', 0, 5], ['section', 'Checks', 6, 9]]);
    expect(o[0]?.children.map((s) => [s.kind, s.name, s.line, s.endLine, s.nameCol])).toEqual([['proc', 'setup', 1, 5, 5]]);
    expect(procDefinition(text, 'check')).toEqual({ line: 8, nameCol: 5 });
    expect(procDefinition(text, 'nope')).toBeUndefined();
  });

  it('a section’s selection is its name, not the dashes around it', () => {
    const text = ['## ---- Checks ----', '##   Setup  ', '## ----'].join('\n');
    const lines = text.split('\n');
    expect(outline(text).map((s) => [s.name, lines[s.line]?.slice(s.nameCol, s.nameCol + s.name.length)])).toEqual([['Checks', 'Checks'], ['Setup', 'Setup'], ['----', '----']]);
  });

  it('a file of a million procs lists a bounded number of them', () => {
    const o = outline('proc p {\n}\n'.repeat(1_000_000));
    expect(o.length).toBe(MAX_SYMBOLS);
  });
});

describe('go to definition', () => {
  it('a proc after MAX_SYMBOLS sections is found, through the worker; a proc inside a block is not a definition', () => {
    const text = [...Array.from({ length: MAX_SYMBOLS }, (_, i) => `## part ${i}`), 'repeat 2 {', '  proc inner {', '  }', '}', '  proc late {', '}', 'call late'].join('\n');
    expect(JSON.stringify(outline(text)).includes('late')).toBe(false);
    expect(handle({ kind: 'procDefinition', file: 't.kstep', text, maxSteps: 1, proc: 'late' })).toEqual({ kind: 'procDefinition', at: { line: MAX_SYMBOLS + 4, nameCol: 7 } });
    expect(handle({ kind: 'procDefinition', file: 't.kstep', text, maxSteps: 1, proc: 'inner' })).toEqual({ kind: 'procDefinition' });
  });

  it('a constant goes to the line of the reference patch that defines it, and that line says so', () => {
    const d = constantDefinition('HVCALL_POST_MESSAGE');
    expect(d).toEqual({ file: '000_46acee50507540c3.txt', line: 204 });
    for (const [name, c] of CONSTANTS) {
      const def = constantDefinition(name);
      if (!def) continue;
      const line = readFileSync(`reference/${def.file}`, 'utf8').split('\n')[def.line - 1] ?? '';
      expect([name, line.includes(name) || line.includes(c.text)]).toEqual([name, true]);
    }
    expect(constantDefinition('ENOMEM')).toBeUndefined();
  });

  it('the word under the cursor, and the proc of a call', () => {
    expect(wordAt('hvc HVCALL_POST_MESSAGE fast', 8)?.word).toBe('HVCALL_POST_MESSAGE');
    expect(calledProc('  call setup', 9)).toBe('setup');
    expect(calledProc('  call setup', 2)).toBeUndefined();
  });
});

describe('completion stays bounded on long lines', () => {
  it('a path is looked for in the last PATH_WINDOW characters only', () => {
    expect(pathBeforeCursor(`resv${' '.repeat(10)}.`, REGISTRY.rootNames)?.path).toEqual(['resv']);
    // The root is before the window: the same text read whole would be a path.
    expect(pathBeforeCursor(`resv${' '.repeat(PATH_WINDOW)}.`, REGISTRY.rootNames)).toBeUndefined();
  });

  it('a 400 KB path line and a 400 KB word complete at once (read whole, each took minutes)', () => {
    expect(labels(`expect ${'a.'.repeat(200_000)}`)).toEqual([]);
    expect(labels(`expect ${'A'.repeat(400_000)}a`)).toEqual([]);
    // The constant being typed at the end of a long word is still found.
    expect(labels(`expect ${'x'.repeat(CONSTANT_WINDOW * 1000)}HV_REGISTER_VPIND`)).toContain('HV_REGISTER_VPINDEX');
  });
});

/** A document of lines, as the editor hands it to completion. */
const docOf = (lines: readonly string[]): { lineCount: number; lineAt: (i: number) => { text: string } } => ({ lineCount: lines.length, lineAt: (i) => ({ text: lines[i] as string }) });

describe('declared names for completion: the whole document, bounded, once per version', () => {
  const complete = (lines: string[], line: number, cache = new DeclaredNamesCache(REGISTRY.verbs)): string[] =>
    completionsAt(lines[line] as string, REGISTRY, cache.namesAt('u', 1, docOf(lines), line)).map((c) => c.label);

  it('a proc defined below its call is offered; where a proc goes, never the state roots', () => {
    expect(complete(['call ', '', 'proc late {', '}'], 0)).toEqual(['late']);
    expect(complete(['call '], 0)).toEqual([]);
    expect(complete(['call r'], 0)).toEqual([]);
    // A new name goes there: neither roots nor existing names.
    expect(complete(['device gpu type=private pages=1', 'device '], 1)).toEqual([]);
  });

  it('a declaring key (hugetlb=) offers the names of its kind already declared', () => {
    expect(complete(['hugetlb file f', 'hugetlb file g', 'mmap 0 2M hugetlb='], 2)).toEqual(['f', 'g']);
  });

  it('lines longer than DECLARED_LINE_CHARS are skipped, and the scan stops after DECLARED_SCAN_CHARS', () => {
    expect(complete(['call ', `proc long { #${'x'.repeat(DECLARED_LINE_CHARS)}`, '}'], 0)).toEqual([]);
    const filler = `# ${'f'.repeat(998)}`;
    const lines = ['call ', 'proc early {', '}', ...Array.from({ length: Math.ceil(DECLARED_SCAN_CHARS / filler.length) }, () => filler), 'proc past {', '}'];
    expect(lines.length).toBeLessThan(DECLARED_SCAN_LINES);
    expect(complete(lines, 0)).toEqual(['early']);
  });

  it('a longer document is read in a window of DECLARED_SCAN_LINES around the cursor', () => {
    const lines = ['proc first {', '}', '', ...Array.from({ length: DECLARED_SCAN_LINES * 2 }, () => ''), 'proc last {', '}', 'call '];
    expect(complete(lines, lines.length - 1)).toEqual(['last']);
    lines[1] = 'call ';
    expect(complete(lines, 1)).toEqual(['first']);
  });

  it('a second completion at the same version reads no line; a new version reads again', () => {
    const cache = new DeclaredNamesCache(REGISTRY.verbs);
    const doc = docOf(['task a', 'task b', 'exit ']);
    cache.namesAt('u', 1, doc, 2);
    expect(cache.linesRead).toBe(3);
    expect(cache.namesAt('u', 1, doc, 2).get('task')).toEqual(['a', 'b']);
    expect(cache.linesRead).toBe(3);
    cache.namesAt('u', 2, doc, 2);
    expect(cache.linesRead).toBe(6);
  });

  it('200,000 distinct declared names are collected at once (a list scan per name took minutes)', () => {
    const names = declaredNames(Array.from({ length: 200_000 }, (_, i) => `device d${i}`), REGISTRY.verbs).get('device') ?? [];
    expect(names.length).toBe(200_000);
    expect(names[199_999]).toBe('d199999');
  });
});
