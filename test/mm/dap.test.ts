/**
 * The mm mechanism through a real DAP session: function breakpoints on the
 * driver's callbacks, the frame chain SCENARIO.md §8 names, the Memory scope,
 * exception filters and stepping back over a migration.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { Harness, Scenarios, openPerTest } from '../dap/harness';

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
});
