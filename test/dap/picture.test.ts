import { afterAll, describe, expect, it } from 'vitest';
import { Harness, Scenarios, lineOf, openPerTest } from '../support/dap';
import type { PictureData } from '../../src/sim';

/** Hyper-V, memlat and HMM in one scenario: the picture grows a section as each mechanism is used. */
const ALL = `hugetlb file f
partition vps=1
vpreg GUEST_OSID = 0x8100_0000_0000_0000
vpreg SIMP = 0x20001
vpreg SINT2 = 0x10
vpreg SCONTROL = 1
port 1 vp=0 sint=2
hvc HVCALL_POST_MESSAGE connection=1 type=7 payload=[0x11]
memlat memory 0 min=300000 max=2000000
memlat monitor 0 cpus=[0..3] map=[[1000000, 400000], [1800000, 1000000]]
scmi probe
cpu 1 freq=1500 inst=5000 l2_refill=100
advance 8ms
device gpu type=private pages=2
mmap 0x7f0000000000 8K
write 0x7f0000000000 42
migrate 0x7f0000000000 4K to=gpu
expect task.init.pte[0x7f0000000000].kind == device_private
`;
const L = {
  partition: lineOf(ALL, 'partition vps=1'),
  memlat: lineOf(ALL, 'memlat memory 0'),
  end: lineOf(ALL, 'expect task.init.pte'),
};

const files = new Scenarios();
const P = { all: files.write('picture.kstep', ALL) };
afterAll(() => files.dispose());

let h: Harness;
openPerTest((x) => (h = x));

async function picture(): Promise<PictureData> {
  const r = await h.dc.customRequest('kstep/picture');
  return r.body as PictureData;
}

describe('kstep/picture', () => {
  it('returns only the sections the scenario has used so far, then hyperv, memlat and mm', async () => {
    await h.launch(P.all, { lines: [L.partition, L.memlat, L.end] });
    await h.stopped('breakpoint');
    let p = await picture();
    expect(p.line).toBe(L.partition);
    expect(p.hugetlb).toHaveLength(1);
    expect(p.hyperv).toEqual([]);
    expect(p.memlat).toEqual([]);
    expect(p.mm).toEqual([]);

    await h.go('continue');
    p = await picture();
    expect(p.line).toBe(L.memlat);
    expect(p.hyperv).toHaveLength(1);
    expect(p.hyperv[0]?.slots[2]).toMatchObject({ type: '0x7', pending: false });
    expect(p.hyperv[0]?.slots.filter((s) => s.type !== null)).toHaveLength(1);
    expect(p.hyperv[0]?.masked[2]).toBe(false);
    expect(p.hyperv[0]?.timers).toHaveLength(4);
    expect(p.memlat).toEqual([]);

    await h.go('continue');
    p = await picture();
    expect(p.line).toBe(L.end);
    expect(p.memlat).toHaveLength(1);
    expect(p.memlat[0]).toMatchObject({ curKhz: 1000000, minKhz: 300000, maxKhz: 2000000 });
    expect(p.memlat[0]?.monitors[0]).toMatchObject({ voteKhz: 1000000, map: [[1000, 400], [1800, 1000]] });
    const task = p.mm.find((e) => e.kind === 'task');
    expect(task).toMatchObject({ task: 'init', pages: 2, shown: 2, vmas: [{ start: '0x7f0000000000', cells: 'd.' }] });
    expect(p.mm.find((e) => e.kind === 'device')).toMatchObject({ device: 'gpu', free: 1, used: 1 });
  });
});
