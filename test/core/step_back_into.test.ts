import { describe, expect, it } from 'vitest';
import { PointKind } from '../../src/sim/core/history';
import { lineOf, observe, sim } from '../support/kit';
import { RESV } from '../dap/scenarios';

/*
 * Step Back Into (issue 16): from a step point right after a statement or a
 * call that ran kernel code, back to the last step point of the innermost
 * function it called last, as gdb's reverse-step does. Like goto and
 * stepBack it is exact: the state there is the state a straight run had.
 */
function straight(src: string): { seen: string[]; depth: number[]; kinds: PointKind[] } {
  const s = sim(src);
  const m = s.machine;
  const seen = [observe(m)];
  while (!m.ended) {
    m.resume('in');
    seen.push(observe(m));
  }
  const h = m.history;
  if (!h) throw new Error('no history');
  return { seen, depth: seen.map((_, k) => h.depthAt(k)), kinds: seen.map((_, k) => h.kindAt(k)) };
}

describe('step back into', () => {
  it('lands on the previous step point at any depth, exactly as a straight run had it, from every step point', () => {
    const { seen, kinds } = straight(RESV);
    const s = sim(RESV);
    const m = s.machine;
    let deeper = 0;
    for (let k = seen.length - 1; k > 0; k--) {
      m.goto(k);
      const d = m.depth();
      const st = m.stepBack(true);
      let want = k - 1;
      while (want > 0 && kinds[want] === PointKind.Exception) want--;
      expect(st.reason).toBe(want === 0 && kinds[0] === PointKind.Exception ? 'entry' : 'step');
      expect(m.step, `from ${k}`).toBe(want);
      expect(observe(m), `from ${k}`).toBe(seen[want]);
      if (m.depth() > d) deeper++;
    }
    // The scenario's kernel calls end at statement starts: stepping back into them goes deeper, many times.
    expect(deeper).toBeGreaterThan(10);
  });

  it('from the statement after region_add, into region_add at its return; step back over goes to the statement instead', () => {
    const s = sim(RESV);
    const m = s.machine;
    const after = lineOf(RESV, 'expect resv.f.regions == [[0,1], [1,2]');
    while (m.statement?.line !== after || m.at !== 'stmt') m.resume('over');
    const at = m.step;
    m.stepBack(true);
    expect(m.frames.map((f) => f.fn.name)).toEqual(['region_add']);
    expect(m.frames[0]?.line).toBe(m.frames[0]?.fn.labels.get('return'));
    expect(m.statement?.line).toBe(lineOf(RESV, 'region_add f 0 5'));
    m.goto(at);
    m.stepBack(false);
    expect(m.frames).toEqual([]);
    expect(m.statement?.line).toBe(lineOf(RESV, 'region_add f 0 5'));
  });

  it('inside a kernel function after a call returned, into the callee at its last step point', () => {
    const s = sim(RESV);
    const m = s.machine;
    const add = lineOf(RESV, 'region_add f 0 5');
    while (m.statement?.line !== add) m.resume('over');
    // region_add: on to the step point after the filling walk returned.
    do m.resume('in');
    while (!(m.frames.length === 1 && m.frames[0]?.line === m.frames[0]?.fn.labels.get('adds_in_progress')));
    expect(m.frames.map((f) => f.fn.name)).toEqual(['region_add']);
    m.stepBack(true);
    expect(m.frames.map((f) => f.fn.name)).toEqual(['region_add', 'add_reservation_in_range']);
    expect(m.frames[1]?.line).toBe(m.frames[1]?.fn.labels.get('done'));
    expect(m.frames[1]?.args.count_only).toBe(false);
  });
});

describe('return values', () => {
  it('a caller shows what its last callee returned, and the scenario what its statement\'s call returned', () => {
    const s = sim(RESV);
    const m = s.machine;
    const add = lineOf(RESV, 'region_add f 0 5');
    while (m.statement?.line !== add) m.resume('over');
    m.resume('in'); // region_add: retry
    expect(m.frames[0]?.retFn).toBeUndefined();
    m.resume('over'); // over the counting walk
    expect(m.frames[0]?.retFn?.name).toBe('add_reservation_in_range');
    expect(m.frames[0]?.retValue).toEqual({ add: 3, needed: 2 });
    m.resume('out');
    expect(m.at).toBe('stmt');
    expect(m.returned?.fn.name).toBe('region_add');
    expect(m.returned?.value).toBe(3);
    // The next statement's start clears it: it belongs to the statement that just ran.
    m.resume('over');
    expect(m.returned).toBeUndefined();
  });
});
