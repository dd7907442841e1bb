/**
 * The work budget (core/work.ts): the step budget counts step points, and a
 * loop of statements that each work through thousands of pages or bytes
 * stayed inside it for days (`repeat (1 << 40) { gpa read 0 64K }`). Per-page
 * and per-byte work is charged, once per step point however often history
 * replays it, and past the budget the statement ends with a scenario error
 * at its line and column, headless and in the debugger alike.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { workUsed } from '../../src/sim/core/work';
import { Harness, Scenarios } from '../support/dap';
import { cli, expectGotoExact, kstep, sim } from '../support/kit';

/** Ran for days before: 64K bytes into a list per statement, two step points each. */
const GPA_FOREVER = 'vpreg GUEST_OSID = 1\nprint "start"\nrepeat (1 << 40) {\n  gpa read 0 64K\n}\n';
/** A per-page statement in a loop without end: mlock walks (faults and mlocks) each of its 16 pages. */
const MLOCK_FOREVER = 'mmap 0x100000000 64K\nrepeat (1 << 40) {\n  expect 1 == 1\n  mlock 0x100000000 64K\n}\n';
const WORK_ERROR = /the scenario ran out of its work budget \((\d+) pages or bytes worked through by its statements\): raise it with --max-work \(kstep run\) or maxWork \(launch configuration\)$/;

describe('the work budget, headless', () => {
  it('ends a loop of big statements that the step budget let run for days, at the statement, with a scenario error', () => {
    const r = cli(GPA_FOREVER);
    expect(r.code).toBe(2);
    expect(r.out).toEqual(['start']);
    expect(r.err).toHaveLength(1);
    expect(r.err[0]).toMatch(/^t\.kstep:4:3: error: /);
    expect(r.err[0]).toMatch(WORK_ERROR);
    expect(WORK_ERROR.exec(r.err[0] ?? '')?.[1]).toBe(String(1 << 25));
  });

  it('counts the pages a per-page statement walks; --max-work sets the budget', () => {
    const r = cli(MLOCK_FOREVER, { maxWork: 1000 });
    expect(r.code).toBe(2);
    expect(r.err).toEqual([expect.stringMatching(/^t\.kstep:4:3: error: the scenario ran out of its work budget \(1000 pages/)]);
  });

  it('refuses a --max-work that is no positive whole number', () => {
    const r = kstep('run', '--max-work=-3', 't.kstep');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--max-work needs a positive whole number, not '-3'/);
  });
});

describe('the work budget under history', () => {
  it('stops at the statement; going back and replaying neither counts again nor moves the error', () => {
    const s = sim(MLOCK_FOREVER, { maxWork: 1000 });
    const m = s.machine;
    const st = m.resume('continue');
    expect(st.reason).toBe('exception');
    expect(st.exception).toMatchObject({ kind: 'error', line: 4, range: { line: 4, col: 3 } });
    expect(st.exception?.message).toMatch(WORK_ERROR);
    const at = m.step;
    const used = workUsed(m);
    expect(used).toBeGreaterThan(1000);
    m.goto(Math.floor(at / 2));
    const again = m.resume('continue');
    expect(again.exception?.message).toBe(st.exception?.message);
    expect(m.step).toBe(at);
    expect(workUsed(m)).toBe(used);
    // Stepping back over it many times changes nothing either.
    for (let i = 0; i < 5; i++) m.stepBack();
    expect(m.resume('continue').exception?.message).toBe(st.exception?.message);
    expect(workUsed(m)).toBe(used);
  });

  it('goto anywhere gives what the straight run had there, the failing statement included', () => {
    expectGotoExact(sim(GPA_FOREVER.replace('64K', '4K'), { maxWork: 20_000 }), 7, 30);
  });
});

describe('the work budget in the debugger', () => {
  const files = new Scenarios();
  const forever = files.write('forever.kstep', MLOCK_FOREVER);
  afterAll(() => files.dispose());

  it('stops the run with the error at the statement instead of running on, and answers the next request', async () => {
    const h = await Harness.open('stdio');
    try {
      await h.launch(forever, { extra: { maxWork: 1000 } });
      const st = await h.stopped('exception');
      expect(st.description).toBe('Scenario error');
      expect(st.text).toMatch(WORK_ERROR);
      expect(await h.where()).toEqual(['forever.kstep@4']);
      await h.go('stepBack');
      await expect(h.launch(forever, { extra: { maxWork: 0 } })).rejects.toThrow(/maxWork must be a positive whole number/);
    } finally {
      await h.close();
    }
  });
});
