import { describe, expect, it } from 'vitest';
import { cli, sim } from '../support/kit';
import { FOREVER, longSum } from './cases';

describe('a JavaScript error inside a statement', () => {
  it('stops the run with an internal error at its line: kstep run exits 3 with no stack', () => {
    const r = cli(longSum(20_000));
    expect(r.code).toBe(3);
    expect(r.out).toEqual(['1']);
    expect(r.err).toEqual([expect.stringMatching(/^t\.kstep:2: internal error: RangeError: /)]);
  });

  it('prints the JavaScript stack with --debug', () => {
    const r = cli(longSum(20_000), { debug: true });
    expect(r.code).toBe(3);
    expect(r.err.length).toBe(2);
    expect(r.err[1]).toMatch(/\n\s+at /);
  });

  it('is an exception the engine always stops on, and the machine ends after it', () => {
    const s = sim(longSum(20_000));
    s.machine.breakpoints.setExceptions([]);
    const st = s.machine.resume('continue');
    expect(st.reason).toBe('exception');
    expect(st.exception).toMatchObject({ kind: 'internal', line: 2 });
    expect(s.machine.resume('continue').reason).toBe('end');
    expect(s.out).toEqual(['1']);
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
