import { afterAll, describe, expect, it } from 'vitest';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { coreSuite } from './core_suite';
import { Harness, Scenarios, openPerTest } from '../support/dap';
import { BAD, L, LOOP, PRINT, R, RESV } from './scenarios';

coreSuite('stdio');

const files = new Scenarios();
const P = {
  resv: files.write('resv.kstep', RESV),
  loop: files.write('loop.kstep', LOOP),
  print: files.write('print.kstep', PRINT),
  bad: files.write('bad.kstep', BAD),
};
afterAll(() => files.dispose());

let h: Harness;
openPerTest((x) => (h = x));

describe('launch and lifecycle', () => {
  it('noDebug runs to the end without stopping, ignoring breakpoints, and terminates', async () => {
    await h.launch(P.loop, { noDebug: true, lines: [L.chg, L.advance], functions: ['region_add'] });
    await h.next('terminated');
    expect(h.log.filter((e) => e.event === 'stopped')).toEqual([]);
    expect(h.output('stdout')).toBe('regions: 5\n');
  });

  it('a missing program is an error response naming the file, and no hang', async () => {
    const missing = '/nonexistent/dir/missing.kstep';
    await expect(h.launch(missing)).rejects.toThrow(/missing\.kstep.*does not exist/);
    await h.next('terminated');
    expect((await h.dc.threadsRequest()).body.threads).toHaveLength(1);
  });

  it('an unparsable program is an error response, with every diagnostic on stderr', async () => {
    await expect(h.launch(P.bad)).rejects.toThrow(/bad\.kstep has 2 errors/);
    await h.next('terminated');
    const lines = h.output('stderr').trimEnd().split('\n');
    expect(lines).toEqual([
      `${P.bad}:2:15: error: 'region_chg' needs <t>`,
      `${P.bad}:3:1: error: unknown statement 'bogus_verb'`,
    ]);
    expect(h.log.filter((e) => e.event === 'stopped' || e.event === 'initialized')).toEqual([]);
  });

  it('launch without a program is an error', async () => {
    await h.dc.initializeRequest();
    expect(await h.fails('launch', { stopOnEntry: true })).toMatch(/program/);
    expect(await h.fails('launch', { program: 42 })).toMatch(/program/);
  });

  it('restart goes back to the entry or re-runs to the first breakpoint, keeping breakpoints', async () => {
    const { lines } = await h.launch(P.resv, { lines: [R.add23] });
    await h.stopped('breakpoint');
    await h.go('next');
    await h.go('next');
    expect((await h.top()).line).toBe(R.add56);

    // Without arguments: the same launch configuration; the breakpoint is still there.
    await h.restart();
    expect(await h.stopped('breakpoint')).toMatchObject({ hitBreakpointIds: [lines?.[0]?.id] });
    expect((await h.top()).line).toBe(R.add23);
    expect(await h.ev('resv.f.regions')).toBe('[[0, 1]]');

    // With a changed configuration: stop on entry this time.
    await h.restart({ program: P.resv, stopOnEntry: true });
    await h.stopped('entry');
    expect((await h.top()).line).toBe(R.file);
    expect(await h.ev('len(resv)')).toBe('0');
    expect(await h.go('continue')).toMatchObject({ reason: 'breakpoint' });
    expect((await h.top()).line).toBe(R.add23);
  });

  it('terminate sends terminated; disconnect answers and the adapter still answers after', async () => {
    await h.launch(P.resv, { stopOnEntry: true });
    await h.stopped('entry');
    await h.dc.terminateRequest();
    await h.next('terminated');
    const r = await h.raw('disconnect', {});
    expect(r.success).toBe(true);
    expect(await h.fails('stackTrace', { threadId: 1 })).toMatch(/no scenario/);
  });
});

describe('threads, stack and sources', () => {
  it('one scenario thread', async () => {
    await h.launch(P.resv, { stopOnEntry: true });
    await h.stopped('entry');
    expect((await h.dc.threadsRequest()).body.threads).toEqual([{ id: 1, name: 'scenario' }]);
  });

  it('kernel frames above the scenario frame point into the mm/hugetlb.c listing at code of their function', async () => {
    await h.launch(P.resv, { lines: [R.add01] });
    await h.stopped('breakpoint');
    await h.go('stepIn');
    await h.go('stepIn');
    const st = await h.stack();
    expect(st.map((f) => f.name)).toEqual([
      'add_reservation_in_range(resv=f, f=0, t=1, count_only=true)',
      'region_add(resv=f, f=0, t=1, in_regions_needed=1)',
      'resv.kstep',
    ]);
    const scen = st[2] as DebugProtocol.StackFrame;
    expect(scen.source).toMatchObject({ path: P.resv, name: 'resv.kstep' });
    expect(scen.line).toBe(R.add01);
    const kernel = st.slice(0, 2);
    const ref = kernel[0]?.source?.sourceReference ?? 0;
    expect(ref).toBeGreaterThan(0);
    expect(kernel[1]?.source?.sourceReference).toBe(ref);
    expect(kernel[0]?.source?.name).toBe('hugetlb.c');
    const src = await h.dc.sourceRequest({ sourceReference: ref, source: kernel[0]?.source as DebugProtocol.Source });
    const text = src.body.content;
    expect(text).toContain('mm/hugetlb.c');
    const lines = text.split('\n');
    for (const f of kernel) {
      const fn = f.name.slice(0, f.name.indexOf('('));
      // The function's body: from its signature to the closing brace in column 1.
      const start = lines.findIndex((l) => /^static /.test(l) && l.includes(`${fn}(`));
      const end = lines.findIndex((l, i) => i > start && l === '}');
      expect(start, fn).toBeGreaterThanOrEqual(0);
      const idx = f.line - 1;
      expect(idx, `${fn} line ${f.line}`).toBeGreaterThan(start);
      expect(idx).toBeLessThan(end);
      expect(lines[idx]?.trim(), `${fn} line ${f.line}`).not.toBe('');
    }
    // The listing carries no step-point markers.
    expect(text).not.toMatch(/\/\/@/);
  });

  it('a proc call is a scenario frame; startFrame/levels page the stack with totalFrames', async () => {
    await h.launch(P.loop, { lines: [L.chg] });
    await h.stopped('breakpoint');
    expect(await h.where()).toEqual([`reserve()@${L.chg}`, `loop.kstep@${L.call}`]);
    await h.go('stepIn');
    await h.go('stepIn');
    const all = await h.dc.stackTraceRequest({ threadId: 1 });
    expect(all.body.totalFrames).toBe(4);
    expect(all.body.stackFrames.map((f) => f.name)).toEqual([
      'add_reservation_in_range(resv=f, f=0, t=1, count_only=true)',
      'region_chg(resv=f, f=0, t=1)',
      'reserve()',
      'loop.kstep',
    ]);
    expect(all.body.stackFrames[2]?.source?.path).toBe(P.loop);
    const page = await h.dc.stackTraceRequest({ threadId: 1, startFrame: 1, levels: 2 });
    expect(page.body.totalFrames).toBe(4);
    expect(page.body.stackFrames.map((f) => f.name)).toEqual(['region_chg(resv=f, f=0, t=1)', 'reserve()']);
    const tail = await h.dc.stackTraceRequest({ threadId: 1, startFrame: 3, levels: 20 });
    expect(tail.body.stackFrames.map((f) => `${f.name}@${f.line}`)).toEqual([`loop.kstep@${L.call}`]);
    // Stepping out of the kernel and the proc lands back in the caller.
    await h.go('stepOut');
    await h.go('stepOut');
    expect(await h.where()).toEqual([`reserve()@${L.add}`, `loop.kstep@${L.call}`]);
    await h.go('stepOut');
    expect(await h.where()).toEqual([`loop.kstep@${L.advance}`]);
  });

  it('loadedSources lists the scenario and the kernel listing', async () => {
    await h.launch(P.resv, { stopOnEntry: true });
    await h.stopped('entry');
    const r = await h.dc.customRequest('loadedSources', {});
    const sources = (r.body as DebugProtocol.LoadedSourcesResponse['body']).sources;
    expect(sources[0]?.path).toBe(P.resv);
    expect(sources.some((s) => s.name === 'hugetlb.c' && (s.sourceReference ?? 0) > 0)).toBe(true);
    // The scenario itself is served by path.
    const text = await h.dc.sourceRequest({ source: { path: P.resv }, sourceReference: 0 });
    expect(text.body.content.split('\n')[R.chg05 - 1]).toBe('region_chg f 0 5');
  });
});

describe('moving through history', () => {
  it('stepBack at the start stays at the entry', async () => {
    await h.launch(P.resv, { stopOnEntry: true });
    await h.stopped('entry');
    expect(await h.go('stepBack')).toMatchObject({ reason: 'entry' });
    expect(await h.where()).toEqual([`resv.kstep@${R.file}`]);
    await h.go('next');
    expect((await h.top()).line).toBe(R.expectCache);
  });

  it('reverseContinue runs back to an earlier line breakpoint and its state, then to the entry', async () => {
    const { lines } = await h.launch(P.resv, { lines: [R.chg23, R.add05] });
    await h.stopped('breakpoint');
    const first = await h.view();
    await h.go('continue');
    expect((await h.top()).line).toBe(R.add05);
    const back = await h.go('reverseContinue');
    expect(back).toMatchObject({ reason: 'breakpoint', hitBreakpointIds: [lines?.[0]?.id] });
    expect(await h.view()).toEqual(first);
    expect(await h.go('reverseContinue')).toMatchObject({ reason: 'entry' });
    expect((await h.top()).line).toBe(R.file);
    // Forward again: the same breakpoint, the same state.
    await h.go('continue');
    expect(await h.view()).toEqual(first);
  });

  it('goto: back to a line that ran, forward to one that has not; a line that never runs again is an error that leaves the position', async () => {
    await h.launch(P.resv, { lines: [R.chg05] });
    await h.stopped('breakpoint');
    const source = { path: P.resv };
    const t1 = (await h.dc.gotoTargetsRequest({ source, line: R.add01 })).body.targets;
    expect(t1).toHaveLength(1);
    expect(t1[0]?.line).toBe(R.add01);
    await h.dc.gotoRequest({ threadId: 1, targetId: t1[0]?.id ?? 0 });
    await h.stopped('goto');
    expect(await h.where()).toEqual([`resv.kstep@${R.add01}`]);
    expect(await h.ev('resv.f.regions')).toBe('[]');
    expect(await h.ev('resv.f.adds_in_progress')).toBe('1');

    // A comment line binds to the statement after it; forward runs the statements between.
    const t2 = (await h.dc.gotoTargetsRequest({ source, line: R.chg05 - 1 })).body.targets; // the comment before chg05
    expect(t2[0]?.line).toBe(R.chg05);
    await h.dc.gotoRequest({ threadId: 1, targetId: t2[0]?.id ?? 0 });
    await h.stopped('goto');
    expect((await h.top()).line).toBe(R.chg05);
    expect(await h.ev('resv.f.regions')).toBe('[[0, 1], [2, 3], [5, 6]]');

    expect((await h.dc.gotoTargetsRequest({ source, line: R.trailing })).body.targets).toEqual([]);
    expect((await h.dc.gotoTargetsRequest({ source: { path: '/elsewhere.kstep' }, line: 3 })).body.targets).toEqual([]);
    const before = await h.view();
    expect(await h.fails('goto', { threadId: 1, targetId: 9999 })).toMatch(/does not run again/);
    expect(await h.view()).toEqual(before);
    expect(h.pending('stopped')).toEqual([]);
  });

  it('stepInTargets lists the kernel functions a statement can enter, each once; stepIn with a targetId runs to its next entry', async () => {
    await h.launch(P.resv, { lines: [R.add01] });
    await h.stopped('breakpoint');
    const targets = (await h.dc.stepInTargetsRequest({ frameId: (await h.top()).id })).body.targets;
    // Known from the listings, not by running ahead: region_add calls add_reservation_in_range (twice, listed once).
    expect(targets.map((t) => t.label)).toEqual(['region_add', 'add_reservation_in_range']);
    expect(await h.where()).toEqual([`resv.kstep@${R.add01}`]);
    expect(h.pending('stopped')).toEqual([]);

    await h.go('stepIn', { targetId: targets[1]?.id });
    const st = await h.stack();
    expect(st.map((f) => f.name)).toEqual([
      'add_reservation_in_range(resv=f, f=0, t=1, count_only=true)',
      'region_add(resv=f, f=0, t=1, in_regions_needed=1)',
      'resv.kstep',
    ]);
    const locals = await h.vars((await h.scope('Locals: add_reservation_in_range', st[0]?.id)).variablesReference);
    expect(locals.find((v) => v.name === 'count_only')?.value).toBe('true');

    // From inside region_add the targets are what its call sites from the current line on can reach, not region_add itself.
    await h.go('stepOut');
    const inside = await h.stack();
    expect(inside.map((f) => f.name)).toEqual(['region_add(resv=f, f=0, t=1, in_regions_needed=1)', 'resv.kstep']);
    const t2 = (await h.dc.stepInTargetsRequest({ frameId: inside[0]?.id ?? 0 })).body.targets;
    expect(t2.map((t) => t.label)).toEqual(['add_reservation_in_range']);
    // The next entry is the second call.
    await h.go('stepIn', { targetId: t2[0]?.id });
    expect((await h.top()).name).toBe('add_reservation_in_range(resv=f, f=0, t=1, count_only=false)');
    expect(await h.fails('stepIn', { threadId: 1, targetId: 1e12 })).toMatch(/no step-in target/);
  });

  it('stepInTargets on a call offers the proc first, then the kernel functions inside it', async () => {
    await h.launch(P.loop, { lines: [L.call] });
    await h.stopped('breakpoint');
    const targets = (await h.dc.stepInTargetsRequest({ frameId: (await h.top()).id })).body.targets;
    expect(targets.map((t) => t.label)).toEqual(['reserve() — proc', 'region_chg', 'add_reservation_in_range', 'region_add']);
    await h.go('stepIn', { targetId: targets[0]?.id });
    expect(await h.where()).toEqual([`reserve()@${L.chg}`, `loop.kstep@${L.call}`]);
  });

  it('restartFrame on a kernel frame goes back to its first step with the state it had', async () => {
    await h.launch(P.resv, { lines: [R.chg05] });
    await h.stopped('breakpoint');
    await h.go('stepIn');
    const entered = await h.view();
    await h.go('next');
    await h.go('next');
    await h.go('stepIn');
    expect(await h.ev('resv.f.adds_in_progress')).toBe('2');
    const st = await h.stack();
    const chg = st.find((f) => f.name.startsWith('region_chg('));
    expect(chg).toBeDefined();
    await h.dc.restartFrameRequest({ frameId: chg?.id ?? 0 });
    expect(await h.stopped()).toMatchObject({ reason: 'restart' });
    expect(await h.view()).toEqual(entered);
    expect(await h.ev('resv.f.adds_in_progress')).toBe('0');
  });

  it('restartFrame on a proc frame goes back to its call statement', async () => {
    await h.launch(P.loop, { lines: [{ line: L.add, hitCondition: '2' }] });
    await h.stopped('breakpoint');
    expect(await h.ev('time.ns')).toBe('1 ns');
    const proc = (await h.stack()).find((f) => f.name === 'reserve()');
    await h.dc.restartFrameRequest({ frameId: proc?.id ?? 0 });
    await h.stopped('restart');
    expect(await h.where()).toEqual([`loop.kstep@${L.call}`]);
    expect(await h.ev('time.ns')).toBe('1 ns');
    expect(await h.ev('resv.f.regions')).toBe('[[0, 1]]');
    await h.go('stepIn');
    expect(await h.where()).toEqual([`reserve()@${L.chg}`, `loop.kstep@${L.call}`]);
  });

  it('the end of the scenario is a stop; stepBack from there works; continue from there terminates', async () => {
    await h.launch(P.resv, {});
    const end = await h.stopped('end');
    expect(end.description).toMatch(/[Ee]nd/);
    expect(await h.where()).toEqual([`resv.kstep@${R.count06}`]);
    expect(await h.ev('resv.f.regions')).toBe('[[0, 1], [3, 5], [5, 6]]');
    expect(await h.ev('last.ret')).toBe('4');
    await h.go('stepBack');
    expect((await h.top()).line).toBe(R.count06);
    expect(await h.ev('last.ret')).toBe('2'); // region_del's, before region_count ran
    expect(await h.go('continue')).toMatchObject({ reason: 'end' });
    await h.dc.continueRequest({ threadId: 1 });
    await h.next('terminated');
  });

  it('stepping back and forth prints each print statement once per real execution', async () => {
    await h.launch(P.print, { lines: [4] });
    await h.stopped('breakpoint');
    expect(h.output('stdout')).toBe('hello 0\n');
    // Reverse scans and replays re-run the print silently.
    expect(await h.go('reverseContinue')).toMatchObject({ reason: 'entry' });
    await h.go('next');
    expect((await h.top()).line).toBe(2);
    expect(h.output('stdout')).toBe('hello 0\n');
    // Running it again is a real execution.
    await h.go('next');
    expect(h.output('stdout')).toBe('hello 0\nhello 0\n');
    await h.go('stepBack');
    expect((await h.top()).line).toBe(2);
    // Looking ahead for step-in targets runs it silently too.
    expect((await h.dc.stepInTargetsRequest({ frameId: (await h.top()).id })).body.targets).toEqual([]);
    expect(h.output('stdout')).toBe('hello 0\nhello 0\n');
    await h.go('next');
    expect(h.output('stdout')).toBe('hello 0\nhello 0\nhello 0\n');
  });
});
