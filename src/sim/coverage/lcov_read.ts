import { Coverage } from './counters';
import type { CoverageLayout } from './layout';
import type { LcovFile } from './lcov_parse';
import { LcovError } from './lcov_parse';

/**
 * Counts from tracefiles kstep wrote, added into a Coverage over `layout`:
 * a source, function, line or branch the listings do not have is an error
 * (the tracefile came from another kstep or another program).
 */
export function coverageFromLcov(layout: CoverageLayout, files: readonly LcovFile[]): Coverage {
  const cov = new Coverage(layout);
  const sources = new Map(layout.sources.map((s) => [s.path, s]));
  // Tracefiles may be large: look lines up, do not scan for them.
  const pointOf = new Map(layout.points.map((p, i) => [`${p.source.path}\0${p.line}`, i]));
  const branchOf = new Map(layout.branches.map((b, i) => [`${b.fn.source.path}\0${b.line}`, i]));
  for (const f of files) {
    const src = sources.get(f.path);
    if (!src) throw new LcovError(`${f.path} is not a kernel listing of this kstep`);
    for (const fn of f.functions) {
      const kfn = src.functions.get(fn.name);
      const slot = kfn && layout.slot(kfn);
      if (!kfn || !slot || kfn.line !== fn.line) throw new LcovError(`${f.path}: no function ${fn.name} at line ${fn.line}`);
      cov.functions[slot.index] = (cov.functions[slot.index] ?? 0) + fn.hits;
    }
    for (const [line, hits] of f.lines) {
      const p = pointOf.get(`${f.path}\0${line}`) ?? -1;
      if (p < 0) throw new LcovError(`${f.path}:${line} is not a step point`);
      cov.points[p] = (cov.points[p] ?? 0) + hits;
    }
    for (const [line, block, branch, taken] of f.branches) {
      const b = branchOf.get(`${f.path}\0${line}`) ?? -1;
      if (b < 0 || block !== 0 || branch > 1) throw new LcovError(`${f.path}:${line} has no branch ${block},${branch}`);
      cov.branches[2 * b + branch] = (cov.branches[2 * b + branch] ?? 0) + (taken ?? 0);
    }
  }
  return cov;
}
