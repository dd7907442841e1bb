import { describe, expect, it } from 'vitest';
import { expr, observe, show, sim } from '../support/kit';
import { evaluate } from '../../src/sim/scenario/eval';
import { NodeRef } from '../../src/sim/core/frames';
import { Hugetlb } from '../../src/sim/hugetlb/subsystem';
import type { Machine } from '../../src/sim/core/machine';

const WORKED = `hugetlb file f
region_chg f 0 1
region_add f 0 1
region_chg f 2 3
region_add f 2 3
region_chg f 5 6
region_add f 5 6
region_chg f 0 5
region_add f 0 5
expect resv.f.regions == [[0,1], [1,2], [2,3], [3,5], [5,6]]
`;

function frameNames(m: Machine): string[] {
  return m.frames.map((f) => f.fn.name);
}

describe('stepping', () => {
  it('starts at the first statement, before it runs', () => {
    const { machine: m } = sim(WORKED);
    expect(m.step).toBe(0);
    expect(m.at).toBe('stmt');
    expect(m.statement?.line).toBe(1);
    expect(show(m, 'len(resv)')).toBe('0');
  });

  it('step over moves one statement at a time', () => {
    const { machine: m } = sim(WORKED);
    const lines: number[] = [];
    for (;;) {
      const stop = m.resume('over');
      if (stop.reason === 'end') break;
      expect(stop.reason).toBe('step');
      expect(m.at).toBe('stmt');
      lines.push(m.statement?.line ?? 0);
    }
    expect(lines).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('step in enters the simulated kernel functions with their arguments', () => {
    const { machine: m } = sim(WORKED);
    m.resume('over'); // now at region_chg f 0 1
    m.resume('in');
    expect(frameNames(m)).toEqual(['region_chg']);
    const fr = m.frames[0];
    // resv is the map itself, a link to its state node.
    expect(fr?.args).toEqual({ resv: new NodeRef('resv', ['f'], 'f'), f: 0, t: 1 });
    expect((fr?.args.resv as NodeRef).path).toBe('resv.f');
    expect(fr?.fn.source.path).toBe('mm/hugetlb.c');
    expect(fr?.fn.source.lines[(fr?.line ?? 1) - 1]).toContain('add_reservation_in_range');
    m.resume('in');
    expect(frameNames(m)).toEqual(['region_chg', 'add_reservation_in_range']);
    expect(m.frames[1]?.args).toMatchObject({ count_only: true });
    expect(m.depth()).toBe(3);
  });

  it('step out returns to the caller frame, then to the scenario', () => {
    const { machine: m } = sim(WORKED);
    m.resume('over');
    m.resume('in');
    m.resume('in');
    expect(frameNames(m)).toEqual(['region_chg', 'add_reservation_in_range']);
    m.resume('out');
    expect(frameNames(m)).toEqual(['region_chg']);
    expect(m.frames[0]?.locals.out_regions_needed).toBe(1);
    m.resume('out');
    expect(m.at).toBe('stmt');
    expect(m.statement?.line).toBe(3);
    expect(show(m, 'last')).toBe('{ret: 1, regions_needed: 1}');
  });

  it('step over inside a kernel frame stays in that frame', () => {
    const { machine: m } = sim(WORKED);
    m.resume('over');
    m.resume('in');
    const depth = m.depth();
    const seen: number[] = [];
    while (m.frames.length) {
      m.resume('over');
      if (m.frames.length) {
        expect(m.depth()).toBeLessThanOrEqual(depth);
        seen.push(m.frames[0]?.line ?? 0);
      }
    }
    expect(seen.length).toBeGreaterThan(2);
    expect([...seen].sort((a, b) => a - b)).toEqual(seen);
  });

  it('proc calls are stack frames: step over a call runs the whole proc', () => {
    const { machine: m } = sim(`hugetlb file f
proc two {
  region_chg f 0 2
  region_add f 0 2
}
call two
expect resv.f.regions == [[0,2]]
`);
    m.resume('over');
    expect(m.statement?.line).toBe(6);
    m.resume('over');
    expect(m.statement?.line).toBe(7);
    expect(show(m, 'resv.f.regions')).toBe('[[0, 2]]');
  });

  it('step in on a call enters the proc with a scenario frame for it', () => {
    const { machine: m } = sim(`hugetlb file f
proc two {
  region_chg f 0 2
}
call two
`);
    m.resume('over');
    m.resume('in');
    expect(m.statement?.line).toBe(3);
    expect(m.control.scenarioFrames().map((f) => [f.name, f.at?.stmt.line])).toEqual([
      ['scenario', 5],
      ['two', 3],
    ]);
    expect(m.depth()).toBe(2);
  });

  it('repeat runs its block n times', () => {
    const { machine: m } = sim(`hugetlb file f
repeat 4 {
  repeat 2 {
    region_chg f 0 1
  }
}
`);
    expect(m.resume('continue').reason).toBe('end');
    expect(show(m, 'resv.f.adds_in_progress')).toBe('8');
  });

  it('slices a long run and honours pause', () => {
    const { machine: m } = sim(`hugetlb file f
repeat 100000 {
  region_count f 0 1
}
`, { history: false });
    m.startRun('continue');
    expect(m.slice(1000)).toBeUndefined();
    expect(m.step).toBe(1000);
    m.pauseRequested = true;
    expect(m.slice(1000)?.reason).toBe('pause');
  });
});

describe('breakpoints', () => {
  it('line breakpoints stop before the statement runs, with conditions, hit counts and logpoints', () => {
    const { machine: m, out } = sim(`hugetlb file f
repeat 7 {
  region_chg f 0 1
}
`);
    m.breakpoints.setLines([
      { id: 1, line: 3, hits: 0, condition: (mm) => evaluate(mm, expr('resv.f.adds_in_progress >= 2')) === true },
    ]);
    expect(m.resume('continue')).toEqual({ reason: 'breakpoint', breakpointIds: [1] });
    expect(show(m, 'resv.f.adds_in_progress')).toBe('2');
    m.breakpoints.setLines([{ id: 2, line: 3, hits: 0, hitCondition: (n) => n === 2 }]);
    // Hits counted from here: iteration 4 is hit 1, iteration 5 hit 2.
    expect(m.resume('continue').reason).toBe('breakpoint');
    expect(show(m, 'resv.f.adds_in_progress')).toBe('4');
    m.breakpoints.setLines([{ id: 3, line: 3, hits: 0, log: (mm) => `adds=${show(mm, 'resv.f.adds_in_progress')}` }]);
    expect(m.resume('continue').reason).toBe('end');
    expect(out).toEqual(['adds=5', 'adds=6']);
  });

  it('function breakpoints stop at the first step point of the frame, nested ones too', () => {
    const { machine: m } = sim(WORKED);
    m.breakpoints.setFunctions([{ id: 7, name: 'add_reservation_in_range', hits: 0 }]);
    const stop = m.resume('continue');
    expect(stop).toEqual({ reason: 'function breakpoint', breakpointIds: [7] });
    expect(frameNames(m)).toEqual(['region_chg', 'add_reservation_in_range']);
    m.breakpoints.setFunctions([{ id: 8, name: 'region_add', hits: 0 }]);
    m.resume('continue');
    expect(frameNames(m)).toEqual(['region_add']);
    expect(m.frames[0]?.args).toMatchObject({ f: 0, t: 1, in_regions_needed: 1 });
  });

  it('a failed expect is an exception stop (on by default) that the run can continue past', () => {
    const { machine: m } = sim(`expect 1 == 2
expect 3 == 3
`);
    const stop = m.resume('continue');
    expect(stop.reason).toBe('exception');
    expect(stop.exception?.kind).toBe('expect');
    expect(stop.exception?.message).toBe('expect failed: 1 == 2 (left = 1, right = 2)');
    expect(stop.exception?.line).toBe(1);
    expect(m.resume('continue').reason).toBe('end');
  });

  it('with the expect filter off a failed expect does not stop', () => {
    const { machine: m } = sim('expect 1 == 2\n');
    m.breakpoints.setExceptions([]);
    expect(m.resume('continue').reason).toBe('end');
  });

  it('a VM_BUG_ON stops with a bug exception where it fired, and the run ends', () => {
    const { machine: m } = sim(`hugetlb file f
region_add f 0 1 regions_needed=0
region_add f 2 3 regions_needed=0
region_add f 4 5 regions_needed=0
region_count f 0 9
`);
    const stop = m.resume('continue');
    expect(stop.reason).toBe('exception');
    expect(stop.exception).toMatchObject({ kind: 'bug', message: 'BUG: t - f <= 1', line: 3 });
    expect(frameNames(m)).toEqual(['region_add']);
    expect(m.resume('continue').reason).toBe('end');
    expect(m.statement?.line).toBe(3);
  });

  it('a data watch stops right after the step that changed the value', () => {
    const { machine: m } = sim(WORKED);
    m.resume('over');
    m.breakpoints.data = [{ id: 9, read: (mm) => show(mm, 'resv.f.adds_in_progress'), last: undefined }];
    m.rebaseWatches();
    const stop = m.resume('continue');
    expect(stop).toEqual({ reason: 'data breakpoint', breakpointIds: [9] });
    expect(frameNames(m)).toEqual(['region_chg']);
    expect(show(m, 'resv.f.adds_in_progress')).toBe('1');
    // The step before the stop still had the old value.
    m.stepBack();
    expect(show(m, 'resv.f.adds_in_progress')).toBe('0');
  });
});

describe('history', () => {
  it('stepBack from a statement lands on the start of the previous statement with its exact state', () => {
    const s = sim(WORKED);
    const m = s.machine;
    const atStmt: string[] = [observe(s)];
    while (m.resume('over').reason !== 'end') atStmt.push(observe(s));
    expect(m.at).toBe('end');
    for (let i = atStmt.length - 1; i >= 0; i--) {
      m.stepBack();
      expect(observe(s)).toBe(atStmt[i]);
    }
  });

  it('stepBack inside a kernel frame goes to the previous step point at the same or a shallower depth', () => {
    const { machine: m } = sim(WORKED);
    m.resume('over');
    m.resume('in'); // region_chg:count
    m.resume('in'); // add_reservation_in_range:walk
    m.resume('in'); // add_reservation_in_range:count_tail (the map is empty: one gap, [0, 1))
    m.resume('in'); // add_reservation_in_range:done
    m.resume('in'); // region_chg:adds_in_progress
    expect(frameNames(m)).toEqual(['region_chg']);
    const line = m.frames[0]?.line;
    m.stepBack();
    expect(frameNames(m)).toEqual(['region_chg']);
    expect(m.frames[0]?.line).toBeLessThan(line ?? 0);
    m.stepBack();
    expect(m.at).toBe('stmt');
    expect(m.statement?.line).toBe(2);
  });

  it('going to any earlier step point reproduces it exactly (step-back-then-forward equals a straight run)', () => {
    const s = sim(`${WORKED}repeat 20 {
  region_del f 1 2
  region_chg f 0 9
  region_add f 0 9
}
`);
    const m = s.machine;
    const straight: string[] = [observe(s)];
    while (m.resume('in').reason !== 'end') straight.push(observe(s));
    expect(straight.length).toBeGreaterThan(300);
    let seed = 7;
    for (let i = 0; i < 200; i++) {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      const k = seed % straight.length;
      m.goto(k);
      expect(observe(s)).toBe(straight[k]);
    }
    // And forward again from an early point matches the straight run step by step.
    m.goto(5);
    for (let k = 6; k < 60; k++) {
      m.resume('in');
      expect(observe(s)).toBe(straight[k]);
    }
  });

  it('reverseContinue stops at the latest earlier line breakpoint, going back', () => {
    const { machine: m } = sim(WORKED);
    while (m.resume('over').reason !== 'end') {
      // run to the end
    }
    m.breakpoints.setLines([{ id: 1, line: 4, hits: 0 }, { id: 2, line: 6, hits: 0 }]);
    expect(m.reverseContinue()).toEqual({ reason: 'breakpoint', breakpointIds: [2] });
    expect(m.statement?.line).toBe(6);
    expect(show(m, 'resv.f.regions')).toBe('[[0, 1], [2, 3]]');
    expect(m.reverseContinue().reason).toBe('breakpoint');
    expect(m.statement?.line).toBe(4);
    expect(m.reverseContinue().reason).toBe('entry');
    expect(m.step).toBe(0);
  });

  it('reverseContinue by replay (a data watch needs it) runs in slices and a pause returns to where it started', () => {
    const { machine: m } = sim(`hugetlb file f
region_chg f 0 1
repeat 3000 {
  region_count f 0 1
}
`);
    m.resume('continue');
    const origin = m.step;
    m.breakpoints.setLines([{ id: 1, line: 2, hits: 0 }]);
    m.breakpoints.data = [{ id: 9, read: () => 'same', last: 'same' }];
    const scan = m.reverseRun();
    expect(scan.next().done).toBe(false);
    m.pauseRequested = true;
    let r = scan.next();
    while (!r.done) r = scan.next();
    expect(r.value).toEqual({ reason: 'pause' });
    expect(m.step).toBe(origin);
    expect(m.at).toBe('end');
    // Unpaused, the same scan reaches the breakpoint.
    expect(m.reverseContinue()).toEqual({ reason: 'breakpoint', breakpointIds: [1] });
    expect(m.statement?.line).toBe(2);
  });

  it('reverseContinue by the step marks visits only candidates, in slices, and a pause returns to where it started', () => {
    const { machine: m } = sim(`hugetlb file f
region_chg f 0 1
repeat 3000 {
  region_count f 0 1
}
`);
    m.resume('continue');
    const origin = m.step;
    let asked = 0;
    m.breakpoints.setLines([
      { id: 1, line: 2, hits: 0 },
      { id: 2, line: 4, hits: 0, condition: () => (asked++, false) },
    ]);
    const scan = m.reverseRun();
    expect(scan.next().done).toBe(false);
    expect(asked).toBe(1);
    m.pauseRequested = true;
    let r = scan.next();
    while (!r.done) r = scan.next();
    expect(r.value).toEqual({ reason: 'pause' });
    expect(m.step).toBe(origin);
    expect(m.at).toBe('end');
    asked = 0;
    expect(m.reverseContinue()).toEqual({ reason: 'breakpoint', breakpointIds: [1] });
    expect(m.statement?.line).toBe(2);
    // Each of the 3000 starts of line 4 was asked once, and no other step point.
    expect(asked).toBe(3000);
  });

  it('reverseContinue finds the step where a watched value last changed', () => {
    const { machine: m } = sim(WORKED);
    m.resume('continue');
    m.breakpoints.data = [{ id: 3, read: (mm) => show(mm, 'len(resv.f.regions)'), last: undefined }];
    m.rebaseWatches();
    expect(m.reverseContinue()).toEqual({ reason: 'data breakpoint', breakpointIds: [3] });
    expect(show(m, 'len(resv.f.regions)')).toBe('5');
    expect(frameNames(m)).toEqual(['region_add', 'add_reservation_in_range']);
    // region_add f 0 5 fills two gaps, each a change of its own: the second here, the first one further back.
    m.stepBack();
    expect(show(m, 'len(resv.f.regions)')).toBe('4');
    expect(m.reverseContinue()).toEqual({ reason: 'data breakpoint', breakpointIds: [3] });
    expect(show(m, 'len(resv.f.regions)')).toBe('4');
    m.stepBack();
    expect(show(m, 'len(resv.f.regions)')).toBe('3');
  });

  it('an injected change is a step in history: stepping back undoes it, and the old future is dropped', () => {
    const s = sim(WORKED);
    const m = s.machine;
    const hugetlb = s.subsystem(Hugetlb);
    m.resume('over');
    m.resume('over');
    const before = m.step;
    m.inject({ text: 'resv.f.adds_in_progress = 40', apply: () => { (hugetlb.files.get('f') as { addsInProgress: number }).addsInProgress = 40; } });
    expect(m.step).toBe(before + 1);
    expect(m.at).toBe('input');
    expect(show(m, 'resv.f.adds_in_progress')).toBe('40');
    m.resume('over'); // region_add f 0 1 gives back its one regions_needed
    expect(show(m, 'resv.f.adds_in_progress')).toBe('39');
    m.stepBack();
    m.stepBack();
    expect(m.step).toBe(before);
    expect(show(m, 'resv.f.adds_in_progress')).toBe('1');
    m.resume('over');
    expect(m.at).toBe('input');
    m.resume('over');
    expect(show(m, 'resv.f.adds_in_progress')).toBe('39');
  });

  it('a failing injected change leaves the machine where it was', () => {
    const { machine: m } = sim(WORKED);
    m.resume('over');
    const before = observe(m);
    expect(() => m.inject({ text: 'bad', apply: () => { throw new Error('nope'); } })).toThrow('nope');
    expect(observe(m)).toBe(before);
  });

  it('is deterministic: two runs give the same trace', () => {
    const trace = (): string[] => {
      const s = sim(WORKED);
      const t = [observe(s)];
      while (s.machine.resume('in').reason !== 'end') t.push(observe(s));
      return t;
    };
    expect(trace()).toEqual(trace());
  });
});
