import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { runFile } from '../../src/cli/run';
import { Coverage, REGISTRY } from '../../src/sim';
import { ROOT } from '../support/kit';

/** The repository's own scenarios: test/scenarios and examples. */
export const SUITE = ['test/scenarios', 'examples'].flatMap((d) =>
  readdirSync(join(ROOT, d))
    .filter((f) => f.endsWith('.kstep'))
    .sort()
    .map((f) => join(ROOT, d, f)),
);

/** The coverage of `files` run one after the other, as `kstep run --lcov` adds it up. */
export function suiteCoverage(files: readonly string[] = SUITE): Coverage {
  const cov = new Coverage(REGISTRY.coverageLayout);
  for (const f of files) {
    const one = new Coverage(cov.layout);
    const code = runFile(f, { json: false, trace: false, coverage: one }, { out: () => undefined, err: () => undefined });
    if (code !== 0) throw new Error(`${f} exited ${code}`);
    cov.add(one);
  }
  return cov;
}
