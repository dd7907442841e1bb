import type { SessionContext } from './context';
import { UserError } from './routes';

/**
 * Steps that arrive while a step is still running (holding F11 or F10: the
 * client sends the next request as soon as it has drawn the last stop, and a
 * step through a long statement may still be going) wait for that step's stop
 * and then run, in order, instead of being refused. A request that arrives
 * during a continue, a reverse continue or a search is still refused: it
 * would start only when the user's long run ends, which they did not ask for;
 * so is a step that has waited MAX_WAIT_MS for a step that is still going.
 */
export const QUEUED_STEPS: ReadonlySet<string> = new Set(['next', 'stepIn', 'stepOut', 'stepBack', 'kstep/stepBackInto']);

/** More than this many steps held back is a client gone wrong, not a held key. */
const MAX_QUEUED = 32;
/**
 * A step still running after this long is a long step (over a statement of
 * millions of step points), not a short one under a held key: the request
 * behind it is refused as during a continue, rather than left unanswered.
 */
const MAX_WAIT_MS = 3_000;
const RUNNING = 'the scenario is running: pause it first';

interface Queue {
  /** The run going now is a step (next, step in, step out, step into a target). */
  stepping: boolean;
  readonly waiting: Array<{ go: () => void; drop: (why: string) => void }>;
}

const queues = new WeakMap<SessionContext, Queue>();

function queueOf(ctx: SessionContext): Queue {
  let q = queues.get(ctx);
  if (!q) {
    q = { stepping: false, waiting: [] };
    queues.set(ctx, q);
  }
  return q;
}

/** A run starts: whether it is a step decides whether requests may queue behind it. */
export function runStarts(ctx: SessionContext, step: boolean): void {
  queueOf(ctx).stepping = step;
}

/** Whether a request should wait for the running step's stop rather than be refused. */
export function mayQueue(ctx: SessionContext, command: string): boolean {
  return ctx.running && QUEUED_STEPS.has(command) && queueOf(ctx).stepping;
}

/** Resolves once the running step has stopped and this request's turn has come; rejects if the run is given up. */
export function afterStep(ctx: SessionContext): Promise<void> {
  const q = queueOf(ctx);
  if (q.waiting.length >= MAX_QUEUED) return Promise.reject(new UserError(`${RUNNING} (${MAX_QUEUED} steps are already waiting for it)`));
  return new Promise((resolve, reject) => {
    const w = {
      go: () => {
        clearTimeout(timer);
        resolve();
      },
      drop: (why: string) => {
        clearTimeout(timer);
        reject(new UserError(why));
      },
    };
    const timer = setTimeout(() => {
      const i = q.waiting.indexOf(w);
      if (i >= 0) q.waiting.splice(i, 1);
      reject(new UserError(RUNNING));
    }, MAX_WAIT_MS);
    q.waiting.push(w);
  });
}

/** The run stopped and its stop is out: the first step waiting goes next (the rest wait for its stop). */
export function runStopped(ctx: SessionContext): void {
  const q = queueOf(ctx);
  q.stepping = false;
  q.waiting.shift()?.go();
}

/** A pause, terminate, restart or disconnect: the steps waiting are not taken. */
export function dropQueued(ctx: SessionContext, why: string): void {
  const q = queueOf(ctx);
  q.stepping = false;
  for (const w of q.waiting.splice(0)) w.drop(why);
}
