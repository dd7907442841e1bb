import type { Coverage } from './counters';
import { listingCoverage } from './files';

/**
 * A standard lcov tracefile (geninfo's format: TN, then per source file SF,
 * FN/FNDA/FNF/FNH, BRDA/BRF/BRH, DA/LF/LH, end_of_record), one SF per kernel
 * listing under the path the debugger shows for it, sorted by path, so the
 * same runs always give the same bytes. A branch whose function was never
 * entered has `-` counts (lcov: its block never ran).
 */
export function lcovText(cov: Coverage, testName = 'kstep'): string {
  const out: string[] = [];
  for (const f of listingCoverage(cov)) {
    out.push(`TN:${testName}`, `SF:${f.path}`);
    for (const fn of f.functions) out.push(`FN:${fn.line},${fn.name}`);
    for (const fn of f.functions) out.push(`FNDA:${fn.hits},${fn.name}`);
    out.push(`FNF:${f.functions.length}`, `FNH:${f.functions.filter((fn) => fn.hits > 0).length}`);
    for (const b of f.branches) {
      const shown = (n: number): string => (b.entered ? String(n) : '-');
      out.push(`BRDA:${b.line},0,0,${shown(b.taken)}`, `BRDA:${b.line},0,1,${shown(b.notTaken)}`);
    }
    out.push(`BRF:${2 * f.branches.length}`, `BRH:${f.branches.reduce((n, b) => n + (b.taken > 0 ? 1 : 0) + (b.notTaken > 0 ? 1 : 0), 0)}`);
    for (const s of f.statements) out.push(`DA:${s.line},${s.hits}`);
    out.push(`LF:${f.statements.length}`, `LH:${f.statements.filter((s) => s.hits > 0).length}`, 'end_of_record');
  }
  return `${out.join('\n')}\n`;
}
