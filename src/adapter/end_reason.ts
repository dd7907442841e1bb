import type { Stop } from '../sim';
import type { SessionContext } from './context';

/**
 * What the `end` stop says. A scenario that stopped at a run-time error
 * (a scenario error, a kernel BUG, an internal error) ends there: continuing
 * from the error stops once more on the same line, and that stop says why,
 * instead of reading as if the scenario had run to its last line.
 */
export function endDescription(ctx: SessionContext, previous: Stop | undefined): { description: string; text?: string } {
  const m = ctx.machine;
  if (!m.dead) return { description: 'End of the scenario: step back to look again, or continue to finish' };
  const line = m.statement?.line ?? previous?.exception?.line;
  const at = line !== undefined ? ` on line ${line}` : '';
  const why = previous?.exception?.message;
  return {
    description: `The scenario ended at its error${at}: nothing after it ran. Step back to look again, or continue to finish`,
    ...(why !== undefined ? { text: why } : {}),
  };
}
