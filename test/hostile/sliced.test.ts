/**
 * Long synchronous paths do not block the adapter (issue 14 item 3): a
 * forward `goto` searches the future in time slices like a run
 * (`stepInTargets` needs no search: it is answered from the listings), so a pause cuts it off and a bystander session on the same
 * server is answered meanwhile; a Debug Console statement (one atomic step
 * of history) is bounded instead, and a run to a stepIn target that is far
 * off (or never entered) goes in slices too.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { Harness } from '../support/dap';
import { Scenarios } from '../support/kit';
import { startServer, tcpHarness } from './server';

const files = new Scenarios();
/** Millions of step points between line 2 and line 5. */
const LONG = files.write('long.kstep', 'print "start"\nrepeat 5_000_000 {\n  advance 1ns\n}\nprint "after"\n');
/** A million faults: mlock of 4 GiB with no hugetlb VMA, so hugetlb_fault is never entered. */
const MLOCK = files.write('mlock.kstep', 'mmap 0x100000000 4G\nmlock 0x100000000 4G\nprint "after"\n');
const OK = files.write('ok.kstep', 'print "fine"\nexpect 1 + 1 == 2\n');
/** A Hyper-V periodic synthetic timer every 100 ns: `advance 1 year` at the Debug Console is billions of step points. */
const TIMER = files.write('timer.kstep', ['vpreg GUEST_OSID = 1', 'vpreg SCONTROL = 1', 'vpreg STIMER0_CONFIG = 1 | 2 | (0x30 << 4) | (1 << 12)', 'vpreg STIMER0_COUNT = 1', 'print "armed"', ''].join('\n'));
afterAll(() => files.dispose());

async function timed<T>(p: Promise<T>): Promise<{ value: T; ms: number }> {
  const t0 = performance.now();
  const value = await p;
  return { value, ms: performance.now() - t0 };
}

describe('long searches and statements on a server with a bystander', () => {
  it('a forward goto is sliced: the bystander is answered meanwhile, and a pause cuts it off where the user was', async () => {
    const s = await startServer();
    let h: Harness | undefined;
    let other: Harness | undefined;
    try {
      h = await tcpHarness(s.where);
      other = await tcpHarness(s.where);
      await other.launch(OK, { stopOnEntry: true });
      await other.stopped('entry');
      await h.launch(LONG, { stopOnEntry: true });
      await h.stopped('entry');
      const going = h.raw('goto', { threadId: 1, targetId: 5 });
      await new Promise((r) => setTimeout(r, 300));
      const t = await timed(other.dc.threadsRequest());
      expect(t.value.success).toBe(true);
      expect(t.ms).toBeLessThan(1_000);
      // While the search goes, the session is running: what needs a stop is refused, at once.
      expect(await h.fails('stackTrace', { threadId: 1 })).toMatch(/running/);
      await h.dc.pauseRequest({ threadId: 1 });
      const r: DebugProtocol.Response = await going;
      expect(r).toMatchObject({ success: false, message: 'goto was interrupted' });
      expect((await h.top()).line).toBe(1);
    } finally {
      await h?.close();
      await other?.close();
      s.server.kill();
    }
  }, 30_000);

  it('a Debug Console statement past a million step points is refused with the limit, and the adapter goes on', async () => {
    const s = await startServer();
    let h: Harness | undefined;
    let other: Harness | undefined;
    try {
      h = await tcpHarness(s.where);
      other = await tcpHarness(s.where);
      await other.launch(OK, { stopOnEntry: true });
      await other.stopped('entry');
      await h.launch(TIMER, { lines: [5] });
      await h.stopped('breakpoint');
      const before = await h.ev('time.ns');
      const r = await timed(h.raw('evaluate', { expression: 'advance 31536000s', context: 'repl' }));
      expect(r.value).toMatchObject({ success: false, message: expect.stringMatching(/the statement ran past 1000000 step points/) });
      expect(r.ms).toBeLessThan(10_000);
      // Nothing of it stays: the machine is where it was, and it still steps.
      expect(await h.ev('time.ns')).toBe(before);
      expect((await other.dc.threadsRequest()).success).toBe(true);
      await h.go('next');
    } finally {
      await h?.close();
      await other?.close();
      s.server.kill();
    }
  }, 30_000);

  it('a stepIn target the statement never enters is run for in slices: a pause stops it on the way', async () => {
    const s = await startServer();
    let h: Harness | undefined;
    try {
      h = await tcpHarness(s.where);
      await h.launch(MLOCK, { lines: [2] });
      await h.stopped('breakpoint');
      const targets = (await h.dc.stepInTargetsRequest({ frameId: (await h.top()).id })).body.targets;
      const huge = targets.find((t) => t.label === 'hugetlb_fault');
      const going = h.raw('stepIn', { threadId: 1, targetId: huge?.id });
      expect((await going).success).toBe(true);
      await new Promise((r) => setTimeout(r, 300));
      expect((await timed(h.dc.threadsRequest())).ms).toBeLessThan(1_000);
      await h.dc.pauseRequest({ threadId: 1 });
      await h.stopped('pause');
      expect((await h.stack()).map((f) => f.name.split('(')[0])).toContain('__get_user_pages');
    } finally {
      await h?.close();
      s.server.kill();
    }
  }, 30_000);
});
