/**
 * The plots' store against a real adapter: a plot's history is read again
 * only when the adapter's timeline generation moved (a console statement, an
 * edited value, a restart), not at a step or the hex toggle; a plot that can
 * no longer be read says why instead of keeping its old series; plots belong
 * to their session.
 */
import { describe, expect, it } from 'vitest';
import { PlotStore } from '../../src/extension/picture/plot_store';
import type { PlotSession } from '../../src/extension/picture/plot_store';
import { Harness, lineOf, openPerTest, suiteScenario, WORKED_EXAMPLE as WORKED } from '../support/dap';

const P = suiteScenario('worked.kstep', WORKED);

let h: Harness;
openPerTest((x) => (h = x));

/** The adapter's session, recording the commands the store sends through it. */
function session(id: string, sent: string[]): PlotSession {
  return {
    id,
    customRequest: async (command: string, args?: unknown) => {
      sent.push(command);
      return (await h.dc.customRequest(command, args)).body as unknown;
    },
  };
}

async function timeline(): Promise<number> {
  const t = ((await h.dc.customRequest('kstep/picture')).body as { timeline?: unknown }).timeline;
  expect(typeof t).toBe('number');
  return t as number;
}

describe('plots are read again only when the timeline changed', () => {
  it('a step and the hex toggle read nothing; a console statement and an edited value read each plot once', async () => {
    await h.launch(P, { lines: [lineOf(WORKED, 'region_chg f 0 5') + 1] });
    await h.stopped('breakpoint');
    const sent: string[] = [];
    const s = session('a', sent);
    const store = new PlotStore();
    await store.add(s, 'resv.f.adds_in_progress', await timeline());
    await store.add(s, 'len(resv.f.regions)', await timeline());
    const histories = (): number => sent.filter((c) => c === 'kstep/history').length;
    expect(histories()).toBe(2);

    await h.dc.customRequest('kstep/setFormat', { hex: false });
    await store.sync(s, await timeline());
    await h.go('next');
    await store.sync(s, await timeline());
    expect(histories()).toBe(2);

    await h.dc.evaluateRequest({ expression: 'region_chg f 0 9', context: 'repl' });
    await store.sync(s, await timeline());
    expect(histories()).toBe(4);
    const lastStep = store.shapes('a', 0).map((p) => p.lastStep);

    const hugetlb = await h.scope('hugetlb');
    const f = await h.child(hugetlb.variablesReference, 'resv', 'f');
    await h.dc.setVariableRequest({ variablesReference: f.variablesReference, name: 'adds_in_progress', value: '7' });
    await store.sync(s, await timeline());
    expect(histories()).toBe(6);
    const [adds] = store.shapes('a', 0);
    expect(adds?.max).toBe(7);
    expect(store.shapes('a', 0).map((p) => p.lastStep)).toEqual(lastStep.map((n) => n + 1));
  });

  it('a plot that can no longer be read keeps its place and says why, not its old series', async () => {
    await h.launch(P, { lines: [lineOf(WORKED, 'region_chg f 0 5') + 1] });
    await h.stopped('breakpoint');
    const s = session('a', []);
    const store = new PlotStore();
    await store.add(s, 'resv.f.adds_in_progress', await timeline());
    expect(store.shapes('a', 0)[0]?.points.length).toBeGreaterThan(0);
    // A scenario without file f: the plot's expression names nothing any more.
    await h.restart({ program: P, source: 'hugetlb file g\nregion_chg g 0 1\nregion_add g 0 1\n' });
    await h.stopped();
    await store.sync(s, await timeline());
    const [p] = store.shapes('a', 0);
    expect(p?.expression).toBe('resv.f.adds_in_progress');
    expect(p?.points).toEqual([]);
    expect(p?.path).toBe('');
    expect(p?.note).toMatch(/^could not be read again: .*f/);
  });

  it('plots belong to their session: another session has none, and dropping one leaves the other', async () => {
    await h.launch(P, { lines: [lineOf(WORKED, 'region_chg f 0 5') + 1] });
    await h.stopped('breakpoint');
    const store = new PlotStore();
    await store.add(session('a', []), 'resv.f.adds_in_progress', await timeline());
    await store.add(session('b', []), 'len(resv.f.regions)', await timeline());
    expect(store.shapes('a', 0).map((p) => p.expression)).toEqual(['resv.f.adds_in_progress']);
    expect(store.shapes('b', 0).map((p) => p.expression)).toEqual(['len(resv.f.regions)']);
    store.drop('a');
    expect(store.shapes('a', 0)).toEqual([]);
    expect(store.shapes('b', 0)).toHaveLength(1);
  });
});
