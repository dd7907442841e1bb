import type { Program } from '../sim';
import { formatDiagnostic, loadScenario, readScenarioFile } from '../sim';
import type { Io } from './run';

/** A parsed program, or the exit code after its errors are reported: 2 for the file or the scenario, 3 for kstep. */
export type Loaded = { readonly program: Program } | { readonly code: number };

/** Parses a scenario the commands run; every diagnostic goes to stderr, then a count, as `kstep run` reports them. */
export function checkProgram(file: string, source: string, io: Io): Loaded {
  const { program, diagnostics, warnings } = loadScenario(file, source);
  for (const d of warnings ?? []) io.err(formatDiagnostic(d));
  if (!diagnostics.length) return { program };
  for (const d of diagnostics) io.err(formatDiagnostic(d));
  const total = diagnostics.reduce((n, d) => n + (d.omitted ?? 1), 0);
  io.err(`${total} error${total > 1 ? 's' : ''}; nothing was run`);
  return { code: diagnostics.some((d) => d.internal) ? 3 : 2 };
}

/** Reads and parses a scenario file (a missing or oversized file says so, exit 2). */
export function readProgram(file: string, io: Io): Loaded {
  const read = readScenarioFile(file);
  if ('error' in read) {
    io.err(`kstep: ${read.error}`);
    return { code: 2 };
  }
  return checkProgram(file, read.source, io);
}
