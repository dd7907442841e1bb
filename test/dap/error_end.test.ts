/**
 * Continuing from a run-time error (issue 16 §3): the scenario ends at its
 * error. The one more stop on the same line says so and why; continuing
 * from it ends the session. Never a silent second pause on the line.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { Harness, Scenarios, openPerTest } from '../support/dap';

const files = new Scenarios();
/** Line 3 is a scenario error at run time: mlock covers at most 16G at once. */
const ERR = files.write('err.kstep', 'print "a"\nmmap 0x100000000 64G\nmlock 0x100000000 64G\nprint "after"\n');
const OK = files.write('ok.kstep', 'print "a"\nprint "b"\n');
afterAll(() => files.dispose());

let h: Harness;
openPerTest((x) => (h = x));

describe('continuing from a run-time error', () => {
  it('stops once more on the line with the reason the scenario ended there, then terminates', async () => {
    await h.launch(ERR);
    const err = await h.stopped('exception');
    expect(err).toMatchObject({ description: 'Scenario error', text: expect.stringMatching(/mlock covers 16777216 pages/) as unknown as string });
    expect((await h.top()).line).toBe(3);
    const end = await h.go('continue');
    expect(end.reason).toBe('end');
    expect(end.description).toMatch(/^The scenario ended at its error on line 3: nothing after it ran\./);
    expect(end.text).toMatch(/mlock covers 16777216 pages/);
    expect(h.output('stdout')).toBe('a\n');
    await h.dc.continueRequest({ threadId: 1 });
    await h.next('terminated');
    expect(h.output('stdout')).toBe('a\n');
  });

  it('a step from the error says the same; a scenario that ran to its last line says it reached its end', async () => {
    await h.launch(ERR);
    await h.stopped('exception');
    expect((await h.go('next')).description).toMatch(/^The scenario ended at its error on line 3/);
    // Stepping back before the error and running again meets it again, and the end says so again.
    await h.go('stepBack');
    expect((await h.go('continue')).reason).toBe('exception');
    expect((await h.go('continue')).description).toMatch(/^The scenario ended at its error/);
  });

  it('a scenario without an error ends with the plain end description', async () => {
    await h.launch(OK);
    const end = await h.stopped('end');
    expect(end.description).toBe('End of the scenario: step back to look again, or continue to finish');
    expect(end.text).toBeUndefined();
  });
});
