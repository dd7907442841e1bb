import { afterAll, describe, expect, it } from 'vitest';
import { Harness, Scenarios, openPerTest } from '../support/dap';

const files = new Scenarios();
const HV = files.write(
  'vps.kstep',
  `partition vps=2
vpreg GUEST_OSID = 0x8100_0000_0000_0000
vpreg vp=1 SINT2 = 0x20
vpreg vp=1 SIMP = 0x30001
print "done"
`,
);
afterAll(() => files.dispose());

let h: Harness;
openPerTest((x) => (h = x));

describe('one thread per VP', () => {
  it('lists a thread per VP once the partition exists, each with its registers, SynIC and timers', async () => {
    await h.launch(HV, { lines: [5] });
    await h.stopped('breakpoint');
    const threads = (await h.dc.threadsRequest()).body.threads;
    expect(threads.map((t) => t.name)).toEqual(['scenario', 'VP 0', 'VP 1']);
    const vp1 = threads[2]?.id ?? 0;
    const st = (await h.dc.stackTraceRequest({ threadId: vp1 })).body.stackFrames;
    expect(st.map((f) => [f.name, f.line])).toEqual([['VP 1', 5]]);
    const scopes = (await h.dc.scopesRequest({ frameId: st[0]?.id ?? 0 })).body.scopes;
    expect(scopes.slice(0, 3).map((s) => [s.name, s.presentationHint])).toEqual([
      ['VP 1 registers', 'registers'],
      ['SynIC', undefined],
      ['Synthetic timers', undefined],
    ]);
    const regs = (await h.dc.variablesRequest({ variablesReference: scopes[0]?.variablesReference ?? 0 })).body.variables;
    const sint2 = regs.find((v) => v.name === 'SINT2');
    expect(sint2?.evaluateName).toBe('vp[1].reg.SINT2');
    expect(sint2?.value).toBe('0x20');
    // The scenario thread's frames are still valid beside the VP thread's.
    const main = (await h.dc.stackTraceRequest({ threadId: 1 })).body.stackFrames;
    expect((await h.dc.scopesRequest({ frameId: main[0]?.id ?? 0 })).body.scopes.length).toBeGreaterThan(0);
    expect((await h.dc.scopesRequest({ frameId: st[0]?.id ?? 0 })).body.scopes[0]?.name).toBe('VP 1 registers');
  });

  it('has no VP threads before the partition exists; an unknown VP thread is an error', async () => {
    await h.launch(HV, { stopOnEntry: true });
    await h.stopped('entry');
    expect((await h.dc.threadsRequest()).body.threads.map((t) => t.name)).toEqual(['scenario']);
    expect(await h.fails('stackTrace', { threadId: 1007 })).toMatch(/no thread 1007/);
  });
});
