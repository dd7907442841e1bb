/**
 * The worker's requests answered in the extension host's own thread, for a
 * web extension host that cannot start workers: the same handler as
 * worker.ts, the same replies. Nothing can stop a run in this thread from
 * outside, so it is bounded by the simulator's budgets alone: the step
 * budget every request carries and the default work budget, which end a
 * hostile scenario with an error rather than a hung editor.
 */
import { handle } from '../worker';
import type { WorkerReply, WorkerRequest } from '../worker_protocol';

export interface InThreadPort {
  postMessage(data: unknown): void;
}

export function answerInThread(req: WorkerRequest): WorkerReply {
  try {
    return handle(req);
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
