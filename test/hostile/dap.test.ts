import { afterAll, describe, expect, it } from 'vitest';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { Harness, Scenarios, openPerTest } from '../support/dap';
import { FOREVER, longSum } from './cases';

const files = new Scenarios();
const P = {
  sum: files.write('sum.kstep', longSum(20_000)),
  forever: files.write('forever.kstep', FOREVER),
  ok: files.write('ok.kstep', 'print "fine"\nexpect 1 + 1 == 2\n'),
};
afterAll(() => files.dispose());

let h: Harness;
openPerTest((x) => (h = x));

describe('a hostile scenario in the debugger', () => {
  it('a 20,000-term expression fails the launch with file:line:col, and the adapter answers the next request', async () => {
    await expect(h.launch(P.sum)).rejects.toThrow(/sum\.kstep has 1 error; nothing was run\. .*sum\.kstep:2:\d+: error: the expression is too long/);
    expect((await h.dc.threadsRequest()).success).toBe(true);
  });

  it('a Debug Console statement past the limits is an error response, not the end of the adapter', async () => {
    await h.launch(P.ok, { stopOnEntry: true });
    await h.stopped('entry');
    const r: DebugProtocol.Response = await h.raw('evaluate', { expression: `print ${Array.from({ length: 20_000 }, () => '1').join('+')}`, context: 'repl' });
    expect(r.success).toBe(false);
    expect(r.message).toMatch(/the expression is too long/);
    expect(await h.ev('1 + 2')).toBe('3');
  });

  it('stops a run without end at the maxSteps budget, and answers the next request', async () => {
    await h.launch(P.forever, { extra: { maxSteps: 5000 } });
    const st = await h.stopped('exception');
    expect(st.description).toBe('Scenario error');
    expect(st.text).toMatch(/step budget \(5000 step points\)/);
    expect((await h.stack()).length).toBeGreaterThan(0);
    // History is intact: a step back works after the stop.
    await h.go('stepBack');
  });

  it('refuses a maxSteps that is no positive whole number', async () => {
    await expect(h.launch(P.ok, { extra: { maxSteps: -1 } })).rejects.toThrow(/maxSteps must be a positive whole number/);
  });
});

describe('a bystander session', () => {
  it('a crashed session leaves a bystander working', async () => {
    const other = await Harness.open('stdio');
    try {
      await other.launch(P.ok, { stopOnEntry: true });
      await other.stopped('entry');
      await h.launch(P.forever, { extra: { maxSteps: 5000 } });
      await h.stopped('exception');
      await other.dc.continueRequest({ threadId: 1 });
      await other.stopped('end');
      expect(other.output('stdout')).toBe('fine\n');
    } finally {
      await other.close();
    }
  });
});
