import type { Coverage } from './counters';
import { PATCH_TABLES } from './patch_lines';
import type { PatchTable } from './patch_map';
import { ran, witnessOf } from './witness';

export interface PatchLine {
  /** Line of the reference post. */
  readonly at: number;
  readonly hunk: string;
  readonly listing: string;
  readonly line: number;
  readonly text: string;
  readonly exercised: boolean;
}

export interface PatchCoverage {
  readonly id: string;
  readonly title: string;
  readonly codeLines: number;
  /** The added lines a listing renders (the simulation models them), each with whether the runs reached it. */
  readonly lines: readonly PatchLine[];
}

/** Per reference patch, which of its added lines that the listings render the runs exercised (see witness.ts for "exercised"). */
export function patchCoverage(cov: Coverage, tables: readonly PatchTable[] = PATCH_TABLES): PatchCoverage[] {
  const sources = new Map(cov.layout.sources.map((s) => [s.path, s]));
  return tables.map((t) => ({
    id: t.id,
    title: t.title,
    codeLines: t.codeLines,
    lines: t.lines.map(([at, h, listing, line, text]) => {
      const src = sources.get(listing);
      const w = src && witnessOf(cov.layout, src, line);
      return { at, hunk: t.hunks[h] ?? '', listing, line, text, exercised: w !== undefined && ran(cov, w) };
    }),
  }));
}

/** `kstep coverage --patches`: a table per patch, then every modelled line no run reached. */
export function patchReport(cov: Coverage, tables: readonly PatchTable[] = PATCH_TABLES): string {
  const pcs = patchCoverage(cov, tables);
  const out = ['patch  added code lines  modelled  exercised  title'];
  for (const p of pcs) {
    const hit = p.lines.filter((l) => l.exercised).length;
    const pct = p.lines.length ? ` (${Math.floor((hit * 1000) / p.lines.length) / 10}%)` : '';
    out.push(`${p.id.padEnd(5)}  ${String(p.codeLines).padStart(16)}  ${String(p.lines.length).padStart(8)}  ${`${hit}${pct}`.padStart(9)}  ${p.title}`);
  }
  for (const p of pcs) {
    const missed = p.lines.filter((l) => !l.exercised);
    if (!missed.length) continue;
    out.push('', `${p.id}: ${missed.length} modelled line${missed.length > 1 ? 's' : ''} not exercised:`);
    for (const l of missed) out.push(`  ${p.id}:${l.at}  ${l.listing}:${l.line}  ${l.text}`);
  }
  return out.join('\n');
}
