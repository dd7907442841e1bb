/**
 * Views inside long statements (history.ts View): a migrate of more than
 * VIEW_WORK pages keeps its kernel step points' state and frames, so going
 * back inside it restores them instead of replaying the statement. Every
 * position reached that way, and every step taken on from it, must equal the
 * straight run.
 */
import { describe, expect, it } from 'vitest';
import { VIEW_WORK } from '../../src/sim/core/machine';
import { expectGotoExact, observe, sim } from '../support/kit';

const PAGES = VIEW_WORK + 1000;
const LEN = `${PAGES * 4}K`;
const SCENARIO = `device gpu type=private pages=8
mmap 0x100000000 ${LEN}
write 0x100000000 7
write 0x100001000 9
migrate 0x100000000 ${LEN} to=gpu
read 0x100000000
migrate 0x100000000 ${LEN} to=system
read 0x100001000
`;

/** Every step point of a straight run (stepping in), observed. */
function straight(): string[] {
  const s = sim(SCENARIO);
  const seen = [observe(s)];
  while (!s.machine.ended) {
    s.machine.resume('in');
    seen.push(observe(s));
  }
  return seen;
}

describe('history views inside long statements', () => {
  const seen = straight();

  it('a migrate of more pages than VIEW_WORK keeps views of its kernel step points, a short statement none', () => {
    const s = sim(SCENARIO);
    s.machine.resume('continue');
    const h = s.machine.history;
    if (!h) throw new Error('no history');
    expect(h.views.length).toBeGreaterThan(10);
    for (const v of h.views) expect(v.frames.length).toBeGreaterThan(0);
    const short = sim('device gpu type=private pages=8\nmmap 0x100000000 64K\nmigrate 0x100000000 64K to=gpu\n');
    short.machine.resume('continue');
    expect(short.machine.history?.views.length).toBe(0);
  });

  it('stepBack from the end to the start passes through every step point as the straight run had it', () => {
    const s = sim(SCENARIO);
    const m = s.machine;
    m.resume('continue');
    expect(m.step).toBe(seen.length - 1);
    for (let k = seen.length - 2; k >= 0; k--) {
      m.stepBack(true);
      expect(m.step).toBe(k);
      expect(observe(s)).toBe(seen[k]);
    }
  });

  it('stepping on from a view rebuilds the statement: every later step point equals the straight run', () => {
    const s = sim(SCENARIO);
    const m = s.machine;
    m.resume('continue');
    const h = m.history;
    if (!h) throw new Error('no history');
    for (const v of [h.views[0], h.views[Math.floor(h.views.length / 2)], h.views[h.views.length - 1]]) {
      if (!v) throw new Error('no view');
      m.goto(v.snap.step);
      expect(observe(s)).toBe(seen[v.snap.step]);
      for (let k = v.snap.step + 1; k < Math.min(seen.length, v.snap.step + 6); k++) {
        m.resume('in');
        expect(observe(s)).toBe(seen[k]);
      }
    }
  });

  it('goto back and forth at random gives the straight run state (views and replays mixed)', () => {
    expectGotoExact(sim(SCENARIO), 7, 60);
  });

  it('a change made at a view (a REPL input) starts a new timeline from there', () => {
    const s = sim(SCENARIO);
    const m = s.machine;
    m.resume('continue');
    const v = m.history?.views[2];
    if (!v) throw new Error('no view');
    m.goto(v.snap.step);
    m.inject({ text: 'advance', apply: () => (m.now += 5n) });
    expect(m.step).toBe(v.snap.step + 1);
    expect(m.history?.views.every((w) => w.snap.step <= v.snap.step)).toBe(true);
    m.resume('continue');
    expect(m.ended).toBe(true);
    expect(m.now).toBe(5n);
  });

  it('a run in slices that starts at a view goes on to its stop (the debugger runs in slices of 256)', () => {
    const long = SCENARIO + 'read 0x100000000\n'.repeat(300);
    const s = sim(long);
    const m = s.machine;
    m.resume('continue');
    const end = m.step;
    const atEnd = observe(s);
    const v = m.history?.views[1];
    if (!v) throw new Error('no view');
    expect(end - v.snap.step).toBeGreaterThan(256);
    m.goto(v.snap.step);
    m.startRun('continue');
    let stop = m.slice(256);
    while (!stop) stop = m.slice(256);
    expect(stop.reason).toBe('end');
    expect(m.step).toBe(end);
    expect(observe(s)).toBe(atEnd);
  });
});
