/**
 * Holding F11 or F10 (issue 16 §3): a step that arrives while the last step
 * still runs waits for its stop and then runs; it is never refused with
 * "the scenario is running: pause it first". A step during a continue is
 * still refused, and a pause drops the steps held behind the run.
 */
import type { DebugProtocol } from '@vscode/debugprotocol';
import { afterAll, describe, expect, it } from 'vitest';
import { Harness, Scenarios, openPerTest } from '../support/dap';

const files = new Scenarios();
/** Line 2 is 131,072 faults: a step over it runs for a while (well under the 3 s a held step waits). */
const SLOW = files.write('slow.kstep', 'mmap 0x100000000 4G\nmlock 0x100000000 512M\nprint "a"\nprint "b"\nprint "c"\n');
/** Line 2 is a step of billions of step points: a timer every 100 ns, advanced by a year. */
const HUGE = files.write('huge.kstep', ['vpreg GUEST_OSID = 1', 'vpreg SCONTROL = 1', 'vpreg STIMER0_CONFIG = 1 | 2 | (0x30 << 4) | (1 << 12)', 'vpreg STIMER0_COUNT = 1', 'advance 31536000s', 'print "after"', ''].join('\n'));
const LONG = files.write('long.kstep', 'print "start"\nrepeat 5_000_000 {\n  advance 1ns\n}\nprint "after"\n');
afterAll(() => files.dispose());

let h: Harness;
openPerTest((x) => (h = x));

const settle = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('steps held behind a running step', () => {
  it('next, next, next while the first is still running: each waits for the stop before it and runs in order', async () => {
    await h.launch(SLOW, { stopOnEntry: true });
    await h.stopped('entry');
    expect((await h.go('next')).reason).toBe('step');
    expect((await h.top()).line).toBe(2);
    const first = h.raw('next', { threadId: 1 });
    await settle(20);
    const second = h.raw('next', { threadId: 1 });
    const third = h.raw('stepIn', { threadId: 1 });
    const responses: DebugProtocol.Response[] = await Promise.all([first, second, third]);
    for (const r of responses) expect(r).toMatchObject({ success: true });
    // One stop per step, in order: after the mlock line 3, then 4, then 5.
    for (let i = 0; i < 3; i++) expect((await h.stopped()).reason).toBe('step');
    expect((await h.top()).line).toBe(5);
    expect(h.output('stdout')).toBe('a\nb\n');
    expect(h.output()).not.toMatch(/pause it first/);
  }, 30_000);

  it('a step back held behind a step runs after it, from where the step stopped', async () => {
    await h.launch(SLOW, { stopOnEntry: true });
    await h.stopped('entry');
    await h.go('next');
    const fwd = h.raw('next', { threadId: 1 });
    await settle(20);
    const back = h.raw('stepBack', { threadId: 1 });
    expect(await fwd).toMatchObject({ success: true });
    expect(await back).toMatchObject({ success: true });
    await h.stopped('step');
    await h.stopped();
    expect((await h.top()).line).toBe(2);
  }, 30_000);

  it('a step during a continue is still refused with the reason', async () => {
    await h.launch(LONG, { stopOnEntry: true });
    await h.stopped('entry');
    await h.dc.continueRequest({ threadId: 1 });
    await settle(100);
    expect(await h.fails('next', { threadId: 1 })).toMatch(/the scenario is running: pause it first/);
    await h.dc.pauseRequest({ threadId: 1 });
    await h.stopped('pause');
  }, 30_000);

  it('a step behind a long step (still running after 3 s) is refused like one during a continue, not left unanswered', async () => {
    await h.launch(HUGE, { lines: [5] });
    await h.stopped('breakpoint');
    const long = h.raw('next', { threadId: 1 });
    await settle(20);
    const t0 = performance.now();
    expect(await h.fails('next', { threadId: 1 })).toBe('the scenario is running: pause it first');
    expect(performance.now() - t0).toBeGreaterThan(2_000);
    await h.dc.pauseRequest({ threadId: 1 });
    expect(await long).toMatchObject({ success: true });
    await h.stopped('pause');
  }, 30_000);

  it('pause while a step runs: the step stops, the steps held behind it are not taken', async () => {
    await h.launch(SLOW, { stopOnEntry: true });
    await h.stopped('entry');
    await h.go('next');
    const running = h.raw('next', { threadId: 1 });
    await settle(20);
    const held = h.raw('next', { threadId: 1 });
    await h.dc.pauseRequest({ threadId: 1 });
    expect(await running).toMatchObject({ success: true });
    expect(await held).toMatchObject({ success: false, message: expect.stringMatching(/paused before this step could start/) as unknown as string });
    await h.stopped('pause');
    await settle(100);
    expect(h.pending('stopped')).toEqual([]);
  }, 30_000);
});
