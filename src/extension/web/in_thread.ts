/**
 * The worker's requests answered in the extension host's own thread, for a
 * web extension host that cannot start workers: the same handler as
 * worker.ts, the same replies. Nothing can stop a run in this thread from
 * outside, so it is bounded by the simulator's budgets alone: the step
 * budget and the default work budget, which end a hostile scenario with an
 * error rather than a hung editor. The step budget callers pass
 * (DEFAULT_MAX_STEPS, 50 million) would hold the editor for many seconds
 * here, so it is cut to IN_THREAD_MAX_STEPS, and a run that ends there says
 * its budget was cut.
 */
import { handle } from '../worker';
import type { CompareResult } from '../kernel_compare_view';
import type { WorkerReply, WorkerRequest } from '../worker_protocol';

/** The step budget of a request answered in this thread: a fraction of a second of simulation, not the worker's many seconds. */
export const IN_THREAD_MAX_STEPS = 1_000_000;
/**
 * The statement starts a kernel compare reads in this thread: each one reads
 * both kernels' state, so a loop of short statements would hold the editor
 * for a minute before the step budget ends it (MAX_DIFF_STATEMENTS of them).
 */
export const IN_THREAD_MAX_DIFF_STATEMENTS = 10_000;

function cutNote(asked: number): string {
  return ` (this host cannot start workers, so kstep runs it in the editor's own thread with its step budget cut from ${asked} to ${IN_THREAD_MAX_STEPS} step points; debug the scenario for its full budget)`;
}

const COMPARE_CUT_NOTE = ` (this host cannot start workers, so kstep compares in the editor's own thread, at most ${IN_THREAD_MAX_DIFF_STATEMENTS} statements; run \`kstep diff\` for the whole scenario)`;

function withNote(r: CompareResult, note: string): CompareResult {
  return r.kind === 'view' ? { ...r, view: { ...r.view, summary: `${r.view.summary}${note}` } } : { ...r, message: `${r.message}${note}` };
}

/** The reply of a run that stopped at the cut budget, saying so. */
function withCutNoted(reply: WorkerReply, asked: number): WorkerReply {
  if (reply.kind === 'ran' && reply.code !== 0 && reply.steps >= IN_THREAD_MAX_STEPS) return { ...reply, message: `${reply.message ?? 'the run stopped'}${cutNote(asked)}` };
  if (reply.kind === 'tested' && reply.result.code !== 0 && reply.result.steps >= IN_THREAD_MAX_STEPS) {
    const failures = reply.result.failures.map((f) => (f.kind === 'error' ? { ...f, message: `${f.message}${cutNote(asked)}` } : f));
    return { ...reply, result: { ...reply.result, failures } };
  }
  if (reply.kind === 'compared' && reply.outOfSteps) return { ...reply, result: withNote(reply.result, cutNote(asked)) };
  return reply;
}

export interface InThreadPort {
  postMessage(data: unknown): void;
}

export function answerInThread(req: WorkerRequest): WorkerReply {
  try {
    // A compare is cut in statements as well as in steps; a run or a test has no statement budget.
    const cutStatements = req.kind === 'kernelDiff' && (req.maxStatements ?? Number.POSITIVE_INFINITY) > IN_THREAD_MAX_DIFF_STATEMENTS;
    const r = cutStatements ? { ...req, maxStatements: IN_THREAD_MAX_DIFF_STATEMENTS } : req;
    const reply = r.maxSteps <= IN_THREAD_MAX_STEPS ? handle(r) : withCutNoted(handle({ ...r, maxSteps: IN_THREAD_MAX_STEPS }), r.maxSteps);
    return cutStatements && reply.kind === 'compared' && reply.result.kind === 'gave-up' ? { ...reply, result: withNote(reply.result, COMPARE_CUT_NOTE) } : reply;
  } catch (e) {
    return { kind: 'failed', message: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
  }
}

export function startInThread(onReply: (reply: WorkerReply) => void): InThreadPort {
  return {
    // A macrotask later, as a worker's message would arrive: the caller has set up its listeners by then.
    postMessage: (data) => {
      setTimeout(() => onReply(answerInThread(data as WorkerRequest)), 0);
    },
  };
}
