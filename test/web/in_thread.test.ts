/**
 * The fallback of a web extension host with no Worker: the worker's
 * requests answered in the host's thread, where only the simulator's
 * budgets bound a run. A scenario that would run forever ends at its step
 * budget with a clear error.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_STEPS } from '../../src/sim';
import { answerInThread, IN_THREAD_MAX_STEPS, startInThread } from '../../src/extension/web/in_thread';
import type { WorkerReply } from '../../src/extension/worker_protocol';
import { FOREVER } from '../hostile/cases';

describe('worker requests in the extension host thread', () => {
  it('diagnoses a file as the worker does', () => {
    const r = answerInThread({ kind: 'diagnostics', file: '/ws/bad.kstep', text: '# bad\nfrobnicate 3\n', maxSteps: 1000 });
    expect(r.kind === 'parsed' && r.diagnostics.map((d) => d.startLine)).toEqual([1]);
  });

  it('a run that would never end stops at its step budget with an error', () => {
    const r = answerInThread({ kind: 'run', file: '/ws/forever.kstep', text: FOREVER, maxSteps: 100_000 });
    expect(r.kind).toBe('ran');
    if (r.kind !== 'ran') return;
    expect(r.code).not.toBe(0);
    expect(r.message).toMatch(/step budget|100000|steps/i);
    expect(r.output).not.toContain('never');
  });

  it('the budget callers pass (DEFAULT_MAX_STEPS) is cut in this thread, and the run says so', () => {
    expect(IN_THREAD_MAX_STEPS).toBeLessThan(DEFAULT_MAX_STEPS);
    const r = answerInThread({ kind: 'run', file: '/ws/forever.kstep', text: FOREVER, maxSteps: DEFAULT_MAX_STEPS });
    expect(r.kind).toBe('ran');
    if (r.kind !== 'ran') return;
    expect(r.code).not.toBe(0);
    expect(r.steps).toBeLessThanOrEqual(IN_THREAD_MAX_STEPS + 1);
    expect(r.message).toContain(`step budget cut from ${DEFAULT_MAX_STEPS} to ${IN_THREAD_MAX_STEPS} step points`);
    const t = answerInThread({ kind: 'test', file: '/ws/forever.kstep', text: FOREVER, maxSteps: DEFAULT_MAX_STEPS });
    expect(t.kind).toBe('tested');
    if (t.kind !== 'tested') return;
    expect(t.result.steps).toBeLessThanOrEqual(IN_THREAD_MAX_STEPS + 1);
    expect(t.result.failures.map((f) => f.message).join('\n')).toContain('step budget cut');
  });

  it('a run that ends within the cut budget is told nothing about it', () => {
    const r = answerInThread({ kind: 'run', file: '/ws/ok.kstep', text: 'print "fine"\n', maxSteps: DEFAULT_MAX_STEPS });
    expect(r).toMatchObject({ kind: 'ran', code: 0 });
    expect(r.kind === 'ran' && r.message).toBeFalsy();
  });

  it('answers through a port as a worker would, after the caller has listened', async () => {
    const replies: WorkerReply[] = [];
    const done = new Promise<void>((resolve) => {
      const port = startInThread((r) => {
        replies.push(r);
        resolve();
      });
      port.postMessage({ kind: 'items', file: '/ws/a.kstep', text: 'proc p {\n  print "x"\n}\ncall p\n', maxSteps: 1000 });
      // Nothing yet: the answer comes a task later, as a worker's message would.
      expect(replies).toEqual([]);
    });
    await done;
    expect(replies[0]?.kind).toBe('items');
  });
});
