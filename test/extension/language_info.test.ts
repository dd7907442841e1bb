import { describe, expect, it } from 'vitest';
import { completionsAt } from '../../src/extension/language/completion';
import { hoverText, toEditorDiagnostics } from '../../src/extension/language_info';
import { loadScenario } from '../../src/sim';

describe('diagnostics mapping', () => {
  it('turns 1-based file:line:col ranges into the editor’s 0-based ranges, every error of the file', () => {
    const { diagnostics } = loadScenario('s.kstep', 'hugetlb file f\nregion_chg f 0\nbogus\n');
    expect(toEditorDiagnostics(diagnostics)).toEqual([
      { startLine: 1, startCol: 14, endLine: 1, endCol: 15, message: "'region_chg' needs <t>", severity: 'error' },
      { startLine: 2, startCol: 0, endLine: 2, endCol: 5, message: "unknown statement 'bogus'", severity: 'error' },
    ]);
  });

  it('never yields an empty range', () => {
    const mapped = toEditorDiagnostics([{ file: 'f', range: { line: 3, col: 5, endLine: 3, endCol: 5 }, message: 'm', severity: 'error' }]);
    expect(mapped[0]?.endCol).toBeGreaterThan(mapped[0]?.startCol ?? 0);
  });
});

describe('hover', () => {
  it('shows a constant’s value and the reference patch line that defines it', () => {
    const h = hoverText('HVCALL_POST_MESSAGE', false) ?? '';
    expect(h).toContain('**HVCALL_POST_MESSAGE** = `0x5c` (92)');
    expect(h).toContain('reference 000');
    expect(h).toContain('#define HVCALL_POST_MESSAGE');
    expect(hoverText('MEMLAT_SAMPLE_MS', false)).toContain('reference 001');
    expect(hoverText('ENOMEM', false)).toContain('SCENARIO.md');
  });

  it('explains statement words at the start of a line, and state roots', () => {
    expect(hoverText('region_chg', true)).toContain('`last.ret`');
    expect(hoverText('hugetlb', true)).toContain('`file`');
    expect(hoverText('resv', false)).toContain('state root');
    expect(hoverText('f', false)).toBeUndefined();
  });
});

describe('completion', () => {
  const labels = (prefix: string): string[] => completionsAt(prefix).map((c) => c.label);

  it('offers statement words at the start of a line', () => {
    expect(labels('reg')).toEqual(['region_abort', 'region_add', 'region_chg', 'region_count', 'region_del']);
    expect(labels('')).toContain('expect');
  });

  it('offers the sub-verbs after hugetlb, scmi, memlat', () => {
    expect(labels('hugetlb ')).toEqual(['pool', 'file', 'reserve', 'overcommit', 'mount', 'punch', 'truncate']);
    expect(labels('scmi s')).toEqual(['set_param', 'start', 'stop']);
  });

  it('offers a verb’s keys and flags, state roots and constants', () => {
    expect(labels('region_add f 0 5 reg')).toContain('regions_needed=');
    expect(labels('mmap 0x1000 4K pri')).toContain('private');
    expect(labels('expect re')).toContain('resv');
    expect(labels('hvc HVCALL_PO')).toEqual(['HVCALL_POST_MESSAGE']);
  });

  it('offers nothing inside a comment', () => {
    expect(labels('# reg')).toEqual([]);
  });
});
