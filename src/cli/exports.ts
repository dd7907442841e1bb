import { writeFileSync } from 'node:fs';
import type { Program } from '../sim';
import { createSimulation, DEFAULT_MAX_STEPS, errorText, ftraceText, perfettoTrace } from '../sim';
import type { Io } from './run';

/** `kstep run --perfetto <file>` and `--ftrace`. */
export interface ExportOptions {
  readonly perfetto?: string;
  readonly ftrace?: boolean;
}

/**
 * Takes `--perfetto <file>`, `--perfetto=<file>` and `--ftrace` out of the
 * arguments of `kstep run` (in place), so the rest parse as before. A
 * string is a usage error.
 */
export function takeExportArgs(args: string[]): ExportOptions | string {
  const out: { perfetto?: string; ftrace?: boolean } = {};
  for (let i = 0; i < args.length; ) {
    const a = args[i] as string;
    if (a === '--ftrace') {
      out.ftrace = true;
      args.splice(i, 1);
    } else if (a === '--perfetto' || a.startsWith('--perfetto=')) {
      const inline = a.startsWith('--perfetto=');
      const file = inline ? a.slice('--perfetto='.length) : args[i + 1];
      if (!file || file.startsWith('--')) return '--perfetto needs a file to write the trace to';
      out.perfetto = file;
      args.splice(i, inline ? 1 : 2);
    } else i++;
  }
  return out;
}

/**
 * Runs the scenario once more on a fresh machine and writes what was asked
 * for: the Perfetto JSON to its file, the ftrace text on `print`. The run's
 * own outcome is already reported; an export that cannot be written is a
 * usage error (2).
 */
export function writeExports(program: Program, opts: ExportOptions & { maxSteps?: number }, print: (line: string) => void, io: Io): number | undefined {
  const fresh = () => createSimulation(program, { maxSteps: opts.maxSteps ?? DEFAULT_MAX_STEPS });
  if (opts.perfetto !== undefined) {
    try {
      writeFileSync(opts.perfetto, `${JSON.stringify(perfettoTrace(fresh()))}\n`);
    } catch (e) {
      io.err(`kstep run: cannot write the Perfetto trace to ${opts.perfetto}: ${errorText(e)}`);
      return 2;
    }
  }
  if (opts.ftrace) ftraceText(fresh(), print);
  return undefined;
}
