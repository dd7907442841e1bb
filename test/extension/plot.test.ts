/**
 * Plotting an expression over time: the series built from history() gives
 * the value a brute-force replay reads at every step point, the chart's
 * geometry marks the current step and a point per change, and the page
 * draws it with points that ask to go to their step.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { formatValue, historyOf, parseExpression, runQuery } from '../../src/sim';
import type { Expr } from '../../src/sim';
import { valueAt } from '../../src/sim/query/point';
import { numberOf, PLOT_HEIGHT, PLOT_WIDTH, plotShape, runAt, seriesOf } from '../../src/extension/picture/plot_data';
import type { HistoryReply, Series } from '../../src/extension/picture/plot_data';
import { pictureHtml } from '../../src/extension/picture/page';
import { ROOT, sim } from '../support/kit';

const WORKED = readFileSync(join(ROOT, 'test', 'scenarios', 'resv_map_worked_example.kstep'), 'utf8');

function expr(text: string): Expr {
  const e = parseExpression(text);
  if ('error' in e) throw new Error(e.error);
  return e;
}

/** What kstep/history answers, built from the sim's history() as the adapter builds it. */
function historyReply(source: string, text: string): { reply: HistoryReply; s: ReturnType<typeof sim> } {
  const s = sim(source);
  s.machine.resume('continue');
  const r = runQuery(historyOf(s.machine, expr(text)));
  const v = (x: Parameters<typeof formatValue>[0] | undefined): string | null => (x === undefined ? null : formatValue(x));
  return { s, reply: { changes: r.changes.map((c) => ({ step: c.at.step, before: v(c.before), after: v(c.after) })), lastStep: r.lastStep } };
}

describe('numberOf', () => {
  it('reads integers, hex, flags and named constants; null is no value; a list is no number', () => {
    expect(numberOf('42')).toBe(42);
    expect(numberOf('-3')).toBe(-3);
    expect(numberOf('0x1f')).toBe(31);
    expect(numberOf('true')).toBe(1);
    expect(numberOf('false')).toBe(0);
    expect(numberOf('HV_STATUS_SUCCESS (0)')).toBe(0);
    expect(numberOf(null)).toBeNull();
    expect(numberOf('[[0, 1]]')).toBeUndefined();
    expect(numberOf('"f"')).toBeUndefined();
  });

  it('a named constant needs both its name and its parentheses; a hex prefix needs a digit', () => {
    expect(numberOf('0x1_0000')).toBe(0x10000);
    expect(numberOf('42)')).toBeUndefined();
    expect(numberOf('FOO (42')).toBeUndefined();
    expect(numberOf('(42)')).toBeUndefined();
    expect(numberOf('0x_')).toBeUndefined();
    expect(numberOf('0x')).toBeUndefined();
    expect(numberOf('1__0')).toBeUndefined();
  });
});

describe('seriesOf', () => {
  for (const text of ['resv.f.adds_in_progress', 'len(resv.f.regions)', 'resv.f.region_cache_count']) {
    it(`${text}: the value at every step point is what a replay reads there`, () => {
      const { s, reply } = historyReply(WORKED, text);
      const series = seriesOf(text, reply, null) as Series;
      expect('error' in series).toBe(false);
      expect(series.runs.length).toBe(reply.changes.length + 1);
      const m = s.machine;
      const e = expr(text);
      for (let step = 0; step <= reply.lastStep; step++) {
        m.goto(step);
        const v = valueAt(m, e);
        const want = v === undefined ? null : numberOf(formatValue(v));
        expect(runAt(series.runs, step)?.value, `step ${step}`).toBe(want);
      }
    });
  }

  it('a value that never changes is one run of the value now', () => {
    const series = seriesOf('hugetlb.free', { changes: [], lastStep: 9 }, '0') as Series;
    expect(series.runs).toEqual([{ from: 0, value: 0, text: '0' }]);
    expect(series.lastStep).toBe(9);
  });

  it('a list is refused with the step where it is no number', () => {
    const { reply } = historyReply(WORKED, 'resv.f.regions');
    const r = seriesOf('resv.f.regions', reply, null);
    expect('error' in r && r.error).toMatch(/^resv\.f\.regions is not a number \(\[\] at step \d+\)/);
  });
});

describe('plotShape', () => {
  const series: Series = { expression: 'x', runs: [{ from: 0, value: null, text: '(no value)' }, { from: 3, value: 0, text: '0' }, { from: 10, value: 2, text: '2' }, { from: 20, value: 0, text: '0' }], lastStep: 40 };

  it('one clickable point per run with a value, a gap where there is none, the current step marked', () => {
    const p = plotShape(series, 15);
    expect(p.points.map((x) => x.step)).toEqual([3, 10, 20]);
    expect(p.path.startsWith('M')).toBe(true);
    expect(p.path.match(/M/g)).toHaveLength(1);
    expect(p.min).toBe(0);
    expect(p.max).toBe(2);
    expect(p.current).toEqual({ step: 15, text: '2' });
    const [a, b, c] = p.points;
    expect(a && b && c && a.x < b.x && b.x < (p.markerX ?? 0) && (p.markerX ?? 0) < c.x).toBe(true);
    // The higher value is drawn higher up (SVG y grows downwards).
    expect((b?.y ?? 0) < (a?.y ?? 0)).toBe(true);
    for (const pt of p.points) {
      expect(pt.x).toBeGreaterThanOrEqual(0);
      expect(pt.x).toBeLessThanOrEqual(PLOT_WIDTH);
      expect(pt.y).toBeGreaterThanOrEqual(0);
      expect(pt.y).toBeLessThanOrEqual(PLOT_HEIGHT);
    }
  });

  it('a step past the timeline has no marker', () => {
    expect(plotShape(series, 41).markerX).toBeUndefined();
  });

  it('a capped series says so and shows no value for a step past where it stops', () => {
    const capped: Series = { ...series, capped: 'gave up after 2000000 step points' };
    expect(plotShape(capped, 40).current).toEqual({ step: 40, text: '0' });
    const p = plotShape(capped, 500);
    expect(p.current).toBeUndefined();
    expect(p.markerX).toBeUndefined();
    expect(p.note).toBe('capped: the history stops at step 40 (gave up after 2000000 step points); step 500 is past it');
    expect(plotShape(capped, 10).note).toBe('capped: the history stops at step 40 (gave up after 2000000 step points)');
    // Not capped: the history covers the whole timeline, so the last value still holds.
    expect(plotShape(series, 500).current).toEqual({ step: 500, text: '0' });
  });
});

class Fake {
  readonly children: Fake[] = [];
  readonly attrs: Record<string, string> = {};
  readonly listeners: Record<string, () => void> = {};
  text = '';
  constructor(readonly tag: string) {}
  setAttribute(k: string, v: string): void {
    this.attrs[k] = v;
  }
  appendChild(c: Fake): Fake {
    this.children.push(c);
    return c;
  }
  addEventListener(t: string, f: () => void): void {
    this.listeners[t] = f;
  }
  set textContent(t: string) {
    this.text = t;
    this.children.length = 0;
  }
  get textContent(): string {
    return this.text + this.children.map((c) => c.textContent).join('');
  }
  all(): Fake[] {
    return [this, ...this.children.flatMap((c) => c.all())];
  }
}

describe('the page draws plots', () => {
  it('a path, the marker and a point per change; a click posts gotoStep, × posts unplot', () => {
    const html = pictureHtml('N', 'c');
    const script = /<script nonce="N">([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '';
    const nodes: Record<string, Fake> = { root: new Fake('div'), meta: new Fake('div'), plots: new Fake('div') };
    const posted: unknown[] = [];
    let listener: ((ev: { data: unknown }) => void) | undefined;
    const document = { body: { clientWidth: 800 }, createElement: (t: string) => new Fake(t), createElementNS: (_: string, t: string) => new Fake(t), getElementById: (id: string) => nodes[id] };
    const window = { addEventListener: (_t: string, f: (ev: { data: unknown }) => void) => (listener = f) };
    runInNewContext(script, { document, window, acquireVsCodeApi: () => ({ postMessage: (m: unknown) => posted.push(m) }) });
    const { reply } = historyReply(WORKED, 'resv.f.adds_in_progress');
    const shape = plotShape(seriesOf('resv.f.adds_in_progress', reply, null) as Series, 12);
    listener?.({ data: JSON.parse(JSON.stringify({ type: 'plots', plots: [shape] })) as unknown });
    const all = nodes.plots?.all() ?? [];
    expect(all.filter((n) => n.tag === 'path')[0]?.attrs.d).toBe(shape.path);
    expect(all.filter((n) => n.tag === 'line' && n.attrs.class === 'plot-now')[0]?.attrs.x1).toBe(String(shape.markerX));
    const circles = all.filter((n) => n.tag === 'circle');
    expect(circles).toHaveLength(shape.points.length);
    const third = circles[2];
    third?.listeners.click?.();
    expect(posted).toContainEqual({ type: 'gotoStep', step: shape.points[2]?.step });
    all.find((n) => n.attrs.class === 'plot-remove')?.listeners.click?.();
    expect(posted).toContainEqual({ type: 'unplot', expression: 'resv.f.adds_in_progress' });
    expect(nodes.plots?.textContent).toContain('plot: resv.f.adds_in_progress');
  });
});
