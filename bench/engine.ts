import { createSimulation, loadScenario } from '../src/sim';
import type { Machine } from '../src/sim/core/machine';
import { reverseByMarks, reverseByReplay } from '../src/sim/core/reverse';
import { median, report, reportPairs, time } from './report';

const N = 1_000_000;

function machineFor(body: string, history = false): Machine {
  const { program, diagnostics } = loadScenario('bench.kstep', `hugetlb file f\nrepeat ${N} {\n  ${body}\n}\n`);
  if (diagnostics.length) throw new Error(diagnostics[0]?.message);
  return createSimulation(program, { history }).machine;
}

/**
 * Statements per second through the step engine for a 1,000,000-statement
 * repeat, against calling the same statement's executor directly in a loop
 * (the floor: what the statement itself costs without the engine).
 */
export function benchStatements(): void {
  for (const body of ['expect time.ns == 0', 'region_count f 0 1']) {
    const runs: number[] = [];
    for (let r = 0; r < 3; r++) {
      const m = machineFor(body);
      runs.push(time(() => m.resume('continue')));
    }
    const ms = median(runs);
    const floorRuns: number[] = [];
    for (let r = 0; r < 3; r++) {
      const m = machineFor(body);
      m.resume('over'); // past `hugetlb file f`
      m.resume('over'); // past `repeat`: at the body statement
      const exec = (m.control.current ?? { exec: () => undefined }).exec;
      floorRuns.push(
        time(() => {
          for (let i = 0; i < N; i++) {
            const g = exec(m);
            if (typeof g === 'object') m.drain(g);
          }
        }),
      );
    }
    const floor = median(floorRuns);
    report({
      name: `statements_per_second[${body}]`,
      value: (N / ms) * 1000,
      unit: 'statements/s',
      baseline: { name: 'direct executor calls, no engine', value: (N / floor) * 1000 },
      goal: '>= 1000000 headless',
    });
  }
}

/**
 * Stepping back with 1,000,000 step points of history: one stepBack at the
 * end, and a jump across the whole history to the first step point, against
 * replaying the whole history from the start (what history without
 * snapshots would cost).
 */
export function benchHistory(): void {
  const { program } = loadScenario('bench.kstep', `hugetlb file f\nrepeat ${Math.floor(N / 3)} {\n  region_count f 0 1\n}\n`);
  global.gc?.();
  const heap0 = process.memoryUsage().heapUsed;
  const m = createSimulation(program, { history: true }).machine;
  const runMs = time(() => m.resume('continue'));
  global.gc?.();
  const heap1 = process.memoryUsage().heapUsed;
  const steps = m.step;
  const h = m.history;
  if (!h) throw new Error('no history');
  const backs: number[] = [];
  for (let i = 0; i < 20; i++) {
    backs.push(time(() => m.stepBack()));
  }
  const acrossAll = median([0, 1, 2].map(() => {
    m.goto(steps);
    return time(() => m.goto(0));
  }));
  const mid = median([0, 1, 2].map(() => {
    m.goto(steps);
    return time(() => m.goto(Math.floor(steps / 2) + 1));
  }));
  const replay = time(() => {
    const fresh = createSimulation(program, { history: false }).machine;
    fresh.resume('continue');
  });
  report({ name: 'step_points_of_history', value: steps, unit: 'step points', note: `recorded in ${Math.round(runMs)} ms` });
  report({
    name: 'step_back_at_1M_step_points',
    value: median(backs),
    unit: 'ms',
    baseline: { name: 'replay of the whole history from the start', value: replay },
    goal: '<= 10 ms',
  });
  report({ name: 'goto_first_step_across_1M_step_points', value: acrossAll, unit: 'ms', baseline: { name: 'replay of the whole history from the start', value: replay }, goal: '<= 10 ms' });
  report({ name: 'goto_middle_of_1M_step_points', value: mid, unit: 'ms', baseline: { name: 'replay of the whole history from the start', value: replay } });
  const bytes = heap1 - heap0;
  report({
    name: 'history_memory',
    value: bytes / steps,
    unit: 'bytes/step point',
    note: `${(bytes / 2 ** 20).toFixed(1)} MiB heap for ${steps} step points: ${h.snaps.length} snapshots + ${(h.markBytes() / 2 ** 20).toFixed(1)} MiB of step marks${global.gc ? '' : ' (run node with --expose-gc for a steadier figure)'}`,
  });
}

/**
 * Stepping back while a big resv_map changes every statement: snapshots
 * share the map's unchanged chunks, so they can stay close together.
 * Baseline: the same stepBack on a map of one region.
 */
export function benchHistoryBigMap(): void {
  const build = (n: number): Machine => {
    const { program } = loadScenario('bench.kstep', `hugetlb file f\nrepeat ${n} {\n  region_chg f time.ns*2 time.ns*2+1\n  region_add f time.ns*2 time.ns*2+1\n  advance 1ns\n}\n`);
    const m = createSimulation(program, { history: true }).machine;
    m.resume('continue');
    return m;
  };
  const backs = (m: Machine): number => median(Array.from({ length: 21 }, () => time(() => m.stepBack())));
  const big = build(300_000);
  const bigMs = backs(big);
  const steps = big.step;
  const small = build(1);
  report({
    name: 'step_back_with_300k_region_map',
    value: bigMs,
    unit: 'ms',
    baseline: { name: 'stepBack with a one-region map', value: backs(small) },
    goal: '<= 10 ms',
    note: `${steps} step points of history, ${big.history?.snaps.length ?? 0} snapshots`,
  });
}

/**
 * reverseContinue with no breakpoint over 3,000,000 step points of history
 * (every default exception filter on): the step marks know there is nothing
 * to stop at, against the replay search, which replays the whole history.
 * Interleaved pairs.
 */
export function benchReverseContinue(): void {
  const { program } = loadScenario('bench.kstep', `hugetlb file f\nrepeat ${N} {\n  region_count f 0 1\n}\n`);
  const m = createSimulation(program, { history: true }).machine;
  m.resume('continue');
  const end = m.step;
  const h = m.history;
  if (!h) throw new Error('no history');
  const drain = (g: Generator<void, unknown, void>): void => {
    while (!g.next().done) {
      // run the search to its stop
    }
  };
  const search = (how: typeof reverseByMarks): number => {
    m.goto(end);
    return time(() => drain(how(m, h)));
  };
  reportPairs(
    { name: 'reverse_continue_no_breakpoint_3M_step_points', unit: 'ms', baseline: 'the same search by replay', goal: '<= 10 ms', note: `${end} step points, ${h.snaps.length} snapshots` },
    5,
    () => search(reverseByMarks),
    () => search(reverseByReplay),
  );
}
