import { afterAll, describe, expect, it } from 'vitest';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { REGISTRY } from '../../src/sim';
import { Harness, Scenarios, openPerTest } from '../support/dap';
import { RESV } from './scenarios';

/*
 * Breakpoints in the kernel listings (issue 16): F9 on a line of
 * mm/hugetlb.c binds to the listing's step point there (or the next one in
 * the same function), stops forward and in reverse, and takes conditions,
 * hit counts and log messages as scenario lines do.
 */
const files = new Scenarios();
const P = files.write('resv.kstep', RESV);
afterAll(() => files.dispose());

let h: Harness;
openPerTest((x) => (h = x));

const HUGETLB = REGISTRY.sources.find((s) => s.path === 'mm/hugetlb.c');
const label = (fn: string, name: string): number => {
  const line = HUGETLB?.functions.get(fn)?.labels.get(name);
  if (line === undefined) throw new Error(`no label ${fn}:${name}`);
  return line;
};
/** add_reservation_in_range's loop head: one stop as the walk begins (each region it visits stops at `rg`). */
const WALK = label('add_reservation_in_range', 'walk');
const ADD_RETURN = label('region_add', 'return');

async function listing(): Promise<DebugProtocol.Source> {
  const { sources } = (await h.dc.customRequest('loadedSources', {})).body as DebugProtocol.LoadedSourcesResponse['body'];
  const s = sources.find((x) => x.path === 'kstep-kernel:/mm/hugetlb.c');
  if (!s) throw new Error('mm/hugetlb.c is not a loaded source');
  return s;
}

async function setIn(src: DebugProtocol.Source, bps: DebugProtocol.SourceBreakpoint[]): Promise<DebugProtocol.Breakpoint[]> {
  return (await h.dc.setBreakpointsRequest({ source: src, breakpoints: bps })).body.breakpoints;
}

/** Continues to the end, giving `name@line` of the top frame at every breakpoint stop. */
async function hitsUntilEnd(): Promise<string[]> {
  const seen: string[] = [];
  for (let i = 0; i < 100; i++) {
    const s = await h.go('continue');
    if (s.reason === 'end') return seen;
    expect(s.reason).toBe('breakpoint');
    const top = await h.top();
    seen.push(`${top.name.split('(')[0] ?? ''}@${top.line}`);
  }
  throw new Error('no end');
}

describe('breakpoints in a kernel listing', () => {
  it('verify at a step point, move to the next one in the same function, and refuse past the last', async () => {
    await h.launch(P, { stopOnEntry: true });
    await h.stopped('entry');
    const src = await listing();
    const [exact, before, past] = await setIn(src, [{ line: WALK }, { line: ADD_RETURN - 1 }, { line: (HUGETLB?.lines.length ?? 0) + 5 }]);
    expect(exact).toMatchObject({ verified: true, line: WALK });
    expect(before).toMatchObject({ verified: true, line: ADD_RETURN });
    expect(before?.message).toContain('region_add');
    expect(past).toMatchObject({ verified: false });
    const { breakpoints } = (await h.dc.customRequest('breakpointLocations', { source: src, line: 1, endLine: HUGETLB?.lines.length ?? 1 })).body as DebugProtocol.BreakpointLocationsResponse['body'];
    expect(breakpoints.map((b) => b.line)).toContain(WALK);
    expect(breakpoints.map((b) => b.line)).not.toContain(ADD_RETURN - 1);
  });

  it('stop forward at every pass through the line, in the listing, with the kernel frame on top', async () => {
    await h.launch(P, { stopOnEntry: true });
    await h.stopped('entry');
    const src = await listing();
    await setIn(src, [{ line: ADD_RETURN }]);
    const hits = await hitsUntilEnd();
    // RESV runs region_add four times.
    expect(hits).toEqual(Array(4).fill(`region_add@${ADD_RETURN}`));
  });

  it('stop in reverse at the previous pass, and take a condition and a hit count', async () => {
    await h.launch(P, { stopOnEntry: true });
    await h.stopped('entry');
    const src = await listing();
    await setIn(src, [{ line: ADD_RETURN }]);
    await h.go('continue');
    await h.go('continue');
    const second = await h.ev('resv.f.regions');
    const first = await h.go('reverseContinue');
    expect(first.reason).toBe('breakpoint');
    expect((await h.top()).line).toBe(ADD_RETURN);
    expect(await h.ev('resv.f.regions')).not.toBe(second);
    // The worked example's region_add is the only one entered with two adds in progress.
    await setIn(src, [{ line: ADD_RETURN, condition: 'len(resv.f.regions) == 5' }]);
    expect(await hitsUntilEnd()).toEqual([`region_add@${ADD_RETURN}`]);
  });

  it('a hit count and a logpoint', async () => {
    await h.launch(P, { stopOnEntry: true });
    await h.stopped('entry');
    const src = await listing();
    await setIn(src, [{ line: ADD_RETURN, hitCondition: '3' }, { line: WALK, logMessage: 'walk with {len(resv.f.regions)} regions' }]);
    expect(await hitsUntilEnd()).toEqual([`region_add@${ADD_RETURN}`]);
    expect(h.output('console')).toMatch(/walk with \d+ regions/);
  });

  it('are kept across a restart', async () => {
    await h.launch(P, { stopOnEntry: true });
    await h.stopped('entry');
    const [bp] = await setIn(await listing(), [{ line: ADD_RETURN }]);
    expect(bp).toMatchObject({ verified: true, line: ADD_RETURN });
    await h.dc.customRequest('restart', { arguments: { program: P, stopOnEntry: false } });
    const s = await h.stopped();
    expect(s.reason).toBe('breakpoint');
    expect(s.hitBreakpointIds).toEqual([bp?.id]);
    expect((await h.top()).line).toBe(ADD_RETURN);
  });
});

describe('stepInTargets on a statement of many calls', () => {
  // mlock populates: a fault per page, 20,000 calls each of handle_mm_fault and its callees.
  const MANY = files.write('many.kstep', 'mmap 0x100000000 80000K\nexpect 1 == 1\nmlock 0x100000000 80000K\nexpect 2 == 2\n');

  it('lists each function it can enter once; stepping into one runs to its next entry, or says it was not entered', async () => {
    await h.launch(MANY, { lines: [3] });
    await h.stopped('breakpoint');
    const targets = (await h.dc.stepInTargetsRequest({ frameId: (await h.top()).id })).body.targets;
    const labels = targets.map((t) => t.label);
    expect(new Set(labels).size).toBe(labels.length);
    expect(labels.slice(0, 2)).toEqual(['do_mlock', '__mm_populate']);
    expect(labels).toContain('handle_mm_fault');
    expect(JSON.stringify(targets).length).toBeLessThan(100_000);
    // A function the listings can reach but this mlock (no hugetlb VMA) never enters: the statement runs to its end.
    const huge = targets.find((t) => t.label === 'hugetlb_fault');
    expect(huge).toBeDefined();
    const stop = await h.go('stepIn', { targetId: huge?.id });
    expect(stop.description).toBe('hugetlb_fault was not entered before the statement ended');
    expect(await h.where()).toEqual(['many.kstep@4']);
    expect(await h.go('reverseContinue')).toMatchObject({ reason: 'breakpoint' });
    const fault = targets.find((t) => t.label === 'handle_mm_fault');
    await h.go('stepIn', { targetId: fault?.id });
    const stack = (await h.stack()).map((f) => f.name.split('(')[0]);
    expect(stack[0]).toBe('handle_mm_fault');
    expect(stack).toContain('__get_user_pages');
    // From inside a frame the run ends when that frame returns.
    const again = await h.go('stepIn', { targetId: huge?.id });
    expect(again.description).toBe('hugetlb_fault was not entered before handle_mm_fault returned');
  });
});
