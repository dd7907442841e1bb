import type { Coverage } from './counters';

/**
 * A standard lcov tracefile (geninfo's format: TN, then per source file SF,
 * FN/FNDA/FNF/FNH, BRDA/BRF/BRH, DA/LF/LH, end_of_record), one SF per kernel
 * listing under the path the debugger shows for it, sorted by path, so the
 * same runs always give the same bytes. A branch whose function was never
 * entered has `-` counts (lcov: its block never ran).
 */
export function lcovText(cov: Coverage, testName = 'kstep'): string {
  const { layout } = cov;
  const out: string[] = [];
  const sources = [...layout.sources].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const src of sources) {
    out.push(`TN:${testName}`, `SF:${src.path}`);
    const fns = layout.functions.map((fn, i) => ({ fn, i })).filter((f) => f.fn.source === src);
    fns.sort((a, b) => a.fn.line - b.fn.line);
    for (const { fn } of fns) out.push(`FN:${fn.line},${fn.name}`);
    for (const { fn, i } of fns) out.push(`FNDA:${cov.functions[i] ?? 0},${fn.name}`);
    out.push(`FNF:${fns.length}`, `FNH:${fns.filter((f) => (cov.functions[f.i] ?? 0) > 0).length}`);
    let brf = 0;
    let brh = 0;
    layout.branches.forEach((b, i) => {
      if (b.fn.source !== src) return;
      const then = cov.branches[2 * i] ?? 0;
      const past = cov.branches[2 * i + 1] ?? 0;
      const fnRan = (cov.functions[layout.slot(b.fn)?.index ?? -1] ?? 0) > 0;
      const shown = (n: number): string => (fnRan ? String(n) : '-');
      out.push(`BRDA:${b.line},0,0,${shown(then)}`, `BRDA:${b.line},0,1,${shown(past)}`);
      brf += 2;
      brh += (then > 0 ? 1 : 0) + (past > 0 ? 1 : 0);
    });
    out.push(`BRF:${brf}`, `BRH:${brh}`);
    let lf = 0;
    let lh = 0;
    layout.points.forEach((p, i) => {
      if (p.source !== src) return;
      const n = cov.points[i] ?? 0;
      out.push(`DA:${p.line},${n}`);
      lf++;
      if (n > 0) lh++;
    });
    out.push(`LF:${lf}`, `LH:${lh}`, 'end_of_record');
  }
  return `${out.join('\n')}\n`;
}
