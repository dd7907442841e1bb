import { afterAll, describe, expect, it } from 'vitest';
import { MAX_SUGGESTIONS, suggestions } from '../../src/sim';
import { REGISTRY } from '../../src/sim';
import { Harness, Scenarios, openPerTest } from '../support/dap';

// Issue 16 §3: the rough edges a kernel engineer hits in the first hour.
const files = new Scenarios();
const P = files.write('r.kstep', 'hugetlb file f\nregion_chg f 0 1\nregion_add f 0 1\n');
const HV = files.write('hv.kstep', 'partition vps=2\nvpreg GUEST_OSID = 1\nprint "x"\n');
afterAll(() => files.dispose());

let h: Harness;
openPerTest((x) => (h = x));

describe('exception filters and function breakpoints', () => {
  it('each exception filter is shown by the id a launch configuration and the docs use', async () => {
    const caps = (await h.dc.initializeRequest({ adapterID: 'kstep', pathFormat: 'path', linesStartAt1: true, columnsStartAt1: true })).body ?? {};
    const filters = caps.exceptionBreakpointFilters ?? [];
    expect(filters.map((f) => f.filter)).toEqual(expect.arrayContaining(['expect', 'bug', 'fault', 'device_private', 'sigbus', 'sigsegv', 'hv_error', 'scmi_error']));
    for (const f of filters) expect(f.label).toBe(f.filter);
    expect(filters.find((f) => f.filter === 'hv_error')?.description).toMatch(/^hypercall error: /);
  });

  it('an unknown function breakpoint says "did you mean" with at most 3 near names', async () => {
    const r = await h.launch(P, { functions: ['region_ad', 'region_add', 'no_such_function_at_all'] });
    const [typo, ok, none] = r.functions ?? [];
    expect(ok?.verified).toBe(true);
    expect(typo?.verified).toBe(false);
    expect(typo?.message).toMatch(/^no simulated kernel function 'region_ad': did you mean region_add(, \w+)*( or \w+)?\?$/);
    expect((typo?.message ?? '').split(/, | or /).length).toBeLessThanOrEqual(MAX_SUGGESTIONS);
    expect(none?.message).not.toMatch(/did you mean/);
    expect((none?.message ?? '').length).toBeLessThan(200);
  });
});

describe('suggestions', () => {
  it('nearest first, never more than 3, none for a name unlike any', () => {
    const known = REGISTRY.functionNames;
    expect(suggestions('region_ad', known)[0]).toBe('region_add');
    expect(suggestions('hvcall_post_mesage', known)[0]).toBe('hvcall_post_message');
    expect(suggestions('region', known).length).toBeLessThanOrEqual(MAX_SUGGESTIONS);
    expect(suggestions('zzzzzzzzzzzz', known)).toEqual([]);
  });
});

describe('Call Stack paging', () => {
  it('totalFrames is the whole stack on every page, so the client knows when it has it all ("Load More Stack Frames" goes away)', async () => {
    await h.launch(HV, { functions: ['hvcall_set_vp_registers'] });
    await h.stopped('function breakpoint');
    const threads = (await h.dc.threadsRequest()).body.threads;
    expect(threads.length).toBe(3);
    for (const t of threads) {
      // VS Code asks for the top frame first, then the rest, 20 at a time.
      const first = (await h.dc.stackTraceRequest({ threadId: t.id, startFrame: 0, levels: 1 })).body;
      const rest = (await h.dc.stackTraceRequest({ threadId: t.id, startFrame: 1, levels: 19 })).body;
      const all = (await h.dc.stackTraceRequest({ threadId: t.id })).body;
      expect(first.totalFrames).toBe(all.stackFrames.length);
      expect(rest.totalFrames).toBe(all.stackFrames.length);
      expect(first.stackFrames.length + rest.stackFrames.length).toBe(all.stackFrames.length);
      const beyond = (await h.dc.stackTraceRequest({ threadId: t.id, startFrame: all.stackFrames.length, levels: 20 })).body;
      expect(beyond.stackFrames).toEqual([]);
    }
    expect((await h.stack()).length).toBeGreaterThan(3);
  });
});
