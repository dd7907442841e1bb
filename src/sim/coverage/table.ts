import type { Coverage } from './counters';

export interface FunctionRow {
  readonly fn: string;
  readonly file: string;
  readonly line: number;
  /** Times entered. */
  readonly hits: number;
  readonly linesHit: number;
  readonly lines: number;
  readonly branchesHit: number;
  readonly branches: number;
}

/** One row per kernel function, by file then line. */
export function functionRows(cov: Coverage): FunctionRow[] {
  const { layout } = cov;
  const rows = layout.functions.map((fn, i) => {
    let lines = 0;
    let linesHit = 0;
    layout.points.forEach((p, k) => {
      if (p.fn !== fn) return;
      lines++;
      if ((cov.points[k] ?? 0) > 0) linesHit++;
    });
    let branches = 0;
    let branchesHit = 0;
    layout.branches.forEach((b, k) => {
      if (b.fn !== fn) return;
      branches += 2;
      branchesHit += ((cov.branches[2 * k] ?? 0) > 0 ? 1 : 0) + ((cov.branches[2 * k + 1] ?? 0) > 0 ? 1 : 0);
    });
    return { fn: fn.name, file: fn.source.path, line: fn.line, hits: cov.functions[i] ?? 0, linesHit, lines, branchesHit, branches };
  });
  return rows.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line));
}

/** The rows as an aligned text table with a total line. */
export function functionTable(cov: Coverage): string {
  const rows = functionRows(cov);
  const cells = [
    ['function', 'file', 'hits', 'lines', 'branches'],
    ...rows.map((r) => [r.fn, r.file, String(r.hits), `${r.linesHit}/${r.lines}`, `${r.branchesHit}/${r.branches}`]),
  ];
  const sum = (f: (r: FunctionRow) => number): number => rows.reduce((n, r) => n + f(r), 0);
  cells.push([
    `total: ${rows.filter((r) => r.hits > 0).length}/${rows.length} functions`,
    '',
    '',
    `${sum((r) => r.linesHit)}/${sum((r) => r.lines)}`,
    `${sum((r) => r.branchesHit)}/${sum((r) => r.branches)}`,
  ]);
  const widths = (cells[0] ?? []).map((_, c) => Math.max(...cells.map((r) => (r[c] ?? '').length)));
  return cells.map((r) => r.map((v, c) => (c >= 2 ? v.padStart(widths[c] ?? 0) : v.padEnd(widths[c] ?? 0))).join('  ').trimEnd()).join('\n');
}
