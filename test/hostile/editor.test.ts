/**
 * The editor stays responsive on hostile files (issue 14 item 6): the
 * extension checks and runs scenarios in a worker thread (dist/worker.js)
 * with a time budget, so a file that takes the simulator long answers in
 * time, with a "took too long" diagnostic, and the calling thread is never
 * blocked. Tested on the built worker, without VS Code.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { offThread, tooLongDiagnostic } from '../../src/extension/off_thread';
import { ROOT } from '../support/kit';
import { FOREVER } from './cases';

const WORKER = join(ROOT, 'dist', 'worker.js');

/** A file the parser takes long over: 300,000 distinct lines of errors (only the first 100 are listed, but each
 *  is found; distinct, since a line whose text was already checked is not checked again). */
const SLOW_TO_PARSE = Array.from({ length: 300_000 }, (_, i) => `region_chg f [0..999999] ${i}\n`).join('');

describe('the extension worker', () => {
  it('returns the diagnostics of a file', async () => {
    const r = await offThread(WORKER, { kind: 'diagnostics', file: 't.kstep', text: 'print 1\nbogus\n', maxSteps: 1000 }, 10_000);
    expect(r).toMatchObject({ kind: 'parsed', diagnostics: [{ startLine: 1, message: expect.stringMatching(/bogus/) }] });
  });

  it('a file that takes longer than the budget answers in time with a "took too long" reply, and the caller is never blocked', async () => {
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 10);
    const t0 = performance.now();
    const r = await offThread(WORKER, { kind: 'diagnostics', file: 't.kstep', text: SLOW_TO_PARSE, maxSteps: 1000 }, 200);
    clearInterval(ticker);
    const ms = performance.now() - t0;
    expect(r).toEqual({ kind: 'timeout', ms: 200 });
    expect(ms).toBeLessThan(5_000);
    // The event loop ran all along: the work was on another thread.
    expect(ticks).toBeGreaterThan(5);
    expect(tooLongDiagnostic(200).message).toBe('kstep: checking this file took longer than 0.2 s; its diagnostics were not computed');
  });

  it('Run Scenario: a scenario without end stops at its step budget, in the worker', async () => {
    const r = await offThread(WORKER, { kind: 'run', file: 't.kstep', text: FOREVER, maxSteps: 5000 }, 10_000);
    expect(r).toMatchObject({ kind: 'ran', code: 2, output: ['start'], message: expect.stringMatching(/step budget \(5000 step points\)/) });
  });

  it('Run Scenario: and the wall-clock budget ends what the step budget allows for too long', async () => {
    const r = await offThread(WORKER, { kind: 'run', file: 't.kstep', text: FOREVER, maxSteps: 1e15 }, 300);
    expect(r).toEqual({ kind: 'timeout', ms: 300 });
  });

  it('a run that ends well', async () => {
    const r = await offThread(WORKER, { kind: 'run', file: 't.kstep', text: 'print "hi"\nexpect 1 + 1 == 2\n', maxSteps: 1000 }, 10_000);
    expect(r).toMatchObject({ kind: 'ran', code: 0, output: ['hi'] });
  });
});
