/**
 * The kernel listings show the before code on a kernel before a patch: the
 * callers reference 003 moves to vm_normal_lru_page call vm_normal_page in
 * the frames of `kernel before=003`, and hugetlb_reserve_pages calls
 * region_chg/region_add without regions_needed on `kernel before=004`. Every
 * step point stays on the line it has in the patched listing.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSimulation, loadScenario, REGISTRY } from '../../src/sim';
import type { KernelChoice, KernelSource } from '../../src/sim';
import { ROOT } from '../support/kit';

/** Every (function, listing, line) a run on `kernel` stands at, stepping in everywhere. */
function framesOf(text: string, kernel: KernelChoice): Array<{ fn: string; source: KernelSource; line: number }> {
  const { program, diagnostics } = loadScenario('t.kstep', text);
  expect(diagnostics).toEqual([]);
  const m = createSimulation(program, { kernel, history: true }).machine;
  const out: Array<{ fn: string; source: KernelSource; line: number }> = [];
  for (let i = 0; i < 100_000 && !m.ended && !m.dead; i++) {
    m.resume('in');
    for (const f of m.frames) out.push({ fn: f.fn.name, source: f.fn.source, line: f.line });
  }
  return out;
}

const source = (path: string): KernelSource => {
  const s = REGISTRY.sources.find((x) => x.path === path);
  if (!s) throw new Error(`no listing ${path}`);
  return s;
};

describe('before=003: the callers of vm_normal_page', () => {
  const text = readFileSync(join(ROOT, 'test', 'kernels', 'coherent_003.kstep'), 'utf8');

  it('khugepaged_scan_pmd and follow_page (KSM) run from listings that call vm_normal_page', () => {
    const frames = framesOf(text, { before: '003' });
    for (const fn of ['khugepaged_scan_pmd', 'follow_page']) {
      const f = frames.find((x) => x.fn === fn);
      expect(f?.source.path, fn).toMatch(/ \(before 003\)$/);
      const body = f?.source.lines.join('\n') ?? '';
      expect(body).toContain('vm_normal_page(');
      expect(body).not.toMatch(/[^*\w]vm_normal_lru_page\(/);
    }
    // khugepaged calls vm_normal_page, and its listing says so.
    const call = frames.find((x, i) => x.fn === 'vm_normal_page' && frames[i - 1]?.fn === 'khugepaged_scan_pmd');
    expect(call).toBeDefined();
    expect(source('mm/khugepaged.c (before 003)').lines.map((l) => l.trim())).toContain('page = vm_normal_page(vma, _address, pteval);');
    expect(source('mm/khugepaged.c').lines.map((l) => l.trim())).toContain('page = vm_normal_lru_page(vma, _address, pteval);');
  });

  it('on the patched kernel the same functions run from the patched listings', () => {
    const frames = framesOf(text, {});
    const f = frames.find((x) => x.fn === 'khugepaged_scan_pmd');
    expect(f?.source.path).toBe('mm/khugepaged.c');
    expect(frames.some((x) => x.source.path.includes('before'))).toBe(false);
  });

  it('a before listing has the patched one\'s lines, functions and step points', () => {
    for (const [after, before] of [['mm/gup.c', 'mm/gup.c (before 003)'], ['mm/memory.c', 'mm/memory.c (callers, before 003)'], ['mm/hugetlb.c (pool)', 'mm/hugetlb.c (pool, before 004)']] as const) {
      const a = source(after);
      const b = source(before);
      expect(b.lines.length).toBe(a.lines.length);
      expect([...b.functions.keys()]).toEqual([...a.functions.keys()]);
      for (const [name, f] of a.functions) expect(b.functions.get(name)?.lineOf).toEqual(f.lineOf);
    }
    // vm_normal_lru_page's own definition is not rewritten: only calls are.
    expect(source('mm/memory.c (callers, before 003)').lines.some((l) => l.includes('*vm_normal_lru_page('))).toBe(true);
  });
});

describe('before=004: hugetlb_reserve_pages', () => {
  const text = 'hugetlb pool pages=4\nhugetlb file f\nhugetlb reserve f 0 3\n';

  it('calls region_chg and region_add without regions_needed', () => {
    const before = framesOf(text, { before: '004' }).filter((x) => x.fn === 'hugetlb_reserve_pages');
    const after = framesOf(text, {}).filter((x) => x.fn === 'hugetlb_reserve_pages');
    expect(before[0]?.source.path).toBe('mm/hugetlb.c (pool, before 004)');
    expect(after[0]?.source.path).toBe('mm/hugetlb.c (pool)');
    const lines = new Set(before.map((x) => (x.source.lines[x.line - 1] ?? '').trim()));
    expect(lines).toContain('chg = region_chg(resv_map, from, to);');
    expect(lines).toContain('add = region_add(resv_map, from, to);');
    const afterLines = new Set(after.map((x) => (x.source.lines[x.line - 1] ?? '').trim()));
    expect(afterLines).toContain('chg = region_chg(resv_map, from, to, &regions_needed);');
  });
});
