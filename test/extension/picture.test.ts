import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { sim } from '../support/kit';
import { MAX_PAGES } from '../../src/sim';
import { MAX_VMAS } from '../../src/sim/mm/picture';
import type { PictureData } from '../../src/sim';
import { statePicture as pictureOf } from '../../src/sim';
import { pictureHtml } from '../../src/extension/picture/page';
import { MAX_REGIONS } from '../../src/sim/hugetlb/picture';
import { MAX_BARS, regionBins } from '../../src/sim/hugetlb/picture_bins';
import { RegionList } from '../../src/sim/hugetlb/region_list';

/** Runs a scenario to its end (every expect must hold) and returns the picture there. */
function pictureAfter(source: string): PictureData {
  const s = sim(source);
  const stop = s.machine.resume('continue');
  if (stop.reason === 'exception') throw new Error(`${stop.exception?.kind}: ${stop.exception?.message} (line ${stop.exception?.line})`);
  return pictureOf(s);
}

const SYNIC = `partition vps=2
vpreg GUEST_OSID = 0x8100_0000_0000_0000
vpreg SIMP = 0x20001
vpreg SIEFP = 0x21001
vpreg SINT2 = 0x10
vpreg SCONTROL = 1
port 1 vp=0 sint=2
hvc HVCALL_POST_MESSAGE connection=1 type=1 payload=[0x11]
hvc HVCALL_POST_MESSAGE connection=1 type=2 payload=[0x22, 0x23]
expect vp[0].synic.msg[2].type == 1
`;

const MEMLAT = `memlat memory 0 min=300000 max=2000000
memlat monitor 0 cpus=[0..3] map=[[1000000, 400000], [1800000, 1000000], [2400000, 1600000]]
memlat monitor 0 cpus=[4..7] compute map=[[1000000, 300000], [2000000, 2500000]]
scmi probe
cpu 1 freq=1500 inst=5000 l2_refill=100
advance 8ms
expect memlat.memory[0].monitor[0].vote_khz == 1000000
`;

const HMM = `device gpu type=private pages=2
mmap 0x7f0000000000 8K
write 0x7f0000000000 42
migrate 0x7f0000000000 4K to=gpu
expect task.init.pte[0x7f0000000000].kind == device_private
`;

describe('pictureOf: the new sections', () => {
  it('omits every new section when the scenario does not use its mechanism', () => {
    const p = pictureAfter('hugetlb file f\nregion_chg f 0 1\nregion_add f 0 1\n');
    expect(p.hyperv).toEqual([]);
    expect(p.memlat).toEqual([]);
    expect(p.mm).toEqual([]);
    expect(p.hugetlb).toHaveLength(1);
  });

  it('hyperv: a posted message occupies slot 2 with its type and msg_pending', () => {
    const p = pictureAfter(SYNIC);
    expect(p.hyperv).toHaveLength(2);
    const vp0 = p.hyperv[0];
    expect(vp0?.vp).toBe(0);
    expect(vp0?.slots).toHaveLength(16);
    expect(vp0?.slots[2]).toEqual({ type: '0x1', size: 8, pending: true });
    expect(vp0?.slots.filter((s) => s.type !== null)).toHaveLength(1);
    expect(vp0?.masked[2]).toBe(false);
    expect(vp0?.masked[0]).toBe(true);
    expect(vp0?.timers).toHaveLength(4);
    expect(vp0?.timers[0]).toMatchObject({ enabled: false, periodic: false, expiresAt: '0' });
    expect(p.hyperv[1]?.slots.every((s) => s.type === null)).toBe(true);
    // plain data: it survives JSON (the adapter sends it over DAP)
    expect(JSON.parse(JSON.stringify(p))).toEqual(p);
  });

  it('hyperv: synthetic timers show enabled, periodic and expires_at; timer messages by name', () => {
    const p = pictureAfter(`partition vps=1
vpreg GUEST_OSID = 0x8100_0000_0000_0000
vpreg SIMP = 0x20001
vpreg SINT3 = 0x33
vpreg SCONTROL = 1
vpreg STIMER0_COUNT = 2500
vpreg STIMER0_CONFIG = 0x3000b
advance 300us
`);
    const t0 = p.hyperv[0]?.timers[0];
    expect(t0).toMatchObject({ enabled: true, periodic: true, sint: 3 });
    expect(Number(t0?.expiresAt)).toBeGreaterThan(0);
    expect(p.hyperv[0]?.slots[3]?.type).toBe('HVMSG_TIMER_EXPIRED');
  });

  it('memlat: each group shows its monitors, their votes and freq maps in MHz, and cur_khz', () => {
    const p = pictureAfter(MEMLAT);
    expect(p.memlat).toHaveLength(1);
    const g = p.memlat[0];
    expect(g).toMatchObject({ hwType: 0, minKhz: 300000, maxKhz: 2000000, curKhz: 1000000, running: true });
    expect(g?.monitors.map((m) => [m.name, m.type, m.voteKhz])).toEqual([
      ['monitor-0', 'memlat', 1000000],
      ['monitor-1', 'compute', 0],
    ]);
    expect(g?.monitors[0]?.cpus).toEqual([0, 1, 2, 3]);
    expect(g?.monitors[0]?.map).toEqual([
      [1000, 400],
      [1800, 1000],
      [2400, 1600],
    ]);
  });

  it('memlat: cur_khz over time, one point per sample, at most the last 64', () => {
    const more = `${MEMLAT}cpu 1 freq=2300 inst=5000 l2_refill=100\nadvance 16ms\nrepeat 70 {\n  advance 8ms\n}\n`;
    const short = pictureAfter(`${MEMLAT}cpu 1 freq=2300 inst=5000 l2_refill=100\nadvance 16ms\n`).memlat[0]?.history;
    // Samples at 8 ms (before the probe's first vote counted) ... then 16 and 24 ms at 1.6 GHz, clamped to max 2 GHz.
    expect(short?.slice(-3)).toEqual([
      [8, 1000000],
      [16, 1600000],
      [24, 1600000],
    ]);
    const long = pictureAfter(more).memlat[0]?.history ?? [];
    expect(long).toHaveLength(64);
    expect(long[63]?.[0]).toBe(584);
  });

  it('mm: an HMM migration shows a device_private cell and the device counts', () => {
    const p = pictureAfter(HMM);
    const task = p.mm.find((e) => e.kind === 'task');
    expect(task).toMatchObject({ kind: 'task', task: 'init', pages: 2, shown: 2 });
    if (task?.kind !== 'task') throw new Error('no task');
    expect(task.vmas).toHaveLength(1);
    expect(task.vmas[0]).toMatchObject({ start: '0x7f0000000000', end: '0x7f0000002000', pages: 2, cells: 'd.' });
    expect(p.mm.find((e) => e.kind === 'device')).toEqual({ kind: 'device', device: 'gpu', type: 'private', pages: 2, free: 1, used: 1, failed: false });
  });

  it('mm: page-cache pages draw as f, pmem pages behind devmap PTEs as n (x is a device-exclusive entry), and a file VMA names what it maps', () => {
    const p = pictureAfter(`file f size=8K
device pm type=host pages=2
mmap 0x7f0000000000 8K prot=r shared file=f
mmap 0x7f1000000000 8K private file=f
mmap 0x7f2000000000 8K shared dax=pm
read 0x7f0000000000
write 0x7f1000000000 1
read 0x7f1000001000
read 0x7f2000001000
`);
    const task = p.mm.find((e) => e.kind === 'task');
    if (task?.kind !== 'task') throw new Error('no task');
    expect(task.vmas.map((v) => [v.cells, v.mapping])).toEqual([
      ['f.', 'file f'],
      ['pf', 'file f'],
      ['.n', 'dax pm'],
    ]);
    expect(p.mm.find((e) => e.kind === 'device')).toEqual({ kind: 'device', device: 'pm', type: 'host', pages: 2, free: 2, used: 0, failed: false });
  });

  it('mm: present pages, and a large VMA is capped with the rest counted', () => {
    const p = pictureAfter(`mmap 0x200000 32M
write 0x200000 1
write 0x202000 1
`);
    const task = p.mm[0];
    if (task?.kind !== 'task') throw new Error('no task');
    expect(task.pages).toBe(8192);
    expect(task.shown).toBe(MAX_PAGES);
    expect(task.vmas[0]?.cells).toHaveLength(MAX_PAGES);
    expect(task.vmas[0]?.cells.slice(0, 4)).toBe('p.p.');
  });

  it('mm: present pages are drawn by zone: NORMAL, DEVICE (coherent) and huge pages', () => {
    const p = pictureAfter(`device cxl type=coherent pages=2
hugetlb pool pages=1
mmap 0x200000 16K
write 0x200000 1
write 0x201000 1
migrate 0x201000 4K to=cxl
mmap 0x40000000 2M hugetlb=f shared
write 0x40000000 1
`);
    const task = p.mm[0];
    if (task?.kind !== 'task') throw new Error('no task');
    expect(task.vmas[0]?.cells).toBe('pc..');
    expect(task.vmas[1]?.cells).toBe('h'.repeat(512));
  });
});

describe('pictureOf: the JSON the page gets', () => {
  it('is pinned, key order included, for a scenario that uses every mechanism', () => {
    const p = pictureAfter(`hugetlb pool pages=2
hugetlb file f
hugetlb reserve f 0 1
region_chg f 3 5
partition vps=1
vpreg GUEST_OSID = 0x8100_0000_0000_0000
vpreg SIMP = 0x20001
vpreg SINT2 = 0x10
vpreg SCONTROL = 1
port 1 vp=0 sint=2
hvc HVCALL_POST_MESSAGE connection=1 type=7 payload=[0x11]
vpreg STIMER0_COUNT = 2500
vpreg STIMER0_CONFIG = 0x3000b
memlat memory 0 min=300000 max=2000000
memlat monitor 0 cpus=[0..3] map=[[1000000, 400000], [1800000, 1000000]]
scmi probe
cpu 1 freq=1500 inst=5000 l2_refill=100
advance 8ms
device gpu type=private pages=2
mmap 0x7f0000000000 12K
write 0x7f0000000000 42
write 0x7f0000002000 43
migrate 0x7f0000000000 4K to=gpu
`);
    const free = { type: null, size: 0, pending: false };
    const idle = { enabled: false, periodic: false, sint: 0, count: '0', expiresAt: '0', pending: false, fired: 0 };
    const slots = Array.from({ length: 16 }, (_, i) =>
      i === 2 ? { type: '0x7', size: 8, pending: false } : i === 3 ? { type: 'HVMSG_TIMER_EXPIRED', size: 24, pending: true } : free,
    );
    // Compared as text: the extension and any other DAP client get exactly these bytes.
    expect(JSON.stringify(p)).toBe(
      JSON.stringify({
        step: 394,
        timeNs: '8000000',
        line: 23,
        hugetlbPool: [{ total: 2, free: 2, rsvd: 1, surp: 0, overcommit: 0, mounts: [] }],
        hugetlb: [{ file: 'f', regions: [[0, 1]], total: 1, addsInProgress: 1, regionCacheCount: 1, bins: [] }],
        hyperv: [
          {
            vp: 0,
            started: true,
            slots,
            masked: Array.from({ length: 16 }, (_, i) => i !== 2),
            timers: [{ enabled: true, periodic: true, sint: 3, count: '2500', expiresAt: '5000', pending: true, fired: 1 }, idle, idle, idle],
          },
        ],
        memlat: [
          {
            hwType: 0,
            minKhz: 300000,
            maxKhz: 2000000,
            curKhz: 1000000,
            running: true,
            monitors: [{ name: 'monitor-0', type: 'memlat', cpus: [0, 1, 2, 3], voteKhz: 1000000, voteCpuMhz: 1500, map: [[1000, 400], [1800, 1000]] }],
            history: [[8, 1000000]],
          },
        ],
        mm: [
          { kind: 'task', task: 'init', rss: 2, vmas: [{ start: '0x7f0000000000', end: '0x7f0000003000', prot: 'rw', pages: 3, cells: 'd.p' }], vmaCount: 1, pages: 3, shown: 3 },
          { kind: 'device', device: 'gpu', type: 'private', pages: 2, free: 1, used: 1, failed: false },
        ],
        inUse: ['hugetlb', 'mm', 'scmi', 'hyperv'],
      }),
    );
  });

  it('sends every section, empty, before the scenario has used anything', () => {
    expect(JSON.stringify(pictureAfter('print 1\n'))).toBe('{"step":1,"timeNs":"0","line":1,"hugetlbPool":[],"hugetlb":[],"hyperv":[],"memlat":[],"mm":[],"inUse":[]}');
  });

  it('lists VMAs past the drawn pages only up to MAX_VMAS, and counts the rest', () => {
    const maps = Array.from({ length: 70 }, (_, i) => `mmap 0x${(0x10000000 + i * 0x10000).toString(16)} 8K\n`).join('');
    const p = pictureAfter(`mmap 0x200000 32M\n${maps}`);
    const task = p.mm[0];
    if (task?.kind !== 'task') throw new Error('no task');
    expect(task).toMatchObject({ vmaCount: 71, pages: 8192 + 140, shown: MAX_PAGES });
    expect(task.vmas).toHaveLength(MAX_VMAS);
    expect(task.vmas.slice(1).every((v) => v.cells === '' && v.pages === 2)).toBe(true);
  });
});

// ---- the page ----------------------------------------------------------------

/** Just enough DOM to run the page's script: elements count their descendants by tag and class. */
class FakeNode {
  readonly children: FakeNode[] = [];
  readonly attrs: Record<string, string> = {};
  private text = '';
  innerHTML = '';
  constructor(readonly tag: string) {}
  setAttribute(k: string, v: string): void {
    this.attrs[k] = v;
  }
  appendChild(c: FakeNode): FakeNode {
    this.children.push(c);
    return c;
  }
  get textContent(): string {
    return this.text + this.children.map((c) => c.textContent).join('');
  }
  set textContent(t: string) {
    this.text = t;
    this.children.length = 0;
  }
  all(): FakeNode[] {
    return [this, ...this.children.flatMap((c) => c.all())];
  }
}

function runPage(data: PictureData): FakeNode {
  const html = pictureHtml('NONCE', 'vscode-resource:');
  const script = /<script nonce="NONCE">([\s\S]*?)<\/script>/.exec(html)?.[1];
  if (!script) throw new Error('no script');
  const nodes: Record<string, FakeNode> = { root: new FakeNode('div'), meta: new FakeNode('div') };
  let listener: ((ev: { data: unknown }) => void) | undefined;
  const document = {
    body: { clientWidth: 800 },
    createElement: (t: string) => new FakeNode(t),
    createElementNS: (_ns: string, t: string) => new FakeNode(t),
    createTextNode: (t: string) => {
      const n = new FakeNode('#text');
      n.textContent = t;
      return n;
    },
    getElementById: (id: string) => nodes[id],
  };
  const window = { addEventListener: (_t: string, f: (ev: { data: unknown }) => void) => (listener = f) };
  const acquireVsCodeApi = (): { postMessage: () => void } => ({ postMessage: () => undefined });
  runInNewContext(script, { document, window, acquireVsCodeApi });
  listener?.({ data: { type: 'state', data: JSON.parse(JSON.stringify(data)) as unknown } });
  return nodes.root as FakeNode;
}

describe('the picture page', () => {
  it('has a drawer for each section', () => {
    const html = pictureHtml('n', 'c');
    for (const name of ['hugetlbPool', 'hugetlb', 'hyperv', 'memlat', 'mm']) expect(html).toMatch(new RegExp(`\\n    ${name}\\(section, root\\) \\{`));
    // everything in the one nonce-tagged script, no external resources
    expect(html.match(/<script/g)).toHaveLength(1);
    expect(html).not.toMatch(/https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
  });

  it('draws the SynIC slots of each VP', () => {
    const root = runPage(pictureAfter(SYNIC));
    const rects = root.all().filter((n) => n.tag === 'rect');
    expect(rects.filter((r) => r.attrs['class'] === 'cell occupied')).toHaveLength(1);
    expect(rects.filter((r) => r.attrs['class'] === 'cell free')).toHaveLength(31);
    expect(rects.filter((r) => r.attrs['class'] === 'pendingmark')).toHaveLength(1);
    expect(root.textContent).toContain('SynIC of VP 1');
    expect(root.textContent).toContain('STIMER3');
  });

  it('draws the memlat freq map steps with the vote', () => {
    const root = runPage(pictureAfter(MEMLAT));
    const nodes = root.all();
    expect(nodes.filter((n) => n.tag === 'polyline')).toHaveLength(2);
    expect(nodes.filter((n) => n.tag === 'circle' && n.attrs['class'] === 'vote')).toHaveLength(2);
    expect(root.textContent).toContain('memlat memory group 0');
  });

  it('draws each memlat vote at the CPU frequency that produced it', () => {
    const data = pictureAfter(MEMLAT);
    expect(data.memlat[0]?.monitors.map((m) => [m.voteKhz, m.voteCpuMhz])).toEqual([
      [1000000, 1500],
      [0, 0],
    ]);
    const root = runPage(data);
    const svg = root.all().find((n) => n.tag === 'svg' && n.attrs['aria-label'] === 'freq map of monitor-0') as FakeNode;
    // The map axis: x(mhz) = L + mhz / xMax * (W - L - 10), the page's constants.
    const [W, L, xMax] = [360, 50, 2400 * 1.15];
    const dot = svg.all().find((n) => n.tag === 'circle') as FakeNode;
    expect(Number(dot.attrs['cx'])).toBeCloseTo(L + (1500 / xMax) * (W - L - 10), 6);
    expect(dot.textContent).toBe('vote 1000000 kHz, read off the map at cpu 1500 MHz');
    expect(svg.all().filter((n) => n.attrs['class'] === 'cpufreq')).toHaveLength(1);
    expect(root.textContent).toContain('vote 1000000 kHz at cpu 1500 MHz');
  });

  it('never says there is nothing to draw while a mechanism holds state', () => {
    const notProbed = pictureAfter('memlat memory 0 min=300000 max=2000000\nmemlat monitor 0 cpus=[0..3] map=[[1000000, 400000]]\n');
    expect(notProbed.memlat).toEqual([]);
    expect(notProbed.inUse).toEqual(['scmi']);
    const text = runPage(notProbed).textContent;
    expect(text).not.toContain('Nothing to draw yet');
    expect(text).toContain('No drawing yet for the state of scmi');
    const unmapped = pictureAfter('mmap 0x7f0000000000 8K\nwrite 0x7f0000000000 1\nmunmap 0x7f0000000000 8K\n');
    expect(runPage(unmapped).textContent).not.toContain('Nothing to draw yet');
    expect(runPage(pictureAfter('print 1\n')).textContent).toContain('Nothing to draw yet');
  });

  it('draws the hugetlb pool as in use / free reserved / free, and says when rsvd is above free', () => {
    const data = pictureAfter(`hugetlb pool pages=4
mmap 0x40000000 6M hugetlb=f shared
write 0x40000000 1
`);
    expect(data.hugetlbPool).toEqual([{ total: 4, free: 3, rsvd: 2, surp: 0, overcommit: 0, mounts: [] }]);
    const root = runPage(data);
    const bars = root.all().filter((n) => n.tag === 'rect' && /^pool-/.test(n.attrs['class'] ?? ''));
    expect(bars.map((b) => b.attrs['class'])).toEqual(['pool-used', 'pool-rsvd', 'pool-free']);
    expect(bars.map((b) => Number(b.attrs['width']))).toEqual([185, 370, 185]);
    expect(root.textContent).toContain('hugetlb pool');
    const odd = runPage({ ...data, hugetlbPool: [{ total: 1, free: 0, rsvd: 1, surp: 1, overcommit: 1, mounts: [] }] });
    expect(odd.textContent).toContain('1 reservations have no page behind them');
    expect(odd.textContent).toContain('1 of the 1 pages are surplus (nr_overcommit_hugepages 1)');
    expect(pictureAfter('hugetlb file f\n').hugetlbPool).toEqual([]);
  });

  it('shows surplus pages and each mount\'s subpool', () => {
    const data = pictureAfter(`hugetlb pool pages=1
hugetlb overcommit pages=2
hugetlb mount q size=3 min_size=1
hugetlb file f mount=q
mmap 0x40000000 4M hugetlb=f shared
`);
    expect(data.hugetlbPool).toEqual([{ total: 2, free: 2, rsvd: 2, surp: 1, overcommit: 2, mounts: [{ name: 'q', maxHpages: 3, usedHpages: 2, minHpages: 1, rsvHpages: 0 }] }]);
    const root = runPage(data);
    expect(root.textContent).toContain('1 of the 2 pages are surplus (nr_overcommit_hugepages 2)');
    expect(root.textContent).toContain('mount q: used 2 of size 3; min_size 1, 0 still reserved for it');
  });

  it('draws page cells and device counts', () => {
    const root = runPage(pictureAfter(HMM));
    const rects = root.all().filter((n) => n.tag === 'rect');
    expect(rects.filter((r) => r.attrs['class'] === 'cell pg-device_private')).toHaveLength(1);
    expect(rects.filter((r) => r.attrs['class'] === 'cell pg-none')).toHaveLength(1);
    expect(root.textContent).toContain('task init');
    expect(root.textContent).toContain('gpu');
  });
});

describe('the picture page: a resv_map of thousands of regions', () => {
  /** A file whose map holds `n` regions of one page every `gap` pages, as the picture sends it. */
  function bigMap(n: number, gap: number): PictureData {
    const regions = RegionList.from(Array.from({ length: n }, (_, i) => [i * gap, i * gap + 1] as const));
    const file = { file: 'f', regions: regions.slice(0, MAX_REGIONS), total: n, addsInProgress: 0, regionCacheCount: 0, bins: regionBins(regions) };
    return { step: 1, timeNs: '0', line: 1, hugetlbPool: [], hugetlb: [file], hyperv: [], memlat: [], mm: [], inUse: ['hugetlb'] };
  }

  /** The axis labels of the map's SVG, left to right, with where they sit. */
  function ticks(root: FakeNode): Array<{ x: number; text: string }> {
    return root
      .all()
      .filter((n) => n.tag === 'text' && n.attrs['class'] === 'tick')
      .map((n) => ({ x: Number(n.attrs['x']), text: n.textContent }));
  }

  it('bins the regions: at most MAX_BARS bins covering the whole range, every region and page counted once', () => {
    const data = bigMap(100_000, 3);
    const bins = data.hugetlb[0]?.bins ?? [];
    expect(bins.length).toBeLessThanOrEqual(MAX_BARS);
    expect(bins[0]?.[0]).toBe(0);
    expect(bins[bins.length - 1]?.[1]).toBe(99_999 * 3 + 1);
    expect(bins.reduce((s, b) => s + b[2], 0)).toBe(100_000);
    expect(bins.reduce((s, b) => s + b[3], 0)).toBe(100_000);
    // A map small enough to draw region by region has no bins.
    expect(regionBins(RegionList.from([[0, 1], [3, 5]]))).toEqual([]);
  });

  it('a region spanning many bins counts its pages in each', () => {
    const list = RegionList.from([...Array.from({ length: MAX_BARS }, (_, i) => [i * 2, i * 2 + 1] as const), [1000, 100_000] as const]);
    const bins = regionBins(list);
    expect(bins.reduce((s, b) => s + b[3], 0)).toBe(MAX_BARS + 99_000);
    expect(bins.reduce((s, b) => s + b[2], 0)).toBe(MAX_BARS + 1);
  });

  for (const n of [1_000, 100_000]) {
    it(`draws ${n} regions in a bounded SVG with distinct, non-overlapping axis labels`, () => {
      const root = runPage(bigMap(n, 2));
      const nodes = root.all();
      expect(nodes.length).toBeLessThan(2 * MAX_BARS + 100);
      const bars = nodes.filter((b) => b.tag === 'rect' && b.attrs['class'] === 'region bin');
      expect(bars.length).toBeGreaterThan(MAX_BARS / 2);
      expect(bars.length).toBeLessThanOrEqual(MAX_BARS);
      const t = ticks(root);
      expect(t.length).toBeGreaterThanOrEqual(3);
      expect(new Set(t.map((l) => l.text)).size).toBe(t.length);
      for (let i = 1; i < t.length; i++) {
        const [a, b] = [t[i - 1], t[i]] as [{ x: number; text: string }, { x: number; text: string }];
        // Centred labels of about 7 px a character must not touch.
        expect(b.x - a.x).toBeGreaterThan(((a.text.length + b.text.length) / 2) * 7);
        expect(Number(b.text)).toBeGreaterThan(Number(a.text));
      }
      expect(t[t.length - 1]?.text).toMatch(/^\d+$/);
      expect(Number(t[t.length - 1]?.text)).toBeGreaterThan((n * 2) / 2);
      expect(root.textContent).toContain(`${n} regions drawn as ${bars.length} bars`);
    });
  }

  it('labels a small map with round ticks from 0 and draws each region', () => {
    const root = runPage(pictureAfter('hugetlb file f\nregion_chg f 0 1\nregion_add f 0 1\nregion_chg f 3 5\nregion_add f 3 5\n'));
    expect(root.all().filter((b) => b.tag === 'rect' && /^region region\d$/.test(b.attrs['class'] ?? ''))).toHaveLength(2);
    expect(ticks(root).map((l) => l.text)).toEqual(['0', '1', '2', '3', '4', '5']);
  });
});
