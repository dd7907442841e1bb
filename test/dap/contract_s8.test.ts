import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Harness, View } from '../support/dap';
import { EXAMPLES, Scenarios, lineOf, openPerTest } from '../support/dap';

/*
 * SCENARIO.md §8 over real DAP sessions, for every mechanism (the suites
 * beside this one mostly use the resv_map): function breakpoints on a
 * hypercall by name or by its code however the number is written, also for
 * a call the dispatcher refuses before the call's handler runs; step in from
 * each statement §8 names down its chain by F11 alone; every exception
 * filter stopping with its own id; stepBack and reverseContinue landing on
 * exactly the state a forward run had.
 */
const files = new Scenarios();
afterAll(() => files.dispose());

let h: Harness;
openPerTest((x) => (h = x));

const names = async (): Promise<string[]> => (await h.stack()).map((f) => f.name.replace(/\(.*$/, ''));

/** One statement of each mechanism that §8 names a chain for. */
const CHAINS_SRC = `hugetlb file f
region_chg f 0 5
region_add f 0 5
partition vps=1
vpreg SINT2 = 0x22
device dmirror0 type=private pages=4
mmap 0x10000 8K
write 0x10000 0x1234
migrate 0x10000 4K to=dmirror0
read 0x10000
memlat memory 0 min=100000 max=2000000
memlat monitor 0 cpus=[0..3] map=[[1000000, 200000], [2000000, 800000]]
scmi probe
vpreg GUEST_OSID = 0x8100_0000_0000_0000
vpreg SIMP = 0x20001
vpreg SCONTROL = 1
vpreg STIMER0_COUNT = 1000
vpreg STIMER0_CONFIG = HV_STIMER_ENABLE | HV_STIMER_PERIODIC | (2 << 16)
cpu 0 freq=1500 inst=1000 l2_refill=10
advance 8ms
print "done"
`;
const CHAINS = files.write('chains.kstep', CHAINS_SRC);

/** A POST_MESSAGE before GUEST_OSID (refused at check_osid), one with a misaligned input GPA, then one that runs. */
const REFUSED_SRC = `partition vps=1
port 1 vp=0 sint=2
hvc HVCALL_POST_MESSAGE connection=1 type=1 payload=[1]
vpreg GUEST_OSID = 0x8100_0000_0000_0000
hvc raw control=0x5c input=0x3
hvc HVCALL_POST_MESSAGE connection=1 type=1 payload=[1]
print "done"
`;
const REFUSED = files.write('refused.kstep', REFUSED_SRC);
const EARLY = lineOf(REFUSED_SRC, 'hvc HVCALL_POST_MESSAGE');
const RAW = lineOf(REFUSED_SRC, 'hvc raw');
const RUNS = lineOf(REFUSED_SRC, 'hvc HVCALL_POST_MESSAGE', EARLY + 1);

/** The scenario line of the current stop (the bottom frame) and the innermost frame's name. */
async function where(): Promise<string> {
  const st = await h.stack();
  return `${st[0]?.name.replace(/\(.*$/, '') ?? ''}:${st[st.length - 1]?.line ?? 0}`;
}

describe('function breakpoints on a hypercall', () => {
  it('the code is the same breakpoint in every spelling a number takes', async () => {
    await h.launch(REFUSED, { stopOnEntry: true });
    await h.stopped('entry');
    const spellings = ['0x5c', '0x5C', '0X5C', '0x005c', '0x00_5c', '92', '0b101_1100', 'HVCALL_POST_MESSAGE'];
    const r = await h.dc.setFunctionBreakpointsRequest({ breakpoints: spellings.map((name) => ({ name })) });
    expect(r.body.breakpoints.map((b) => b.verified)).toEqual(spellings.map(() => true));
    // Not a code: a size suffix, and a number no hypercall has.
    const bad = await h.dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: '4K' }, { name: '0x5c5c' }] });
    expect(bad.body.breakpoints.map((b) => b.verified)).toEqual([false, false]);
    for (const name of ['0X5C', '0b101_1100', '92']) {
      await h.dc.setFunctionBreakpointsRequest({ breakpoints: [{ name }] });
      await h.restart();
      await h.stopped('entry');
      await h.go('continue');
      expect(await where(), name).toBe(`hv_hvc_handler:${EARLY}`);
    }
  });

  it('stops on a call the dispatcher refuses before the call\'s handler runs, at the refusing check', async () => {
    await h.launch(REFUSED, { functions: ['HVCALL_POST_MESSAGE'] });
    await h.stopped('function breakpoint');
    // Before GUEST_OSID: ACCESS_DENIED at check_osid, hvcall_post_message never entered.
    expect(await where()).toBe(`hv_hvc_handler:${EARLY}`);
    expect(await h.ev('frame.guest_os_id', 'watch', { frameId: (await h.top()).id })).toBe('0x0');
    await h.go('continue');
    // The misaligned input GPA: INVALID_ALIGNMENT at check_align.
    expect(await where()).toBe(`hv_hvc_handler:${RAW}`);
    await h.go('continue');
    // A call that reaches its handler stops at the handler's entry, once.
    expect(await where()).toBe(`hvcall_post_message:${RUNS}`);
    expect(await h.go('continue')).toMatchObject({ reason: 'end' });
    // In reverse the same three stops, in the other order.
    const back: string[] = [];
    for (let i = 0; i < 3; i++) {
      expect(await h.go('reverseContinue')).toMatchObject({ reason: 'function breakpoint' });
      back.push(await where());
    }
    expect(back).toEqual([`hvcall_post_message:${RUNS}`, `hv_hvc_handler:${RAW}`, `hv_hvc_handler:${EARLY}`]);
  });

  it('a breakpoint on hv_hvc_handler or hvc still stops once per call, at the dispatcher\'s entry', async () => {
    await h.launch(REFUSED, { functions: ['hv_hvc_handler'] });
    for (const name of ['hv_hvc_handler', 'hvc']) {
      if (name !== 'hv_hvc_handler') {
        await h.dc.setFunctionBreakpointsRequest({ breakpoints: [{ name }] });
        await h.restart();
      }
      const seen: string[] = [];
      for (let stop = await h.stopped(); stop.reason !== 'end'; stop = await h.go('continue')) seen.push(`${await where()}@${(await h.top()).line}`);
      // GUEST_OSID's vpreg is a hypercall too.
      expect(seen.map((s) => s.replace(/@\d+$/, '')), name).toEqual([EARLY, EARLY + 1, RAW, RUNS].map((l) => `hv_hvc_handler:${l}`));
      // Each at the same line: the dispatcher's entry.
      expect(new Set(seen.map((s) => s.replace(/^.*@/, ''))).size, name).toBe(1);
    }
  });
});

describe('step in from each statement §8 names, by F11 alone', () => {
  const chains: Array<{ stmt: string; chain: string[] }> = [
    { stmt: 'region_add f 0 5', chain: ['region_add', 'add_reservation_in_range'] },
    { stmt: 'vpreg SINT2', chain: ['hv_set_vpreg', 'hv_do_hvc', 'hv_hvc_handler', 'hvcall_set_vp_registers'] },
    { stmt: 'read 0x10000', chain: ['handle_mm_fault', 'do_swap_page', 'device_private_entry_fault', 'dmirror_devmem_fault'] },
    { stmt: 'scmi probe', chain: ['cpucp_memlat_init', 'configure_cpucp_mon', 'set_param'] },
  ];
  for (const { stmt, chain } of chains) {
    it(`${stmt}: ${chain.join(' → ')}, each frame with its arguments and locals`, async () => {
      const line = lineOf(CHAINS_SRC, stmt);
      await h.launch(CHAINS, { lines: [line] });
      await h.stopped('breakpoint');
      await h.go('stepIn');
      expect((await names())[0]).toBe(chain[0]);
      const last = chain[chain.length - 1] as string;
      // The chain in call order, outermost first (the kernel's own helpers may stand between its links).
      const links = async (): Promise<number> => {
        const seen = (await names()).reverse();
        let at = 0;
        for (const fn of seen) if (fn === chain[at]) at++;
        return seen[seen.length - 1] === last ? at : 0;
      };
      for (let i = 0; i < 300 && (await links()) < chain.length; i++) await h.go('stepIn');
      expect(await links(), (await names()).join(' ← ')).toBe(chain.length);
      const stack = await h.stack();
      expect(stack[stack.length - 1]?.line).toBe(line);
      for (const f of stack.slice(0, -1)) {
        const fn = f.name.replace(/\(.*$/, '');
        if (!chain.includes(fn)) continue;
        const locals = (await h.scopes(f.id)).find((x) => x.presentationHint === 'locals');
        expect(locals?.name, fn).toBe(`Locals: ${fn}`);
        const vs = await h.vars(locals?.variablesReference ?? 0);
        expect(vs.length, fn).toBeGreaterThan(0);
        for (const v of vs) expect(v.value, `${fn}.${v.name}`).not.toMatch(/^$|undefined|NaN|<Uint8Array>|\[object /);
      }
    });
  }
});

/** One stop for each exception filter, in file order; `bug` ends the run. */
const EXC_SRC = `partition vps=1
hvc HVCALL_POST_MESSAGE connection=1 type=1 payload=[1]
memlat memory 0 min=100000 max=2000000
scmi start
device d0 type=private pages=2
mmap 0x10000 8K
write 0x10000 1
migrate 0x10000 4K to=d0
device d0 fail=on
read 0x10000
read 0x900000
expect last.signal == none
hugetlb file f
region_add f 0 1 regions_needed=0
region_add f 2 3 regions_needed=0
print "never"
`;
const EXC = files.write('exc.kstep', EXC_SRC);

describe('every exception filter', () => {
  it('stops where its exception happens, with its id and a description', async () => {
    const want: Array<[string, string, RegExp]> = [
      ['hv_error', 'hvc HVCALL_POST_MESSAGE', /HVCALL_POST_MESSAGE: HV_STATUS_ACCESS_DENIED/],
      ['scmi_error', 'scmi start', /SCMI_ERR_/],
      ['fault', 'write 0x10000', /page fault at 0x10000/],
      ['device_private', 'read 0x10000', /device-private page 0x8000000 at 0x10000/],
      ['sigbus', 'read 0x10000', /SIGBUS/],
      ['sigsegv', 'read 0x900000', /SIGSEGV/],
      ['expect', 'expect last.signal', /expect failed|last\.signal/],
      ['bug', 'region_add f 2 3', /BUG: t - f <= 1/],
    ];
    await h.launch(EXC, { exceptions: { filters: [] } });
    expect(await h.stopped()).toMatchObject({ reason: 'end' });
    for (const [filter, stmt, text] of want) {
      await h.dc.setExceptionBreakpointsRequest({ filters: [filter] });
      await h.restart();
      const st = await h.stopped();
      expect(st.reason, filter).toBe('exception');
      const stack = await h.stack();
      expect(stack[stack.length - 1]?.line, filter).toBe(lineOf(EXC_SRC, stmt));
      const info = (await h.dc.exceptionInfoRequest({ threadId: 1 })).body;
      expect(info.exceptionId, filter).toBe(filter);
      expect(info.description ?? '', filter).toMatch(text);
      expect(st.text ?? st.description ?? '', filter).toMatch(text);
    }
  });
});

describe('stepBack inside kernel frames of every mechanism', () => {
  /** `name@line` of each frame and its depth: where a stop is. */
  const here = async (): Promise<{ at: string; depth: number }> => {
    const st = await h.stack();
    return { at: st.map((f) => `${f.name}@${f.line}`).join(' | '), depth: st.length };
  };
  // `advance` fires a synthetic timer's expiries and the memlat firmware's sample, each its own frame.
  for (const stmt of ['region_add f 0 5', 'vpreg SINT2', 'read 0x10000', 'scmi probe', 'advance 8ms']) {
    it(`${stmt}: each stepBack lands on the previous step point at the same or a shallower depth, with the state it had`, async () => {
      const line = lineOf(CHAINS_SRC, stmt);
      await h.launch(CHAINS, { lines: [line] });
      await h.stopped('breakpoint');
      // Forward by F11 through the statement's step points (at most 40), keeping what each showed.
      const seen: Array<{ at: string; depth: number; view: View }> = [{ ...(await here()), view: await h.view(3) }];
      let out = false;
      for (let n = 0; n < 40 && !out; n++) {
        await h.go('stepIn');
        const now = await here();
        if (now.depth === 1) out = true;
        else seen.push({ ...now, view: await h.view(3) });
      }
      if (out) {
        // Past the statement: stepBack is the start of the statement, and forward again is the same run.
        await h.go('stepBack');
        expect(await h.view(3)).toEqual(seen[0]?.view);
        for (let k = 1; k < seen.length; k++) await h.go('stepIn');
        expect(await h.view(3)).toEqual(seen[seen.length - 1]?.view);
      }
      // Back from the last one to the statement: each stepBack is the nearest earlier point no deeper than where it starts.
      let i = seen.length - 1;
      while (i > 0) {
        const depth = seen[i]?.depth ?? 0;
        let j = i - 1;
        while (j > 0 && (seen[j]?.depth ?? 0) > depth) j--;
        await h.go('stepBack');
        expect((await here()).at, `back from ${seen[i]?.at}`).toBe(seen[j]?.at);
        expect(await h.view(3)).toEqual(seen[j]?.view);
        i = j;
      }
    });
  }
});

describe('what a callee returned', () => {
  it('bytes (an SCMI reply\'s rx) show as bytes, not as the name of their type', async () => {
    const src = `memlat memory 0 min=100000 max=2000000
memlat monitor 0 cpus=[0..3] map=[[1000000, 200000], [2000000, 800000]]
scmi probe
scmi get_param MEMLAT_GET_CUR_FREQ hw=0
print "done"
`;
    await h.launch(files.write('rx.kstep', src), { lines: [lineOf(src, 'print')] });
    await h.stopped('breakpoint');
    const top = await h.top();
    const locals = (await h.scopes(top.id)).find((s) => s.name === 'Locals');
    const ret = (await h.vars(locals?.variablesReference ?? 0)).find((v) => v.name === 'get_param returned');
    expect(ret?.value).toMatch(/rx: \[[0-9a-f]{2}( [0-9a-f]{2}){3}\]/);
    const rx = await h.child(ret?.variablesReference ?? 0, 'rx');
    expect(rx.indexedVariables ?? (await h.vars(rx.variablesReference)).length).toBeGreaterThan(0);
    expect(await h.ev('frame["get_param returned"].rx', 'watch', { frameId: top.id })).not.toMatch(/Uint8Array/);
  });
});

describe('conditions on a kernel frame\'s arguments', () => {
  it('a function breakpoint\'s condition reads the frame it stops on as `frame`, as a watch does', async () => {
    const src = `hugetlb file f
region_chg f 0 1
region_add f 0 1
region_chg f 2 3
region_add f 2 3
partition vps=1
vpreg GUEST_OSID = 0x8100_0000_0000_0000
hvc HVCALL_POST_MESSAGE connection=1 type=1 payload=[1]
`;
    const file = files.write('cond.kstep', src);
    await h.launch(file, { stopOnEntry: true });
    await h.stopped('entry');
    const r = await h.dc.setFunctionBreakpointsRequest({
      breakpoints: [
        { name: 'region_add', condition: 'frame.f == 2' },
        { name: 'hvc', condition: 'frame.control == 0x5c' },
      ],
    });
    expect(r.body.breakpoints.map((b) => b.verified)).toEqual([true, true]);
    await h.go('continue');
    expect(await where()).toBe(`region_add:${lineOf(src, 'region_add f 2 3')}`);
    await h.go('continue');
    expect(await where()).toBe(`hv_hvc_handler:${lineOf(src, 'hvc HVCALL_POST_MESSAGE')}`);
    expect(await h.go('continue')).toMatchObject({ reason: 'end' });
  });
});

describe('same scenario, same result', () => {
  it('the tour (every mechanism): stepping back over each statement lands on exactly the state it had going forward', async () => {
    const tour = join(EXAMPLES, 'tour.kstep');
    await h.launch(tour, { stopOnEntry: true, exceptions: { filters: [] } });
    await h.stopped('entry');
    const forward: View[] = [await h.view(2)];
    for (let i = 0; i < 200; i++) {
      const st = await h.go('next');
      if (st.reason === 'end') break;
      forward.push(await h.view(2));
    }
    expect(forward.length).toBeGreaterThan(40);
    // From the end, stepBack goes to the start of the last statement, and then one statement back at a time.
    for (let i = forward.length - 1; i >= 0; i--) {
      await h.go('stepBack');
      expect(await h.view(2), `statement ${i}: ${forward[i]?.stack[0] ?? ''}`).toEqual(forward[i]);
    }
  });
});

describe('mm frames show PTEs and addresses as the kernel\'s values', () => {
  it('orig_pte and the swap entry name the entry\'s kind and pfn (never a negative packed word); addresses are numbers', async () => {
    const src = `device dmirror0 type=private pages=4
mmap 0x10000 8K
write 0x10000 0x1234
migrate 0x10000 4K to=dmirror0
read 0x10000
device_access dmirror0 write 0x11000
`;
    await h.launch(files.write('ptes.kstep', src), { functions: ['do_swap_page', 'hmm_vma_handle_pte'] });
    await h.stopped('function breakpoint');
    const [swap, pteFault] = await h.stack();
    const local = async (frameId: number, name: string): Promise<string> => h.ev(`frame.${name}`, 'watch', { frameId });
    // Device pfns start at 2^27 (0x8000000): the packed word read -0x7ffffff6 here.
    expect(await local(swap?.id ?? 0, 'entry')).toBe('device_private write pfn 0x8000000');
    expect(await local(pteFault?.id ?? 0, 'orig_pte')).toBe('device_private write pfn 0x8000000');
    await h.go('continue');
    const top = await h.top();
    expect(top.name).toBe('hmm_vma_handle_pte(addr=0x11000, pte=none)');
    expect(await h.ev('frame.addr == 0x11000', 'watch', { frameId: top.id })).toBe('true');
  });
});
