/**
 * Kernel coverage for the Test Explorer (pure: no vscode): a run's
 * per-listing counts added up over the scenarios of a test run, each listing
 * remembering which scenarios reached it.
 */
import type { ListingCoverage } from '../sim';

export interface Counted {
  readonly covered: number;
  readonly total: number;
}

export interface ListingTotals {
  readonly path: string;
  /** Per step point: its 0-based line and hits. */
  readonly statements: Array<{ line: number; hits: number }>;
  /** Per listing branch: its `if`'s 0-based line, and hits into and past the then-block. */
  readonly branches: Array<{ line: number; taken: number; notTaken: number }>;
  readonly functions: Array<{ name: string; line: number; hits: number }>;
  /** The ids of the scenarios whose runs entered this listing, in the order they ran. */
  readonly tests: string[];
}

/** Adds up listings over a test run; `add` a scenario's coverage as it finishes. */
export class RunCoverage {
  private readonly byPath = new Map<string, ListingTotals>();

  add(testId: string, listings: readonly ListingCoverage[]): void {
    for (const l of listings) {
      const t = this.byPath.get(l.path);
      if (!t) {
        this.byPath.set(l.path, {
          path: l.path,
          statements: l.statements.map((s) => ({ line: s.line - 1, hits: s.hits })),
          branches: l.branches.map((b) => ({ line: b.line - 1, taken: b.taken, notTaken: b.notTaken })),
          functions: l.functions.map((f) => ({ name: f.name, line: f.line - 1, hits: f.hits })),
          tests: [testId],
        });
        continue;
      }
      // The same layout on every run: entries match by index.
      l.statements.forEach((s, i) => t.statements[i] && (t.statements[i].hits += s.hits));
      l.branches.forEach((b, i) => {
        const tb = t.branches[i];
        if (!tb) return;
        tb.taken += b.taken;
        tb.notTaken += b.notTaken;
      });
      l.functions.forEach((f, i) => t.functions[i] && (t.functions[i].hits += f.hits));
      if (!t.tests.includes(testId)) t.tests.push(testId);
    }
  }

  listings(): ListingTotals[] {
    return [...this.byPath.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  get(path: string): ListingTotals | undefined {
    return this.byPath.get(path);
  }
}

/** Covered/total per kind, as the Test Coverage view shows them; a branch is two (then, past). */
export function summary(t: ListingTotals): { statements: Counted; branches: Counted; functions: Counted } {
  return {
    statements: { covered: t.statements.filter((s) => s.hits > 0).length, total: t.statements.length },
    branches: { covered: t.branches.reduce((n, b) => n + (b.taken > 0 ? 1 : 0) + (b.notTaken > 0 ? 1 : 0), 0), total: t.branches.length * 2 },
    functions: { covered: t.functions.filter((f) => f.hits > 0).length, total: t.functions.length },
  };
}
