import { afterAll, describe, expect, it } from 'vitest';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { Harness, Scenarios, openPerTest } from '../support/dap';
import { BUG, EXPECT, L, LOOP, R, RESV } from './scenarios';

const files = new Scenarios();
const P = {
  resv: files.write('resv.kstep', RESV),
  loop: files.write('loop.kstep', LOOP),
  expect: files.write('expect.kstep', EXPECT),
  bug: files.write('bug.kstep', BUG),
};
afterAll(() => files.dispose());

let h: Harness;
openPerTest((x) => (h = x));

/** Continues until the end stop, collecting `expr` at every stop on the way. */
async function stopsUntilEnd(expr: string): Promise<string[]> {
  const seen: string[] = [];
  for (let i = 0; i < 20; i++) {
    const s = await h.go('continue');
    if (s.reason === 'end') return seen;
    seen.push(`${s.reason}:${await h.ev(expr)}`);
  }
  throw new Error('no end');
}

describe('line breakpoints', () => {
  it('bind to statement lines; a comment or blank line moves to the next statement; past the last statement is unverified', async () => {
    const { lines } = await h.launch(P.resv, { stopOnEntry: true, lines: [R.add01, R.blank, R.comment, R.trailing, 500] });
    const [onStmt, onBlank, onComment, onTrailing, far] = lines as DebugProtocol.Breakpoint[];
    expect(onStmt).toMatchObject({ verified: true, line: R.add01 });
    expect(onStmt?.message).toBeUndefined();
    expect(onBlank).toMatchObject({ verified: true, line: R.chg01 });
    expect(onBlank?.message).toContain(`line ${R.chg01}`);
    expect(onComment).toMatchObject({ verified: true, line: R.chg01 });
    expect(onTrailing).toMatchObject({ verified: false });
    expect(onTrailing?.message).toMatch(/no statement/);
    expect(far).toMatchObject({ verified: false });
    expect(new Set(lines?.map((b) => b.id)).size).toBe(5);
    await h.stopped('entry');
    const s = await h.go('continue');
    expect(s.reason).toBe('breakpoint');
    expect([...(s.hitBreakpointIds ?? [])].sort()).toEqual([onBlank?.id, onComment?.id].sort());
    expect((await h.top()).line).toBe(R.chg01);
    expect(await h.go('continue')).toMatchObject({ reason: 'breakpoint', hitBreakpointIds: [onStmt?.id] });
    expect((await h.top()).line).toBe(R.add01);
    expect(await h.go('continue')).toMatchObject({ reason: 'end' });
  });

  it('a breakpoint on the first statement is hit by a launch that does not stop on entry', async () => {
    const { lines } = await h.launch(P.resv, { stopOnEntry: false, lines: [R.file, R.add01] });
    const s = await h.stopped();
    expect(s.reason).toBe('breakpoint');
    expect(s.hitBreakpointIds).toEqual([lines?.[0]?.id]);
    expect((await h.top()).line).toBe(R.file);
    // Continuing goes on to the next one, not back to the first.
    expect((await h.go('continue')).reason).toBe('breakpoint');
    expect((await h.top()).line).toBe(R.add01);
  });

  it('setBreakpoints replaces the earlier set; an empty set clears them', async () => {
    await h.launch(P.resv, { stopOnEntry: true, lines: [R.chg01] });
    await h.stopped('entry');
    const r = await h.dc.setBreakpointsRequest({ source: { path: P.resv }, breakpoints: [{ line: R.chg05 }] });
    expect(r.body.breakpoints).toMatchObject([{ verified: true, line: R.chg05 }]);
    await h.go('continue');
    expect((await h.top()).line).toBe(R.chg05);
    await h.dc.setBreakpointsRequest({ source: { path: P.resv }, breakpoints: [] });
    expect(await h.go('continue')).toMatchObject({ reason: 'end' });
  });

  it('a breakpoint in another file is unverified', async () => {
    await h.launch(P.resv, { stopOnEntry: true });
    await h.stopped('entry');
    const r = await h.dc.setBreakpointsRequest({ source: { path: P.loop }, breakpoints: [{ line: 1 }] });
    expect(r.body.breakpoints).toMatchObject([{ verified: false }]);
    expect(r.body.breakpoints[0]?.message).toBeTruthy();
  });

  it('an invalid condition, hit condition or log message makes the breakpoint unverified with the reason', async () => {
    const { lines } = await h.launch(P.resv, {
      lines: [
        { line: R.chg01, condition: 'resv.f.adds_in_progress >=' },
        { line: R.add01, hitCondition: 'sometimes' },
        { line: R.chg23, logMessage: 'x = {resv.f.(}' },
        { line: R.add23, logMessage: 'unclosed {resv.f' },
      ],
    });
    for (const b of lines ?? []) {
      expect(b.verified).toBe(false);
      expect(b.message).toBeTruthy();
    }
    expect(lines?.[1]?.message).toMatch(/hit condition/);
    // None of them stops the run.
    await h.stopped('end');
  });

  it('a condition that cannot be evaluated yet is false, not an error', async () => {
    await h.launch(P.resv, { lines: [{ line: R.file, condition: 'resv.f.adds_in_progress == 0' }, { line: R.chg01, condition: 'resv.f.adds_in_progress == 0' }] });
    await h.stopped('breakpoint');
    expect((await h.top()).line).toBe(R.chg01);
  });

  it('hit count N stops on the Nth hit only', async () => {
    await h.launch(P.loop, { lines: [{ line: L.chg, hitCondition: '3' }] });
    await h.stopped('breakpoint');
    expect(await h.ev('time.ns')).toBe('2 ns');
    expect(await stopsUntilEnd('time.ns')).toEqual([]);
  });

  it('hit count >= N and % N', async () => {
    await h.launch(P.loop, { lines: [{ line: L.chg, hitCondition: '>= 2' }] });
    await h.stopped('breakpoint');
    expect(await h.ev('time.ns')).toBe('1 ns');
    expect(await stopsUntilEnd('time.ns')).toEqual(['breakpoint:2 ns', 'breakpoint:3 ns', 'breakpoint:4 ns']);
    await h.dc.setBreakpointsRequest({ source: { path: P.loop }, breakpoints: [{ line: L.chg, hitCondition: '% 2' }] });
    await h.restart({ program: P.loop });
    await h.stopped('breakpoint');
    expect(await h.ev('time.ns')).toBe('1 ns');
    expect(await stopsUntilEnd('time.ns')).toEqual(['breakpoint:3 ns']);
  });

  it('logpoints print their {expression} parts to the console and do not stop', async () => {
    const { lines } = await h.launch(P.loop, { lines: [{ line: L.advance, logMessage: 'at {time.ns} ns: {len(resv.f.regions)} regions, last {last}' }] });
    expect(lines?.[0]).toMatchObject({ verified: true, line: L.advance });
    await h.stopped('end');
    expect(h.output('console')).toBe(
      [0, 1, 2, 3, 4].map((i) => `at ${i} ns: ${i + 1} regions, last {ret: 1}\n`).join(''),
    );
    expect(h.output('stdout')).toBe('regions: 5\n');
  });

  it('breakpointLocations returns the statement lines in a range', async () => {
    await h.launch(P.loop, { stopOnEntry: true });
    await h.stopped('entry');
    const r = await h.dc.customRequest('breakpointLocations', { source: { path: P.loop }, line: 1, endLine: 10 });
    const locs = (r.body as DebugProtocol.BreakpointLocationsResponse['body']).breakpoints;
    expect(locs.map((l) => l.line)).toEqual([L.file, L.chg, L.add, L.repeat, L.call, L.advance, L.print]);
    const part = await h.dc.customRequest('breakpointLocations', { source: { path: P.loop }, line: L.procEnd, endLine: L.call });
    expect((part.body as DebugProtocol.BreakpointLocationsResponse['body']).breakpoints.map((l) => l.line)).toEqual([L.repeat, L.call]);
    const one = await h.dc.customRequest('breakpointLocations', { source: { path: P.loop }, line: L.add });
    expect((one.body as DebugProtocol.BreakpointLocationsResponse['body']).breakpoints).toEqual([{ line: L.add, column: 3 }]);
    const none = await h.dc.customRequest('breakpointLocations', { source: { path: P.loop }, line: L.procEnd });
    expect((none.body as DebugProtocol.BreakpointLocationsResponse['body']).breakpoints).toEqual([]);
  });

  it('a breakpoint inside a repeat hits on each iteration', async () => {
    await h.launch(P.loop, { lines: [L.advance] });
    await h.stopped('breakpoint');
    expect(await h.ev('time.ns')).toBe('0 ns');
    expect(await stopsUntilEnd('time.ns')).toEqual(['breakpoint:1 ns', 'breakpoint:2 ns', 'breakpoint:3 ns', 'breakpoint:4 ns']);
  });

  it('a breakpoint in a proc body stops in the proc frame, under its caller', async () => {
    await h.launch(P.loop, { lines: [L.add] });
    await h.stopped('breakpoint');
    expect(await h.where()).toEqual([`reserve()@${L.add}`, `loop.kstep@${L.call}`]);
    expect(await h.ev('resv.f.adds_in_progress')).toBe('1');
    await h.go('continue');
    expect(await h.where()).toEqual([`reserve()@${L.add}`, `loop.kstep@${L.call}`]);
    expect(await h.ev('time.ns')).toBe('1 ns');
  });
});

describe('function breakpoints', () => {
  it('region_add stops at the entry of each region_add frame', async () => {
    const { functions } = await h.launch(P.resv, { functions: ['region_add'] });
    expect(functions).toMatchObject([{ verified: true }]);
    const s = await h.stopped('function breakpoint');
    expect(s.hitBreakpointIds).toEqual([functions?.[0]?.id]);
    expect(await h.where()).toEqual([expect.stringMatching(/^region_add\(resv=f, f=0, t=1, in_regions_needed=1\)@\d+$/), `resv.kstep@${R.add01}`]);
    // Nothing of region_add has run yet.
    expect(await h.ev('resv.f.regions')).toBe('[]');
    await h.go('continue');
    expect((await h.top()).name).toBe('region_add(resv=f, f=2, t=3, in_regions_needed=1)');
  });

  it('add_reservation_in_range stops inside region_chg, and a condition filters the hits', async () => {
    const { functions } = await h.launch(P.resv, { functions: ['add_reservation_in_range'] });
    expect(functions?.[0]?.verified).toBe(true);
    await h.stopped('function breakpoint');
    expect((await h.stack()).map((f) => f.name)).toEqual([
      'add_reservation_in_range(resv=f, f=0, t=1, count_only=true)',
      'region_chg(resv=f, f=0, t=1)',
      'resv.kstep',
    ]);
    // A function breakpoint with a condition: only the region_add of the worked example.
    await h.dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'region_add', condition: 'resv.f.adds_in_progress >= 2' }] });
    await h.go('continue');
    expect(await h.where()).toEqual([expect.stringMatching(/^region_add\(resv=f, f=0, t=5,/), `resv.kstep@${R.add05}`]);
  });

  it('an unknown function name is unverified with a message, and does not stop', async () => {
    const { functions } = await h.launch(P.resv, { functions: ['no_such_function', 'resv_map_alloc'] });
    expect(functions?.[0]).toMatchObject({ verified: false });
    expect(functions?.[0]?.message).toContain('no_such_function');
    expect(functions?.[1]).toMatchObject({ verified: true });
    await h.stopped('function breakpoint');
    expect((await h.top()).name).toBe('resv_map_alloc(file=f)');
    expect(await h.go('continue')).toMatchObject({ reason: 'end' });
  });
});

describe('exception filters', () => {
  it('expect is on by default: stops with exceptionInfo carrying both sides', async () => {
    await h.launch(P.expect, {});
    const s = await h.stopped('exception');
    expect(s.text).toBe('expect failed: resv.f.adds_in_progress == 2 (left = 1, right = 2)');
    expect((await h.top()).line).toBe(3);
    const info = (await h.dc.exceptionInfoRequest({ threadId: 1 })).body;
    expect(info.exceptionId).toBe('expect');
    expect(info.description).toContain('left = 1');
    expect(info.description).toContain('right = 2');
    expect(info.breakMode).toBe('always');
    expect(info.details?.innerException?.map((e) => e.message)).toEqual(['left = 1', 'right = 2']);
    // Stepping back and running again meets it again, the same.
    await h.go('stepBack');
    expect((await h.top()).line).toBe(3);
    expect(await h.go('continue')).toMatchObject({ reason: 'exception', text: s.text });
    // The run goes on past it.
    expect(await h.go('continue')).toMatchObject({ reason: 'end' });
    expect(h.output('stdout')).toBe('after the expect\n');
    expect(await h.fails('exceptionInfo', { threadId: 1 })).toMatch(/not stopped on an exception/);
  });

  it('with the expect filter off the run goes past a failed expect', async () => {
    const { exceptions } = await h.launch(P.expect, { exceptions: { filters: [] } });
    expect(exceptions).toEqual([]);
    await h.stopped('end');
    expect(h.output('stdout')).toBe('after the expect\n');
  });

  it('a filter condition decides whether the exception stops', async () => {
    const { exceptions } = await h.launch(P.expect, {
      exceptions: { filters: [], filterOptions: [{ filterId: 'expect', condition: 'resv.f.adds_in_progress == 7' }] },
    });
    expect(exceptions).toMatchObject([{ verified: true }]);
    await h.stopped('end');
    await h.dc.setExceptionBreakpointsRequest({ filters: [], filterOptions: [{ filterId: 'expect', condition: 'resv.f.adds_in_progress == 1' }] });
    await h.restart({ program: P.expect });
    await h.stopped('exception');
    expect((await h.top()).line).toBe(3);
  });

  it('an unknown filter or an invalid condition is unverified', async () => {
    await h.launch(P.expect, { stopOnEntry: true });
    await h.stopped('entry');
    const r = await h.dc.setExceptionBreakpointsRequest({ filters: ['nonsense'], filterOptions: [{ filterId: 'expect', condition: '1 +' }] });
    expect(r.body?.breakpoints?.map((b) => b.verified)).toEqual([false, false]);
    expect(r.body?.breakpoints?.[0]?.message).toContain('nonsense');
  });

  it('bug: a VM_BUG_ON stops with the kernel frame on top, then the run ends', async () => {
    await h.launch(P.bug, {});
    const s = await h.stopped('exception');
    expect(s.text).toBe('BUG: t - f <= 1');
    const st = await h.stack();
    expect(st.map((f) => `${f.name}@${f.source?.path === P.bug ? f.line : 'kernel'}`)).toEqual([
      'region_add(resv=f, f=2, t=3, in_regions_needed=0)@kernel',
      'bug.kstep@3',
    ]);
    const info = (await h.dc.exceptionInfoRequest({ threadId: 1 })).body;
    expect(info).toMatchObject({ exceptionId: 'bug', breakMode: 'always' });
    expect(info.description).toContain('t - f <= 1');
    expect(info.details?.stackTrace).toContain('region_add');
    expect(h.output('stderr')).toBe('bug.kstep:3: BUG: t - f <= 1\n');
    // The run is over: no further statement runs.
    expect(await h.go('continue')).toMatchObject({ reason: 'end' });
    expect(await h.ev('resv.f.regions')).toBe('[[0, 1]]');
    await h.dc.continueRequest({ threadId: 1 });
    await h.next('terminated');
  });
});

describe('data breakpoints', () => {
  it('dataBreakpointInfo: state paths by variable or expression have a dataId; kernel locals do not', async () => {
    await h.launch(P.resv, { lines: [R.chg01] });
    await h.stopped('breakpoint');
    await h.go('stepIn');
    const top = await h.top();
    const locals = await h.scope('Locals: region_chg', top.id);
    const li = await h.dc.dataBreakpointInfoRequest({ variablesReference: locals.variablesReference, name: 'f' });
    expect(li.body.dataId).toBeNull();
    expect(li.body.description).toBeTruthy();
    const f = await h.child((await h.scope('hugetlb', top.id)).variablesReference, 'resv', 'f');
    const vi = await h.dc.dataBreakpointInfoRequest({ variablesReference: f.variablesReference, name: 'adds_in_progress' });
    expect(vi.body).toMatchObject({ dataId: 'resv.f.adds_in_progress', accessTypes: ['write'] });
    const ei = await h.dc.dataBreakpointInfoRequest({ name: 'resv.f.region_cache_count' });
    expect(ei.body.dataId).toBe('resv.f.region_cache_count');
    expect((await h.dc.dataBreakpointInfoRequest({ name: 'resv.nope.regions' })).body.dataId).toBeNull();
    expect((await h.dc.dataBreakpointInfoRequest({ name: 'resv.f.(' })).body.dataId).toBeNull();
  });

  it('stops right after the step that changed the value, with the new value visible', async () => {
    await h.launch(P.resv, { lines: [R.chg01] });
    await h.stopped('breakpoint');
    const r = await h.dc.setDataBreakpointsRequest({ breakpoints: [{ dataId: 'resv.f.adds_in_progress' }] });
    expect(r.body.breakpoints).toMatchObject([{ verified: true }]);
    const id = r.body.breakpoints[0]?.id;

    expect(await h.go('continue')).toMatchObject({ reason: 'data breakpoint', hitBreakpointIds: [id] });
    expect((await h.top()).name).toBe('region_chg(resv=f, f=0, t=1)');
    expect(await h.ev('resv.f.adds_in_progress')).toBe('1');
    // One step back the old value is still there.
    await h.go('stepBack');
    expect((await h.top()).name).toBe('region_chg(resv=f, f=0, t=1)');
    expect(await h.ev('resv.f.adds_in_progress')).toBe('0');

    await h.go('continue');
    expect(await h.ev('resv.f.adds_in_progress')).toBe('1');
    expect(await h.go('continue')).toMatchObject({ reason: 'data breakpoint', hitBreakpointIds: [id] });
    expect((await h.top()).name).toBe('region_add(resv=f, f=0, t=1, in_regions_needed=1)');
    expect(await h.ev('resv.f.adds_in_progress')).toBe('0');
    // In reverse: the latest earlier change.
    expect(await h.go('reverseContinue')).toMatchObject({ reason: 'data breakpoint' });
    expect((await h.top()).name).toBe('region_chg(resv=f, f=0, t=1)');
    expect(await h.ev('resv.f.adds_in_progress')).toBe('1');
  });

  it('a hit condition on a data breakpoint counts the changes', async () => {
    await h.launch(P.resv, { lines: [R.chg01] });
    await h.stopped('breakpoint');
    // adds_in_progress goes 0 → 1 (region_chg) → 0 (region_add) → 1 (the next region_chg): stop on the third change.
    const r = await h.dc.setDataBreakpointsRequest({ breakpoints: [{ dataId: 'resv.f.adds_in_progress', hitCondition: '3' }] });
    expect(r.body.breakpoints).toMatchObject([{ verified: true }]);
    expect(await h.go('continue')).toMatchObject({ reason: 'data breakpoint' });
    expect(await h.ev('resv.f.adds_in_progress')).toBe('1');
    expect(await h.ev('len(resv.f.regions)')).toBe('1');
    const bad = await h.dc.setDataBreakpointsRequest({ breakpoints: [{ dataId: 'resv.f.adds_in_progress', hitCondition: 'often' }] });
    expect(bad.body.breakpoints).toMatchObject([{ verified: false }]);
  });

  it('a data breakpoint on the region list stops in the filling walk of region_add', async () => {
    await h.launch(P.resv, { lines: [R.chg01] });
    await h.stopped('breakpoint');
    const info = await h.dc.dataBreakpointInfoRequest({ name: 'resv.f.regions' });
    expect(info.body.dataId).toBe('resv.f.regions');
    await h.dc.setDataBreakpointsRequest({ breakpoints: [{ dataId: info.body.dataId as string }] });
    const stops: string[] = [];
    for (let i = 0; i < 2; i++) {
      expect(await h.go('continue')).toMatchObject({ reason: 'data breakpoint' });
      stops.push(`${(await h.top()).name} ${await h.ev('resv.f.regions')}`);
    }
    expect(stops).toEqual([
      'add_reservation_in_range(resv=f, f=0, t=1, count_only=false) [[0, 1]]',
      'add_reservation_in_range(resv=f, f=2, t=3, count_only=false) [[0, 1], [2, 3]]',
    ]);
    // Cleared: the run goes to the end.
    await h.dc.setDataBreakpointsRequest({ breakpoints: [] });
    expect(await h.go('continue')).toMatchObject({ reason: 'end' });
  });
});
