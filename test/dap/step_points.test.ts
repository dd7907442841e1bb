import { afterAll, describe, expect, it } from 'vitest';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { REGISTRY } from '../../src/sim';
import { Harness, Scenarios, openPerTest } from '../support/dap';

/*
 * Finer step points (issue 16): every loop iteration and every validation
 * branch the kernel code takes is a step point, and F10 inside a kernel
 * function goes to that function's next step point, leaving it only when
 * it returns.
 */
const files = new Scenarios();
afterAll(() => files.dispose());

let h: Harness;
openPerTest((x) => (h = x));

function labelLine(path: string, fn: string, name: string): number {
  const line = REGISTRY.sources.find((s) => s.path === path)?.functions.get(fn)?.labels.get(name);
  if (line === undefined) throw new Error(`no label ${fn}:${name} in ${path}`);
  return line;
}
const hugetlb = (fn: string, name: string): number => labelLine('mm/hugetlb.c', fn, name);
const hv = (fn: string, name: string): number => labelLine('hypervisor/hv_hypercall.c', fn, name);

/** Three single-page regions, then a region_chg over [0, 5) that walks all three (reference 004's worked example). */
const WALK = files.write(
  'walk.kstep',
  `hugetlb file f
region_chg f 0 1
region_add f 0 1
region_chg f 2 3
region_add f 2 3
region_chg f 5 6
region_add f 5 6
region_chg f 0 5
expect last.regions_needed == 2
`,
);
const CHG_0_5 = 8;

async function hugetlbSource(): Promise<DebugProtocol.Source> {
  const { sources } = (await h.dc.customRequest('loadedSources', {})).body as DebugProtocol.LoadedSourcesResponse['body'];
  const s = sources.find((x) => x.path === 'kstep-kernel:/mm/hugetlb.c');
  if (!s) throw new Error('mm/hugetlb.c is not a loaded source');
  return s;
}

/** `name@line` of the top frame and how many frames there are. */
async function here(): Promise<{ at: string; depth: number; frameId: number }> {
  const stack = await h.stack();
  const top = stack[0];
  if (!top) throw new Error('no frames');
  return { at: `${top.name.split('(')[0] ?? ''}@${top.line}`, depth: stack.length, frameId: top.id };
}

async function local(frameId: number, expr: string): Promise<string> {
  return h.ev(`frame.${expr}`, 'watch', { frameId });
}

describe('add_reservation_in_range steps through the regions', () => {
  it('stops once per region it walks, with rg at that region', async () => {
    await h.launch(WALK, { lines: [CHG_0_5] });
    await h.stopped('breakpoint');
    const rg = hugetlb('add_reservation_in_range', 'rg');
    await h.dc.setBreakpointsRequest({ source: await hugetlbSource(), breakpoints: [{ line: rg }] });
    const froms: string[] = [];
    for (;;) {
      const s = await h.go('continue');
      if (s.reason === 'end') break;
      expect(s.reason).toBe('breakpoint');
      const { at, frameId } = await here();
      expect(at).toBe(`add_reservation_in_range@${rg}`);
      froms.push(`[${await local(frameId, 'rg.from')}, ${await local(frameId, 'rg.to')})`);
    }
    // region_chg f 0 5 walks [0,1) [2,3) [5,6): the last one starts at t and still counts a gap.
    expect(froms).toEqual(['[0, 1)', '[2, 3)', '[5, 6)']);
  });
});

describe('the list at a stop inside a walk is the kernel\'s list at that point', () => {
  const FILL = files.write(
    'fill.kstep',
    `hugetlb file f
region_chg f 0 1
region_add f 0 1
region_chg f 2 3
region_add f 2 3
region_chg f 5 6
region_add f 5 6
region_chg f 0 5
region_add f 0 5
region_del f 0 6
`,
  );

  async function listAt(line: number): Promise<string[]> {
    await h.dc.setBreakpointsRequest({ source: await hugetlbSource(), breakpoints: [{ line }] });
    const seen: string[] = [];
    for (;;) {
      const s = await h.go('continue');
      if (s.reason === 'end') return seen;
      seen.push(await h.ev('resv.f.regions'));
    }
  }

  it('region_add shows each gap in the list as it fills it', async () => {
    await h.launch(FILL, { lines: [9] });
    await h.stopped('breakpoint');
    const seen = await listAt(hugetlb('add_reservation_in_range', 'fill'));
    expect(seen.map((v) => v.replace(/\s/g, ''))).toEqual(['[[0,1],[1,2],[2,3],[5,6]]', '[[0,1],[1,2],[2,3],[3,5],[5,6]]']);
  });

  it('region_del shows each region gone as it removes it', async () => {
    await h.launch(FILL, { lines: [10] });
    await h.stopped('breakpoint');
    const seen = await listAt(hugetlb('region_del', 'remove'));
    expect(seen.map((v) => v.replace(/\s/g, ''))).toEqual([
      '[[1,2],[2,3],[3,5],[5,6]]',
      '[[2,3],[3,5],[5,6]]',
      '[[3,5],[5,6]]',
      '[[5,6]]',
      '[]',
    ]);
  });
});

describe('F10 inside a kernel function', () => {
  it('goes to the same function\'s next step point and leaves it only when it returns', async () => {
    await h.launch(WALK, { lines: [CHG_0_5] });
    await h.stopped('breakpoint');
    const src = await hugetlbSource();
    const rg = hugetlb('add_reservation_in_range', 'rg');
    await h.dc.setBreakpointsRequest({ source: src, breakpoints: [{ line: rg }] });
    await h.go('continue');
    const first = await here();
    expect(first.at).toBe(`add_reservation_in_range@${rg}`);
    await h.dc.setBreakpointsRequest({ source: src, breakpoints: [] });
    const seen: string[] = [];
    for (let i = 0; i < 20; i++) {
      await h.go('next');
      const now = await here();
      seen.push(now.at);
      if (now.depth !== first.depth) {
        // It returned: the stop is in its caller, one frame up.
        expect(now.depth).toBe(first.depth - 1);
        break;
      }
    }
    const gap = hugetlb('add_reservation_in_range', 'count_gap');
    const done = hugetlb('add_reservation_in_range', 'done');
    expect(seen).toEqual([
      `add_reservation_in_range@${rg}`, // [2,3)
      `add_reservation_in_range@${gap}`, // gap [1,2)
      `add_reservation_in_range@${rg}`, // [5,6)
      `add_reservation_in_range@${gap}`, // gap [3,5)
      `add_reservation_in_range@${done}`,
      `region_chg@${hugetlb('region_chg', 'adds_in_progress')}`,
    ]);
  });

  it('steps over a callee: from region_chg\'s call to the walk, F10 stops at region_chg\'s next line', async () => {
    await h.launch(WALK, { lines: [CHG_0_5] });
    await h.stopped('breakpoint');
    await h.go('stepIn');
    const entry = await here();
    expect(entry.at).toBe(`region_chg@${hugetlb('region_chg', 'count')}`);
    const seen: string[] = [];
    for (let i = 0; i < 20; i++) {
      await h.go('next');
      const now = await here();
      if (now.depth < entry.depth) break;
      expect(now.depth).toBe(entry.depth);
      seen.push(now.at);
    }
    const at = (name: string): string => `region_chg@${hugetlb('region_chg', name)}`;
    // Two regions needed and the cache empty (each region_add used its descriptor): the allocation loop runs twice.
    expect(seen).toEqual([at('adds_in_progress'), at('check_cache'), at('kmalloc'), at('cache_add'), at('kmalloc'), at('cache_add'), at('return')]);
  });
});

describe('HVCALL_POST_MESSAGE checks', () => {
  const BAD = files.write(
    'bad_post.kstep',
    `# hvc sends a fast call: the input is in registers
partition vps=1
vpreg GUEST_OSID = 0x8100_0000_0000_0000
vpreg SIMP = 0x20001
vpreg SCONTROL = 1
port 1 vp=0 sint=2
hvc HVCALL_POST_MESSAGE connection=1 type=0x80000001
expect last.hvc.status == HV_STATUS_INVALID_PARAMETER
`,
  );

  it('a function breakpoint lands on the first check; F10 goes check by check to the failing one\'s return', async () => {
    await h.launch(BAD, { functions: ['HVCALL_POST_MESSAGE'] });
    await h.stopped('function breakpoint');
    const seen = [(await here()).at];
    for (let i = 0; i < 10; i++) {
      await h.go('next');
      const now = await here();
      if (!now.at.startsWith('hvcall_post_message@')) break;
      seen.push(now.at);
    }
    const at = (name: string): string => `hvcall_post_message@${hv('hvcall_post_message', name)}`;
    // The message type's top bit is set: the parameter check fails, and its return is the last stop in the handler.
    expect(seen).toEqual([at('check_reserved'), at('check_params'), at('params')]);
  });

  it('the dispatcher stops at each of its checks before it calls the handler', async () => {
    await h.launch(BAD, { functions: ['hv_hvc_handler'] });
    await h.stopped('function breakpoint');
    const seen = [(await here()).at];
    for (let i = 0; i < 12; i++) {
      await h.go('next');
      const now = await here();
      if (!now.at.startsWith('hv_hvc_handler@')) break;
      seen.push(now.at);
      if (now.at.endsWith(`@${hv('hv_hvc_handler', 'call')}`)) break;
    }
    const at = (name: string): string => `hv_hvc_handler@${hv('hv_hvc_handler', name)}`;
    expect(seen).toEqual([at('decode'), at('check_reserved'), at('check_lookup'), at('check_osid'), at('check_rep'), at('check_varhead'), at('check_fast'), at('call')]);
  });
});
