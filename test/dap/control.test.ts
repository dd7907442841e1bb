import { afterAll, describe, expect, it } from 'vitest';
import { Harness, Scenarios, openPerTest } from '../support/dap';
import { LONG, R, RESV } from './scenarios';

const files = new Scenarios();
const P = {
  resv: files.write('resv.kstep', RESV),
  long: files.write('long.kstep', LONG),
};
afterAll(() => files.dispose());

let h: Harness;
openPerTest((x) => (h = x));

/** Launched into the long repeat, running (the launch response comes before the run starts). */
async function running(): Promise<void> {
  await h.launch(P.long, {});
  // The run goes on until asked: a request now finds it running.
  expect(h.pending('stopped')).toEqual([]);
}

describe('long runs', () => {
  it('pause stops a long run with reason pause, inside the repeat', async () => {
    await running();
    await h.dc.pauseRequest({ threadId: 1 });
    await h.stopped('pause');
    const where = await h.where();
    expect(where[where.length - 1]).toMatch(/^long\.kstep@(2|3)$/);
    expect(await h.ev('time.ns')).toBe('0 ns');
    expect(h.output('stdout')).toBe('');
    // It can go on and be paused again.
    await h.dc.continueRequest({ threadId: 1 });
    await h.dc.pauseRequest({ threadId: 1 });
    await h.stopped('pause');
    expect((await h.stack()).length).toBeGreaterThan(0);
  });

  it('cancel of the running request also stops the run', async () => {
    await running();
    await h.dc.pauseRequest({ threadId: 1 });
    await h.stopped('pause');
    const seq = h.nextSeq();
    await h.dc.continueRequest({ threadId: 1 });
    const r = await h.raw('cancel', { requestId: seq });
    expect(r.success).toBe(true);
    await h.stopped('pause');
    expect((await h.dc.threadsRequest()).body.threads).toHaveLength(1);
  });

  it('requests that need a stop get an error while running; the session goes on', async () => {
    await running();
    expect(await h.fails('stackTrace', { threadId: 1 })).toMatch(/running/);
    expect(await h.fails('evaluate', { expression: 'resv.f', context: 'watch' })).toMatch(/running/);
    expect(await h.fails('next', { threadId: 1 })).toMatch(/running/);
    expect(await h.fails('stepBack', { threadId: 1 })).toMatch(/running/);
    expect((await h.dc.threadsRequest()).body.threads).toEqual([{ id: 1, name: 'scenario' }]);
    await h.dc.pauseRequest({ threadId: 1 });
    await h.stopped('pause');
    expect(await h.ev('len(resv)')).toBe('1');
    // Stepping back from a paused long run is exact too. (From a statement start: stepBack is the reverse of
    // `next` at the current depth, so from the last step of a kernel frame it would land on the statement start.)
    for (let i = 0; i < 4 && (await h.stack()).length > 1; i++) await h.go('stepOut');
    expect(await h.stack()).toHaveLength(1);
    const here = await h.view();
    await h.go('next');
    await h.go('stepBack');
    expect(await h.view()).toEqual(here);
  });

  it('restart during a long run starts over; terminate and disconnect during one answer at once', async () => {
    await running();
    await h.restart({ program: P.long, stopOnEntry: true });
    await h.stopped('entry');
    expect(await h.where()).toEqual(['long.kstep@1']);
    await h.dc.continueRequest({ threadId: 1 });
    await h.dc.terminateRequest();
    await h.next('terminated');
    expect(h.pending('stopped')).toEqual([]);
    expect((await h.raw('disconnect', {})).success).toBe(true);
  });

  it('pause while stopped is answered without a stop event', async () => {
    await h.launch(P.resv, { stopOnEntry: true });
    await h.stopped('entry');
    await h.dc.pauseRequest({ threadId: 1 });
    await h.go('next');
    expect((await h.top()).line).toBe(R.expectCache);
    expect(h.pending('stopped')).toEqual([]);
  });
});

describe('bad requests', () => {
  it('unknown commands, wrong argument types and unknown references are error responses or empty results, never a crash', async () => {
    await h.launch(P.resv, { lines: [R.add01] });
    await h.stopped('breakpoint');
    await h.go('stepIn');
    const before = await h.view();

    expect(await h.fails('noSuchCommand', {})).toBeTruthy();
    expect(await h.fails('evaluate', { expression: 42, context: 'watch' })).toBeTruthy();
    expect(await h.fails('evaluate', {})).toBeTruthy();
    expect(await h.fails('evaluate', { expression: '{', context: 'watch' })).toBe("expected a value but found '{'");
    expect(await h.fails('setBreakpoints', undefined)).toBeTruthy();
    expect(await h.fails('completions', { text: 5, column: 1 })).toBeTruthy();
    expect(await h.fails('source', { sourceReference: 4242 })).toMatch(/no such source/);
    expect(await h.fails('restartFrame', { frameId: 4242 })).toMatch(/frame/);
    expect(await h.fails('setVariable', { variablesReference: 4242, name: 'x', value: '1' })).toBeTruthy();
    expect(await h.fails('gotoTargets', { line: 3 })).toBeTruthy();

    // Unknown handles: empty or global results.
    expect(await h.vars(4242)).toEqual([]);
    expect((await h.raw('variables', { variablesReference: 'abc' })).success).toBe(true);
    const scopes = await h.dc.scopesRequest({ frameId: 4242 });
    expect(scopes.body.scopes.map((s) => s.name)).toEqual(['hugetlb', 'last', 'time']);
    const st = await h.raw('stackTrace', { threadId: 'x', startFrame: 'y', levels: -3 });
    expect(st.command).toBe('stackTrace');
    expect((await h.raw('stepInTargets', { frameId: 'zz' })).command).toBe('stepInTargets');
    expect((await h.dc.dataBreakpointInfoRequest({ variablesReference: 4242, name: 'x' })).body.dataId).toBeNull();
    const dbp = await h.dc.setDataBreakpointsRequest({ breakpoints: [{ dataId: 'resv.(' }] });
    expect(dbp.body.breakpoints).toMatchObject([{ verified: false }]);
    await h.dc.setDataBreakpointsRequest({ breakpoints: [] });

    // Nothing moved, and the session still steps.
    expect(h.pending('stopped')).toEqual([]);
    expect(await h.view()).toEqual(before);
    await h.go('stepOut');
    expect((await h.top()).line).toBe(R.chg23);
    expect(await h.go('continue')).toMatchObject({ reason: 'end' });
  });

  it('requests before launch are errors, not crashes', async () => {
    await h.dc.initializeRequest();
    expect(await h.fails('stackTrace', { threadId: 1 })).toMatch(/no scenario/);
    expect(await h.fails('next', { threadId: 1 })).toMatch(/no scenario/);
    expect(await h.fails('evaluate', { expression: '1 + 1', context: 'watch' })).toMatch(/no scenario/);
    expect((await h.dc.threadsRequest()).body.threads).toHaveLength(1);
    await h.launch(P.resv, { stopOnEntry: true });
    await h.stopped('entry');
    expect(await h.ev('1 + 1')).toBe('2');
  });
});
