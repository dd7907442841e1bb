import { afterAll, describe, expect, it } from 'vitest';
import { Harness, Scenarios, openPerTest } from '../support/dap';

/*
 * `"kernel": "before=004"` in launch.json: the session runs the kernel
 * before reference 004, and its frames point into that kernel's listing.
 */
const WORKED = `hugetlb file f
region_chg f 0 1
region_add f 0 1
region_chg f 2 3
region_add f 2 3
region_chg f 0 3
region_add f 0 3
print resv.f.regions
`;
const files = new Scenarios();
const P = files.write('worked.kstep', WORKED);
afterAll(() => files.dispose());

let h: Harness;
openPerTest((x) => (h = x));

describe('launch.json kernel', () => {
  it('before=004: region_add is the coalescing one, shown from mm/hugetlb.c (before 004)', async () => {
    await h.launch(P, { lines: [7], extra: { kernel: 'before=004' } });
    await h.stopped('breakpoint');
    await h.go('stepIn');
    const top = await h.top();
    expect(top.name).toMatch(/^region_add\(/);
    expect(top.source?.path).toBe('kstep-kernel:/mm/hugetlb.c (before 004)');
    await h.go('stepOut');
    expect(await h.ev('resv.f.regions')).toBe('[[0, 3]]');
  });

  it('the default is the patched kernel', async () => {
    await h.launch(P, { lines: [8] });
    await h.stopped('breakpoint');
    expect(await h.ev('resv.f.regions')).toBe('[[0, 1], [1, 2], [2, 3]]');
  });

  it('an unknown kernel fails the launch with what is allowed', async () => {
    await expect(h.launch(P, { extra: { kernel: 'before=1' } })).rejects.toThrow(/unknown kernel 'before=1'/);
  });
});
