/**
 * The kernel before reference 003 (`kernel before=003`): one vm_normal_page
 * for every caller, so khugepaged and KSM take a device-coherent page for an
 * LRU page; after the patch vm_normal_lru_page hides it from them.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diffCommand } from '../../src/cli/diff';
import { ev, ROOT, run, scenario, sim } from '../support/kit';

const COHERENT = `
  device cxl type=coherent pages=4
  mmap 0x200000 2M
  write 0x200000 7
  migrate 0x200000 8K to=cxl
`;

describe('kernel before=003: vm_normal_page callers and device-coherent pages', () => {
  it('khugepaged_scan_pmd gets the coherent page and stops at PageLRU: SCAN_PAGE_LRU (after: SCAN_PAGE_NULL)', () => {
    expect(ev(run(scenario(`kernel before=003\n${COHERENT}\nkhugepaged 0x200000`)), 'last.result')).toEqual(ev(run(scenario('expect 1\nprint 1')), 'SCAN_PAGE_LRU'));
    expect(ev(run(scenario(`${COHERENT}\nkhugepaged 0x200000`)), 'last.result')).toEqual(ev(run(scenario('expect 1\nprint 1')), 'SCAN_PAGE_NULL'));
  });

  it('get_mergeable_page follows to the coherent anon page, so KSM does not skip it', () => {
    const before = run(scenario(`kernel before=003\n${COHERENT}\nksm 0x200000`));
    expect(ev(before, 'last.skipped')).toEqual(0n);
    expect(ev(before, 'last.page')).toEqual(ev(before, 'task.init.pte[0x200000].pfn'));
    expect(ev(run(scenario(`${COHERENT}\nksm 0x200000`)), 'last.skipped')).toEqual(1n);
  });

  it('frames point into mm/memory.c (before 003), whose vm_normal_page has no zone-device check', () => {
    const { machine: m } = sim(scenario(`kernel before=003\n${COHERENT}\nkhugepaged 0x200000`));
    m.breakpoints.setFunctions([{ id: 1, name: 'vm_normal_page', hits: 0 }]);
    const st = m.resume('continue');
    expect(st.reason).toBe('function breakpoint');
    const fr = m.frames.at(-1);
    expect(fr?.fn.source.path).toBe('mm/memory.c (before 003)');
    expect(m.frames.map((f) => f.fn.name)).toEqual(['khugepaged_scan_pmd', 'vm_normal_page']);
  });

  it('kstep diff: the first divergence is khugepaged, SCAN_PAGE_LRU against SCAN_PAGE_NULL', () => {
    const out: string[] = [];
    const code = diffCommand([join(ROOT, 'test', 'kernels', 'coherent_003.kstep'), '--kernel', 'before=003'], { out: (l) => out.push(l), err: (l) => out.push(l) });
    expect(code).toBe(1);
    expect(out).toEqual(['coherent_003.kstep: the kernels diverge after line 8: khugepaged 0x200000', '  before=003 → after (patched)', '  last.result: "SCAN_PAGE_LRU" → "SCAN_PAGE_NULL"']);
  });
});
