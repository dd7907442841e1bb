/**
 * What "Compare with the Kernel Before Patch" opens: the worked example of
 * reference 004 diverges at `region_add f 0 5` (one coalesced region on the
 * kernel before, five after), the title names it, the two documents line up
 * path by path with the regions differing, and each side's debug session
 * stops where that statement starts. The worker runs the same code.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSimulation, diffKernels, kernelName, loadScenario } from '../../src/sim';
import type { KernelChoice } from '../../src/sim';
import { compareView, staleCompare } from '../../src/extension/kernel_compare_view';
import type { CompareView } from '../../src/extension/kernel_compare_view';
import { ROOT } from '../support/kit';

function load(rel: string): { text: string; file: string } {
  const file = join(ROOT, rel);
  return { file, text: readFileSync(file, 'utf8') };
}

function view(rel: string, k: KernelChoice, only: string[] = []): ReturnType<typeof compareView> {
  const { file, text } = load(rel);
  const { program, diagnostics } = loadScenario(file, text);
  expect(diagnostics).toEqual([]);
  return compareView(diffKernels(program, k, only), file.split('/').pop() ?? file, kernelName(k));
}

const lineOf = (text: string, stmt: string): number => text.split('\n').findIndex((l) => l.trim() === stmt) + 1;

describe('compareView', () => {
  it('the worked example of 004 over the whole state: region_chg f 2 3 returns another count first', () => {
    const v = (view('test/kernels/worked_004.kstep', { before: '004' }) as { view: CompareView }).view;
    const line = lineOf(load('test/kernels/worked_004.kstep').text, 'region_chg f 2 3');
    expect(v.title).toBe(`worked_004.kstep: before=004 ↔ after (patched), first divergence after line ${line}: region_chg f 2 3`);
    expect(v.summary).toBe('1 path differs (last.ret)');
    expect(v.left).toContain('\nlast.ret = 2\n');
    expect(v.right).toContain('\nlast.ret = 1\n');
  });

  it('the worked example of 004 on resv.f.regions: first divergence after region_add f 0 5, regions differing line by line', () => {
    const r = view('test/kernels/worked_004.kstep', { before: '004' }, ['resv.f.regions']);
    expect(r.kind).toBe('view');
    const v = (r as { view: CompareView }).view;
    const line = lineOf(load('test/kernels/worked_004.kstep').text, 'region_add f 0 5');
    expect(v.line).toBe(line);
    expect(v.title).toBe(`worked_004.kstep: before=004 ↔ after (patched), first divergence after line ${line}: region_add f 0 5`);
    const left = v.left.split('\n');
    const right = v.right.split('\n');
    expect(left.find((l) => l.startsWith('resv.f.regions = '))).toBe('resv.f.regions = [[0,6]]');
    expect(right.find((l) => l.startsWith('resv.f.regions = '))).toBe('resv.f.regions = [[0,1],[1,2],[2,3],[3,5],[5,6]]');
    expect(v.summary).toMatch(/resv\.f\.regions/);
    // Both sides list the same paths in the same order, so the diff editor pairs them.
    const paths = (t: string[]): string[] => t.filter((l) => l.includes(' = ')).map((l) => l.split(' = ')[0] as string);
    expect(paths(left).filter((p) => !p.startsWith('last.'))).toEqual(paths(right).filter((p) => !p.startsWith('last.')));
  });

  it('each side stops where the divergent statement starts on its kernel', () => {
    const v = (view('test/kernels/worked_004.kstep', { before: '004' }, ['resv.f.regions']) as { view: CompareView }).view;
    const { text } = load('test/kernels/worked_004.kstep');
    for (const [k, step] of [[{ before: '004' }, v.beforeStep], [{}, v.afterStep]] as Array<[KernelChoice, number]>) {
      const s = createSimulation(loadScenario('w.kstep', text).program, { kernel: k, history: true });
      s.machine.goto(step);
      expect(s.machine.statement?.text).toBe('region_add f 0 5');
      expect(s.machine.at).toBe('stmt');
      expect(s.machine.statement?.line).toBe(v.line);
    }
  });

  it('a scenario the patch does not touch is the same on both kernels', () => {
    const r = view('test/scenarios/hyperv_synic.kstep', { before: '004' });
    expect(r).toEqual({ kind: 'same', message: 'hyperv_synic.kstep: the same state at every statement on before=004 and after (patched); both end: end of scenario' });
  });

  it('a scenario that BUGs on both kernels is the same, and says both stopped on the BUG', () => {
    const { program, diagnostics } = loadScenario('bug.kstep', 'hugetlb pool pages=2\nhugetlb file f\nregion_chg f 0 1\nregion_add f 0 1\nmmap 0x40000000 2M hugetlb=f shared\nwrite 0x40000000 1\nprint 1\n');
    expect(diagnostics).toEqual([]);
    const r = compareView(diffKernels(program, { before: '004' }), 'bug.kstep', 'before=004');
    expect(r).toEqual({ kind: 'same', message: 'bug.kstep: the same state at every statement on before=004 and after (patched); both end: stopped (bug: BUG: h->resv_huge_pages underflow: 0 - 1)' });
  });
});

describe('staleCompare', () => {
  it('"Debug on" runs the file on disk: refused when the text was edited since the compare or is unsaved', () => {
    expect(staleCompare({ isDirty: false, version: 3 }, 3, 'w.kstep')).toBeUndefined();
    expect(staleCompare({ isDirty: true, version: 4 }, 3, 'w.kstep')).toBe('w.kstep has changed since it was compared: compare again');
    expect(staleCompare({ isDirty: false, version: 5 }, 3, 'w.kstep')).toMatch(/has changed since it was compared/);
    expect(staleCompare({ isDirty: true, version: 3 }, 3, 'w.kstep')).toMatch(/unsaved changes: the debugger runs the file on disk/);
  });
});
