/**
 * The mm mechanism through a real DAP session: function breakpoints on the
 * driver's callbacks, the frame chain SCENARIO.md §8 names, the Memory scope,
 * exception filters and stepping back over a migration.
 */
import type { DebugProtocol } from '@vscode/debugprotocol';
import { afterAll, describe, expect, it } from 'vitest';
import { Harness, Scenarios, openPerTest } from '../support/dap';

const files = new Scenarios();
const HMM = files.write(
  'hmm.kstep',
  `device gpu type=private pages=8
mmap 0x7f0000000000 64K
write 0x7f0000000000 42
migrate 0x7f0000000000 4K to=gpu
read 0x7f0000000000
expect last.value == 42
`,
);
const HUGE = files.write(
  'huge.kstep',
  `hugetlb pool pages=3
mmap 0x40000000 4M hugetlb=f shared
write 0x40000000 42
fork as child
task child
mmap 0x80000000 2M prot=r hugetlb=g shared
read 0x80000000
`,
);
afterAll(() => files.dispose());

let h: Harness;
openPerTest((x) => (h = x));

describe('mm over DAP', () => {
  it('a function breakpoint on the driver page_fault shows the §8 frame chain with arguments', async () => {
    await h.launch(HMM, { functions: ['dmirror_devmem_fault'] });
    await h.stopped('function breakpoint');
    const names = (await h.stack()).map((f) => f.name.replace(/\(.*$/, ''));
    expect(names.slice(0, 5)).toEqual(['dmirror_devmem_fault', 'device_private_entry_fault', 'do_swap_page', 'handle_pte_fault', 'handle_mm_fault']);
    expect(await h.ev('task.init.pte[0x7f0000000000].kind')).toBe('device_private');
    const mem = await h.scope('Memory');
    const kids = (await h.vars(mem.variablesReference)).map((v) => v.name);
    expect(kids).toEqual(expect.arrayContaining(['task', 'page', 'dev']));
  });

  it('a frame in migrate_vma_setup points into the mm/migrate_device.c listing; its caller into lib/test_hmm.c', async () => {
    await h.launch(HMM, { functions: ['migrate_vma_setup'] });
    await h.stopped('function breakpoint');
    const [top, caller] = await h.stack();
    expect(top?.name).toMatch(/^migrate_vma_setup\(/);
    expect(top?.source).toMatchObject({ name: 'migrate_device.c', path: 'kstep-kernel:/mm/migrate_device.c' });
    expect(caller?.source).toMatchObject({ name: 'test_hmm.c', path: 'kstep-kernel:/lib/test_hmm.c' });
    const src = await h.dc.sourceRequest({ sourceReference: top?.source?.sourceReference ?? 0, source: top?.source as DebugProtocol.Source });
    expect(src.body.content.split('\n')[(top?.line ?? 0) - 1]).toMatch(/migrate_vma_setup|migrate_vma_collect|memset/);
  });

  it('the device_private exception filter stops on the CPU fault; stepBack returns to the migrate', async () => {
    await h.launch(HMM, { exceptions: { filters: ['device_private'] } });
    const st = await h.stopped('exception');
    expect(st.text ?? st.description ?? '').toMatch(/device-private/);
    await h.go('continue');
    expect(await h.ev('task.init.pte[0x7f0000000000].kind')).toBe('present');
  });

  it('stepping back over the migrate restores the page table', async () => {
    await h.launch(HMM, { lines: [5] });
    await h.stopped('breakpoint');
    expect(await h.ev('task.init.pte[0x7f0000000000].kind')).toBe('device_private');
    await h.go('stepBack');
    expect(await h.ev('task.init.pte[0x7f0000000000].kind')).toBe('present');
    expect(await h.ev('dev.gpu.used')).toBe('0');
    await h.go('next');
    expect(await h.ev('dev.gpu.used')).toBe('1');
  });

  it('a function breakpoint on alloc_huge_page stops inside the hugetlb fault with its reservation locals', async () => {
    await h.launch(HUGE, { functions: ['alloc_huge_page'] });
    await h.stopped('function breakpoint');
    const names = (await h.stack()).map((f) => f.name.replace(/\(.*$/, ''));
    expect(names.slice(0, 4)).toEqual(['alloc_huge_page', 'hugetlb_no_page', 'hugetlb_fault', 'handle_mm_fault']);
    // Into vma_needs_reservation → __vma_reservation_common → region_chg of the inode's map.
    for (let i = 0; i < 4; i++) await h.go('stepIn');
    const deeper = (await h.stack()).map((f) => f.name.replace(/\(.*$/, ''));
    expect(deeper).toContain('__vma_reservation_common');
    for (let i = 0; i < 5 && !(await h.top()).name.startsWith('alloc_huge_page'); i++) await h.go('stepOut');
    const top = await h.top();
    expect(top.name).toMatch(/^alloc_huge_page/);
    const locals = await h.vars((await h.scope('Locals: alloc_huge_page', top.id)).variablesReference);
    expect(locals.find((v) => v.name === 'map_chg')?.value).toBe('0');
    expect(await h.ev('hugetlb.rsvd')).toBe('2');
  });

  it('the Memory scope shows the hugetlb VMA with its file; the pool and the inode are in the hugetlb scope', async () => {
    await h.launch(HUGE, { lines: [4] });
    await h.stopped('breakpoint');
    expect(await h.ev('task.init.vma[0].hugetlb')).toBe('"f"');
    expect(await h.ev('task.init.hugetlb_usage')).toBe('512');
    expect(await h.ev('[hugetlb.free, hugetlb.rsvd]')).toBe('[2, 1]');
    expect(await h.ev('page[task.init.pte[0x40000000].pfn].hugetlb')).toBe('true');
    expect(await h.ev('len(hugetlb.inode.f.pagecache)')).toBe('1');
  });

  it('the sigbus filter stops on a hugetlb fault the pool cannot back', async () => {
    await h.launch(HUGE, { exceptions: { filters: ['sigbus'] } });
    const st = await h.stopped('exception');
    expect(st.text ?? st.description ?? '').toMatch(/hugetlb fault/);
    expect(await h.ev('task.child.current')).toBe('true');
    expect((await h.stack()).map((f) => f.name.replace(/\(.*$/, ''))).toContain('handle_mm_fault');
  });
});
