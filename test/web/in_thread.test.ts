/**
 * The fallback of a web extension host with no Worker: the worker's
 * requests answered in the host's thread, where only the simulator's
 * budgets bound a run. A scenario that would run forever ends at its step
 * budget with a clear error.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_STEPS } from '../../src/sim';
import { answerInThread, IN_THREAD_MAX_DIFF_STATEMENTS, IN_THREAD_MAX_STEPS, startInThread } from '../../src/extension/web/in_thread';
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

  it('a kernel compare in this thread is cut in statements: a loop of short statements gives up and says why', () => {
    // Both kernels loop forever the same way: uncut, the compare would read both states at 1M statement starts.
    const r = answerInThread({ kind: 'kernelDiff', file: '/ws/forever.kstep', text: FOREVER, maxSteps: DEFAULT_MAX_STEPS, kernel: 'before=004' });
    expect(r).toMatchObject({ kind: 'compared', result: { kind: 'gave-up' } });
    if (r.kind !== 'compared' || r.result.kind === 'view') return;
    expect(r.result.message).toContain(`gave up comparing after ${IN_THREAD_MAX_DIFF_STATEMENTS} statements`);
    expect(r.result.message).toContain(`at most ${IN_THREAD_MAX_DIFF_STATEMENTS} statements; run \`kstep diff\``);
  });

  it('a kernel compare in this thread runs within the cut step budget, and says so', () => {
    // One statement of 2M pages: more step points than the cut budget allows, on both kernels.
    const text = 'mmap 0x100000000 8G\nmlock 0x100000000 8G\n';
    const r = answerInThread({ kind: 'kernelDiff', file: '/ws/big.kstep', text, maxSteps: DEFAULT_MAX_STEPS, kernel: 'before=003' });
    expect(r.kind).toBe('compared');
    if (r.kind !== 'compared') return;
    expect(r.outOfSteps).toBe(true);
    const text2 = r.result.kind === 'view' ? r.result.view.summary : r.result.message;
    expect(text2).toContain(`(${IN_THREAD_MAX_STEPS} step points)`);
    expect(text2).toContain(`step budget cut from ${DEFAULT_MAX_STEPS} to ${IN_THREAD_MAX_STEPS} step points`);
  }, 60_000);

  it('a compare that ends within the cut budget is told nothing about it', () => {
    const r = answerInThread({ kind: 'kernelDiff', file: '/ws/ok.kstep', text: 'hugetlb file f\nregion_chg f 0 1\n', maxSteps: DEFAULT_MAX_STEPS, kernel: 'before=004' });
    expect(r).toMatchObject({ kind: 'compared', result: { kind: 'same' } });
    expect(r.kind === 'compared' && r.outOfSteps).toBeFalsy();
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
