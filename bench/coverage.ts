import { Coverage, createSimulation, loadScenario, REGISTRY } from '../src/sim';
import { reportPairs, time } from './report';

/** Faults and the resv_map statements in a loop: about a million kernel step points over many listings. */
const SCENARIO = `
hugetlb file f
mmap 0x7f0000000000 4M
repeat 20000 {
  region_chg f 0 5
  region_add f 0 5
  region_del f 0 5
}
repeat 3000 {
  madvise 0x7f0000000000 4M MADV_DONTNEED
  write 0x7f0000000000 1
  write 0x7f0000001000 1
  write 0x7f0000002000 1
  read 0x7f0000003000
}
`;

/**
 * What counting coverage costs a headless run: the same scenario with a
 * Coverage charged at every kernel step point, against none (the engine's
 * one branch).
 */
export function benchCoverage(): void {
  const { program, diagnostics } = loadScenario('coverage.kstep', SCENARIO);
  if (diagnostics.length) throw new Error(diagnostics.map((d) => d.message).join('; '));
  let points = 0;
  const runOnce = (cov: boolean): number =>
    time(() => {
      const m = createSimulation(program, cov ? { coverage: new Coverage(REGISTRY.coverageLayout) } : {}).machine;
      const stop = m.resume('continue');
      if (stop.reason !== 'end') throw new Error(`coverage bench stopped: ${stop.reason}`);
      points = m.step;
    });
  runOnce(true);
  reportPairs(
    { name: 'coverage_counting_headless_run', unit: 'ms', baseline: 'the same run without coverage', goal: 'ratio <= 1.3', note: `${points} step points` },
    5,
    () => runOnce(true),
    () => runOnce(false),
  );
}
