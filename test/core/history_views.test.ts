/**
 * Views inside long statements (history.ts View): a migrate of more than
 * VIEW_WORK pages keeps its kernel step points' state and frames, so going
 * back inside it restores them instead of replaying the statement. Every
 * position reached that way, and every step taken on from it, must equal the
 * straight run.
 */
import { describe, expect, it } from 'vitest';
import { VIEW_WINDOW, VIEW_WORK } from '../../src/sim/core/machine';
import { History } from '../../src/sim/core/history';
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

describe('views of a statement long enough to space them out', () => {
  // A gup charges a page of work per page, over several kernel step points each: views start after VIEW_WORK pages.
  const pages = VIEW_WORK + 2048;
  const LONG = `mmap 0x100000000 ${pages * 4}K\ngup 0x100000000 ${pages * 4}K\n`;

  /** The straight run's observations of its last `n` step points (stepping in), and its step count. */
  function tail(n: number): { end: number; seen: Map<number, string> } {
    const s = sim(LONG);
    const m = s.machine;
    m.resume('continue');
    const end = m.step;
    const t = sim(LONG);
    const seen = new Map<number, string>();
    while (!t.machine.ended) {
      t.machine.resume('in');
      if (t.machine.step >= end - n) seen.set(t.machine.step, observe(t));
    }
    return { end, seen };
  }

  it('keeps fewer views than step points, further apart later in the statement, their size counted', () => {
    const s = sim(LONG);
    s.machine.resume('continue');
    const h = s.machine.history;
    if (!h) throw new Error('no history');
    expect(h.views.length).toBeGreaterThan(VIEW_WINDOW);
    const steps = h.views.map((v) => v.snap.step);
    expect(h.views.length).toBeLessThanOrEqual(History.MAX_VIEWS);
    expect(steps[steps.length - 1]! - steps[steps.length - 2]!).toBeGreaterThan(1);
    expect(h.viewSize).toBe([...h.views, ...h.window].reduce((n, v) => n + v.snap.size, 0));
    expect(h.viewSize).toBeLessThanOrEqual(h.maxViewSize);
  });

  it('a size budget bounds what views hold together, and going back through them stays exact', () => {
    const s = sim(LONG);
    const h = s.machine.history;
    if (!h) throw new Error('no history');
    h.maxViewSize = 400;
    s.machine.resume('continue');
    expect(h.views.length).toBeGreaterThan(0);
    expect(h.viewSize).toBeLessThanOrEqual(400);
    expect(h.viewSize).toBe([...h.views, ...h.window].reduce((n, v) => n + v.snap.size, 0));
    const { seen } = tail(40);
    for (let i = 0; i < 30; i++) {
      s.machine.stepBack(true);
      expect(observe(s)).toBe(seen.get(s.machine.step));
    }
    expect(h.viewSize).toBeLessThanOrEqual(400);
  });

  it('stepping back from the end of the statement lands on views at its kernel step points in the last VIEW_WINDOW, exactly', () => {
    const { end, seen } = tail(VIEW_WINDOW + 20);
    const s = sim(LONG);
    const m = s.machine;
    const h = m.history;
    if (!h) throw new Error('no history');
    m.resume('continue');
    expect(m.step).toBe(end);
    m.stepBack(true);
    const from = m.step;
    expect(observe(s)).toBe(seen.get(from));
    const kernel = [];
    for (let k = from; k > from - VIEW_WINDOW; k--) if (h.kindAt(k) === 1) kernel.push(k);
    expect(kernel.length).toBeGreaterThan(VIEW_WINDOW / 2);
    for (const k of kernel) expect(h.viewAt(k)).toBeDefined();
    for (let i = 0; i < VIEW_WINDOW; i++) {
      m.stepBack(true);
      expect(observe(s)).toBe(seen.get(m.step));
    }
  });

  it('after an input inside the statement, the rest of it gets views again', () => {
    const s = sim(LONG);
    const m = s.machine;
    const h = m.history;
    if (!h) throw new Error('no history');
    m.resume('continue');
    const v = h.views[Math.floor(h.views.length / 2)];
    if (!v) throw new Error('no view');
    m.goto(v.snap.step);
    m.inject({ text: 'advance', apply: () => (m.now += 5n) });
    expect(h.views.every((w) => w.snap.step <= v.snap.step)).toBe(true);
    m.resume('continue');
    expect(h.views.some((w) => w.snap.step > v.snap.step + 1 && w.start === v.start)).toBe(true);
  });
});
