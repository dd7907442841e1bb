import { createSimulation, loadScenario } from '../src/sim';
import type { Machine } from '../src/sim/core/machine';
import { median, reportPairs, time } from './report';

const N = 1_000_000;

/**
 * stepBack inside one long statement: a migrate of 1,000,000 pages to a
 * private device (a few step points, each after a walk over every page).
 * History keeps views of such a statement's step points, so a step back
 * restores one; the baseline is what a step back cost without them, a
 * replay from the statement's snapshot to the step point before. Each
 * sample is the median over every step point of the statement; interleaved pairs.
 */
export function benchStepBackInStatement(): void {
  const len = `${N * 4}K`;
  const src = `device gpu type=private pages=${N}\nmmap 0x100000000 ${len}\nmigrate 0x100000000 ${len} to=gpu\nread 0x100000000\n`;
  const { program, diagnostics } = loadScenario('step_back.kstep', src);
  if (diagnostics.length) throw new Error(diagnostics[0]?.message);
  const m = createSimulation(program, { history: true }).machine;
  m.resume('over');
  m.resume('over'); // at the migrate
  const first = m.step;
  m.resume('over'); // past it
  const last = m.step;
  const h = m.history;
  if (!h) throw new Error('no history');
  const points = Array.from({ length: last - first }, (_, i) => first + i);
  const replayTo = (k: number): void => {
    m.restoreSnapshot(h.snapAtOrBefore(k));
    while (m.step < k && m.transition()) {
      // the replay a step back made before views
    }
  };
  const sample = (back: (k: number) => void): number =>
    median(
      points.map((k) => {
        m.goto(k + 1);
        return time(() => back(k));
      }),
    );
  reportPairs(
    {
      name: 'step_back_inside_migrate_of_1M_pages',
      unit: 'ms',
      baseline: 'replay from the statement start (no views)',
      goal: '<= 5 ms p50',
      note: `${points.length} step points in the statement, ${h.views.length} views`,
    },
    5,
    () => sample(() => stepBackOf(m)),
    () => sample(replayTo),
  );
}

function stepBackOf(m: Machine): void {
  if (m.stepBack(true).reason !== 'step') throw new Error('stepBack did not step');
}
