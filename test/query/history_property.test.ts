/**
 * history() and when() against brute force (issue 18, "done when"): a fresh
 * machine without history, stepped one step point at a time, evaluating the
 * expression at each; the queries (which replay from snapshots, in chunks,
 * from wherever the debugger stands) must find the same changes and the same
 * steps, on random small scenarios and random snapshot spacings.
 */
import { describe, expect, it } from 'vitest';
import type { Machine, Value } from '../../src/sim';
import { formatValue, historyOf, runQuery, truthy, whenOf } from '../../src/sim';
import { evaluate } from '../../src/sim/scenario/eval';
import { ScenarioError } from '../../src/sim/core/source';
import { expr, sim } from '../support/kit';
import { randomScenario } from '../support/random_scenarios';
import { Rng } from '../support/rng';

/** A reading as text: undefined where the path does not resolve. */
function read(m: Machine, text: string): string | undefined {
  try {
    const v: Value = evaluate(m, expr(text));
    return formatValue(v, 'dec', 1 << 20);
  } catch (e) {
    if (e instanceof ScenarioError) return undefined;
    throw e;
  }
}

function holds(m: Machine, text: string): boolean {
  try {
    return truthy(evaluate(m, expr(text)));
  } catch (e) {
    if (e instanceof ScenarioError) return false;
    throw e;
  }
}

/** Every step point's readings, by stepping a machine with no history. */
function bruteForce(source: string, texts: readonly string[]): Array<{ step: number; values: Array<string | undefined>; holds: boolean[]; conds: readonly string[] }> {
  const m = sim(source, { history: false }).machine;
  const out = [];
  for (;;) {
    out.push({ step: m.step, values: texts.map((t) => read(m, t)), holds: texts.map((t) => holds(m, t)), conds: texts });
    if (!m.transition()) return out;
  }
}

describe('history() and when() equal a brute-force replay', () => {
  for (let seed = 1; seed <= 24; seed++) {
    it(`random scenario ${seed}`, () => {
      const sc = randomScenario(seed * 7919);
      const rng = new Rng(seed);
      const values = sc.values;
      const brute = bruteForce(sc.text, [...values, ...sc.conditions]);
      const end = (brute[brute.length - 1] as { step: number }).step;
      const s = sim(sc.text, { snapshotEvery: rng.pick([1, 3, 8, 64]) });
      const m = s.machine;
      // The debugger stands somewhere on a timeline it has partly seen.
      m.goto(rng.int(0, end));
      const here = m.step;
      values.forEach((text, i) => {
        const want: Array<{ step: number; before: string | undefined; after: string | undefined }> = [];
        for (let k = 0; k + 1 < brute.length; k++) {
          const a = brute[k]?.values[i];
          const b = brute[k + 1]?.values[i];
          if (a !== b) want.push({ step: k, before: a, after: b });
        }
        const got = runQuery(historyOf(m, expr(text)));
        expect(m.step).toBe(here);
        expect(got.capped).toBeUndefined();
        expect(got.lastStep).toBe(end);
        const fmt = (v: Value | undefined): string | undefined => (v === undefined ? undefined : formatValue(v, 'dec', 1 << 20));
        expect(got.changes.map((c) => ({ step: c.at.step, before: fmt(c.before), after: fmt(c.after) })), text).toEqual(want);
      });
      sc.conditions.forEach((text, j) => {
        const i = values.length + j;
        const steps = brute.filter((b) => b.holds[i]).map((b) => b.step);
        const first = steps[0];
        const next = steps.find((k) => k > here);
        const prev = [...steps].reverse().find((k) => k < here);
        expect(runQuery(whenOf(m, expr(text), 'first')).at?.step, `first ${text}`).toBe(first);
        expect(runQuery(whenOf(m, expr(text), 'next')).at?.step, `next ${text}`).toBe(next);
        expect(runQuery(whenOf(m, expr(text), 'prev')).at?.step, `prev ${text}`).toBe(prev);
        expect(m.step).toBe(here);
      });
    });
  }
});
