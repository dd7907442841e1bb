import { describe, expect, it } from 'vitest';
import { cli } from '../support/kit';
import { outcomeOf } from '../../src/sim';
import { Machine } from '../../src/sim/core/machine';
import { listCode } from '../../src/sim/core/control';
import type { StatementRef } from '../../src/sim/core/source';
import { FOREVER } from './cases';

describe('a JavaScript error inside a statement', () => {
  /** A scenario whose second statement throws what a bug in kstep would: a TypeError. */
  function broken(): Machine {
    const ref = (line: number, text: string): StatementRef => ({ verb: 'print', line, text, range: { line, col: 1, endLine: line, endCol: text.length + 1 } });
    const out: string[] = [];
    const m = new Machine(
      {
        file: 't.kstep',
        code: listCode([
          { stmt: ref(1, 'print 1'), exec: () => out.push('1') },
          { stmt: ref(2, 'boom'), exec: () => (undefined as unknown as { x: () => void }).x() },
          { stmt: ref(3, 'print 3'), exec: () => out.push('3') },
        ]),
      },
      { history: true },
    );
    m.start([]);
    return m;
  }

  it('is an exception the engine always stops on, at its line; the machine ends after it', () => {
    const m = broken();
    m.breakpoints.setExceptions([]);
    const st = m.resume('continue');
    expect(st.reason).toBe('exception');
    expect(st.exception).toMatchObject({ kind: 'internal', line: 2, message: expect.stringMatching(/^internal error: TypeError: /) });
    expect(st.exception?.stack).toMatch(/\n\s+at /);
    expect(m.resume('continue').reason).toBe('end');
    // History still works over it.
    m.goto(0);
    expect(m.statement?.line).toBe(1);
  });

  it('makes kstep run exit 3, never 1', () => {
    const m = broken();
    const o = outcomeOf(m, m.resume('continue'));
    expect(o).toMatchObject({ code: 3, kind: 'internal', line: 2 });
  });

});

describe('work proportional to a requested size', () => {
  it('300 ranges of a million elements each stop at the list limit, at once', () => {
    const r = cli(`print "start"\nprint len([${Array.from({ length: 300 }, () => '0..999999').join(', ')}])\n`);
    expect(r.code).toBe(2);
    expect(r.err).toEqual([expect.stringMatching(/^t\.kstep:2:\d+: error: the list would have more than 1000000 elements \(at range 0\.\.999999\), a fixed limit: use smaller ranges, or repeat$/)]);
  });
});

describe('the step budget', () => {
  it('ends a run that would take years with a scenario error naming the budget', () => {
    const r = cli(FOREVER, { maxSteps: 10_000 });
    expect(r.code).toBe(2);
    expect(r.out).toEqual(['start']);
    expect(r.err).toEqual([expect.stringMatching(/^t\.kstep:3:3: error: the scenario ran out of its step budget \(10000 step points\)/)]);
  });

  it('has a default that ends such a run', () => {
    const r = cli(FOREVER);
    expect(r.code).toBe(2);
    expect(r.err[0]).toMatch(/step budget \(50000000 step points\)/);
  });

  it('counts every step point of a periodic timer inside one advance', () => {
    const s = scenarioTimer();
    const r = cli(s, { maxSteps: 20_000 });
    expect(r.code).toBe(2);
    expect(r.err[0]).toMatch(new RegExp(`^t\\.kstep:${s.split('\n').findIndex((l) => l.startsWith('advance')) + 1}:1: error: .*step budget`));
  });
});

/** A Hyper-V periodic synthetic timer every 100 ns (one tick), then a year of simulated time. */
function scenarioTimer(): string {
  return [
    'vpreg GUEST_OSID = 1',
    'vpreg SCONTROL = 1',
    // Direct mode: each expiry asserts a vector, so none waits for the guest to take the one before.
    'vpreg STIMER0_CONFIG = 1 | 2 | (0x30 << 4) | (1 << 12)',
    'vpreg STIMER0_COUNT = 1',
    'advance 31536000s',
    '',
  ].join('\n');
}
