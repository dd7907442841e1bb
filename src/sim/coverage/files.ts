import type { Coverage } from './counters';

/** One listing's counts, in line order: what lcov writes and what an editor paints. */
export interface ListingCoverage {
  /** The listing's path as the debugger names it (`mm/hugetlb.c`). */
  readonly path: string;
  readonly functions: ReadonlyArray<{ readonly name: string; readonly line: number; readonly hits: number }>;
  /** Per step point: its line and how often a run stopped there. */
  readonly statements: ReadonlyArray<{ readonly line: number; readonly hits: number }>;
  /** Per listing branch: its `if` line, how often the then-block was entered and how often passed by; `entered` false when its function never ran. */
  readonly branches: ReadonlyArray<{ readonly line: number; readonly taken: number; readonly notTaken: number; readonly entered: boolean }>;
}

/** Every listing of the layout, sorted by path. */
export function listingCoverage(cov: Coverage): ListingCoverage[] {
  const { layout } = cov;
  const sources = [...layout.sources].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return sources.map((src) => ({
    path: src.path,
    functions: layout.functions
      .map((fn, i) => ({ fn, hits: cov.functions[i] ?? 0 }))
      .filter((f) => f.fn.source === src)
      .sort((a, b) => a.fn.line - b.fn.line)
      .map((f) => ({ name: f.fn.name, line: f.fn.line, hits: f.hits })),
    statements: layout.points.flatMap((p, i) => (p.source === src ? [{ line: p.line, hits: cov.points[i] ?? 0 }] : [])),
    branches: layout.branches.flatMap((b, i) =>
      b.fn.source === src
        ? [{ line: b.line, taken: cov.branches[2 * i] ?? 0, notTaken: cov.branches[2 * i + 1] ?? 0, entered: (cov.functions[layout.slot(b.fn)?.index ?? -1] ?? 0) > 0 }]
        : [],
    ),
  }));
}
