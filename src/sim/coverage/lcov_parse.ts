/**
 * A strict reader of lcov tracefiles: every record is checked for its shape,
 * every SF section must end with end_of_record, and the summary records
 * (FNF/FNH, BRF/BRH, LF/LH) must agree with the records they summarise.
 * The first fault is an error naming its line.
 */

export interface LcovFile {
  readonly test: string;
  readonly path: string;
  readonly functions: ReadonlyArray<{ readonly name: string; readonly line: number; readonly hits: number }>;
  /** [line, block, branch, taken or undefined for `-`]. */
  readonly branches: ReadonlyArray<readonly [number, number, number, number | undefined]>;
  readonly lines: ReadonlyArray<readonly [number, number]>;
}

export class LcovError extends Error {}

const COUNT = /^\d+$/;

function num(s: string | undefined, what: string, at: number): number {
  if (s === undefined || !COUNT.test(s) || !Number.isSafeInteger(Number(s))) throw new LcovError(`line ${at}: ${what} is not a whole number below 2^53: '${(s ?? '').slice(0, 40)}'`);
  return Number(s);
}

export function parseLcov(text: string): LcovFile[] {
  const files: LcovFile[] = [];
  let test = '';
  let cur: { path: string; fnLine: Map<string, number>; fnHits: Map<string, number>; branches: Array<[number, number, number, number | undefined]>; lines: Map<number, number>; sums: Map<string, number> } | undefined;
  const rows = text.split('\n');
  if (rows[rows.length - 1] === '') rows.pop();
  rows.forEach((row, i) => {
    const at = i + 1;
    const colon = row.indexOf(':');
    const tag = colon < 0 ? row : row.slice(0, colon);
    const val = colon < 0 ? '' : row.slice(colon + 1);
    if (tag === 'TN') {
      if (cur) throw new LcovError(`line ${at}: TN inside a source section`);
      test = val;
      return;
    }
    if (tag === 'SF') {
      if (cur) throw new LcovError(`line ${at}: SF before end_of_record`);
      if (!val) throw new LcovError(`line ${at}: SF without a path`);
      cur = { path: val, fnLine: new Map(), fnHits: new Map(), branches: [], lines: new Map(), sums: new Map() };
      return;
    }
    if (!cur) throw new LcovError(`line ${at}: '${tag}' outside a source section`);
    const parts = val.split(',');
    switch (tag) {
      case 'FN': {
        if (parts.length !== 2 || !parts[1]) throw new LcovError(`line ${at}: FN needs <line>,<name>`);
        if (cur.fnLine.has(parts[1])) throw new LcovError(`line ${at}: function ${parts[1]} twice`);
        cur.fnLine.set(parts[1], num(parts[0], 'FN line', at));
        return;
      }
      case 'FNDA': {
        if (parts.length !== 2 || !parts[1]) throw new LcovError(`line ${at}: FNDA needs <count>,<name>`);
        if (!cur.fnLine.has(parts[1])) throw new LcovError(`line ${at}: FNDA for ${parts[1]}, which has no FN`);
        cur.fnHits.set(parts[1], num(parts[0], 'FNDA count', at));
        return;
      }
      case 'BRDA': {
        if (parts.length !== 4) throw new LcovError(`line ${at}: BRDA needs <line>,<block>,<branch>,<taken>`);
        const taken = parts[3] === '-' ? undefined : num(parts[3], 'BRDA taken', at);
        cur.branches.push([num(parts[0], 'BRDA line', at), num(parts[1], 'BRDA block', at), num(parts[2], 'BRDA branch', at), taken]);
        return;
      }
      case 'DA': {
        if (parts.length !== 2 && parts.length !== 3) throw new LcovError(`line ${at}: DA needs <line>,<count>`);
        const line = num(parts[0], 'DA line', at);
        if (line < 1) throw new LcovError(`line ${at}: DA line 0`);
        if (cur.lines.has(line)) throw new LcovError(`line ${at}: DA for line ${line} twice`);
        cur.lines.set(line, num(parts[1], 'DA count', at));
        return;
      }
      case 'FNF':
      case 'FNH':
      case 'BRF':
      case 'BRH':
      case 'LF':
      case 'LH':
        if (cur.sums.has(tag)) throw new LcovError(`line ${at}: ${tag} twice`);
        cur.sums.set(tag, num(val, tag, at));
        return;
      case 'end_of_record': {
        if (val) throw new LcovError(`line ${at}: end_of_record takes no value`);
        const c = cur;
        const want: Record<string, number> = {
          FNF: c.fnLine.size,
          FNH: [...c.fnHits.values()].filter((n) => n > 0).length,
          BRF: c.branches.length,
          BRH: c.branches.filter((b) => (b[3] ?? 0) > 0).length,
          LF: c.lines.size,
          LH: [...c.lines.values()].filter((n) => n > 0).length,
        };
        for (const [k, v] of Object.entries(want)) {
          const got = c.sums.get(k);
          if (got === undefined) throw new LcovError(`line ${at}: ${c.path} has no ${k}`);
          if (got !== v) throw new LcovError(`line ${at}: ${c.path}: ${k}:${got} but its records count ${v}`);
        }
        for (const name of c.fnLine.keys()) if (!c.fnHits.has(name)) throw new LcovError(`line ${at}: ${c.path}: ${name} has no FNDA`);
        files.push({
          test,
          path: c.path,
          functions: [...c.fnLine].map(([name, line]) => ({ name, line, hits: c.fnHits.get(name) ?? 0 })),
          branches: c.branches,
          lines: [...c.lines],
        });
        cur = undefined;
        return;
      }
      default:
        throw new LcovError(`line ${at}: unknown record '${tag}'`);
    }
  });
  if (cur) throw new LcovError(`${cur.path}: no end_of_record`);
  return files;
}
