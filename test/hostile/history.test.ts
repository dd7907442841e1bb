/**
 * History memory is bounded (issue 14 item 3): a run that goes on and on
 * holds at most History.MAX_SNAPSHOTS snapshots (older ones are thinned,
 * the spacing doubles), and every step point can still be reached exactly.
 */
import { describe, expect, it } from 'vitest';
import { createSimulation, loadScenario } from '../../src/sim';
import { History } from '../../src/sim/core/history';
import { ev } from '../support/kit';

const LOOP = 'repeat 2_000_000 {\n  advance 1ns\n}\nprint time.ns\n';

describe('history with more step points than its snapshot bound', () => {
  it('keeps at most MAX_SNAPSHOTS snapshots, the first at step 0, and reaches any step point exactly', () => {
    const { program } = loadScenario('t.kstep', LOOP);
    const { machine: m } = createSimulation(program, { history: true, snapshotEvery: 64 });
    const stop = m.resume('continue');
    expect(stop.reason).toBe('end');
    const h = m.history as History;
    const end = m.step;
    // Unthinned there would be one snapshot per 64 step points.
    expect(end / 64).toBeGreaterThan(History.MAX_SNAPSHOTS * 4);
    expect(h.snaps.length).toBeLessThanOrEqual(History.MAX_SNAPSHOTS);
    expect(h.snaps[0]?.step).toBe(0);
    expect(h.every).toBeGreaterThan(64);
    // Each iteration is a statement start and an advance: time.ns counts the advances before a step point.
    for (const k of [0, 1, 2, 1001, Math.floor(end / 3), end - 3, end]) {
      m.goto(k);
      expect(m.step).toBe(k);
    }
    m.goto(2001);
    const t = ev(m, 'time.ns');
    m.goto(end);
    m.goto(2001);
    expect(ev(m, 'time.ns')).toEqual(t);
    expect(m.stepBack().reason).toBe('step');
  }, 60_000);
});
