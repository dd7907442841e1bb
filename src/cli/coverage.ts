import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Coverage, coverageFromLcov, escapeControls, functionTable, lcovText, parseLcov, patchReport, REGISTRY } from '../sim';
import type { Io, RunOptions } from './run';
import { runFile } from './run';

/** Tracefiles kstep reads back are its own: a few MB at most. */
const MAX_TRACEFILE_BYTES = 64 * 1024 * 1024;

export function hasLcov(args: readonly string[]): boolean {
  return args.some((a) => a === '--lcov' || a.startsWith('--lcov='));
}

/** `kstep run --lcov <out> <files...>`: each scenario in turn, then the tracefile of all of them. */
export function runWithLcov(args: readonly string[], io: Io): number {
  const t = takeLcov(args);
  if (t.error || t.lcov === undefined) {
    io.err(t.error ?? 'kstep run: --lcov needs a file to write');
    return 2;
  }
  const files = t.rest.filter((a) => !a.startsWith('--'));
  const flags = t.rest.filter((a) => a.startsWith('--'));
  const unknown = flags.filter((f) => f !== '--trace' && f !== '--debug' && f !== '--bail' && !f.startsWith('--max-steps='));
  if (unknown.length || !files.length) {
    io.err(unknown.length ? `kstep run: unknown option with --lcov: ${unknown.join(', ')}` : 'kstep run: give the scenario files to run');
    return 2;
  }
  const budget = flags.filter((a) => a.startsWith('--max-steps=')).map((a) => Number(a.slice('--max-steps='.length)));
  const maxSteps = budget[budget.length - 1];
  if (maxSteps !== undefined && !(Number.isSafeInteger(maxSteps) && maxSteps > 0)) {
    io.err('kstep run: --max-steps needs a positive whole number');
    return 2;
  }
  const cov = new Coverage(REGISTRY.coverageLayout);
  const opts = { json: false, trace: flags.includes('--trace'), debug: flags.includes('--debug'), bail: flags.includes('--bail'), ...(maxSteps ? { maxSteps } : {}) };
  const code = runFiles(files, opts, io, cov);
  return Math.max(code, writeLcov(t.lcov, cov, io));
}

/** Takes `--lcov <file>` / `--lcov=<file>` out of `kstep run`'s arguments. */
export function takeLcov(args: readonly string[]): { rest: string[]; lcov?: string; error?: string } {
  const rest: string[] = [];
  let lcov: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '--lcov') {
      const v = args[i + 1];
      if (v === undefined || v.startsWith('--')) return { rest, error: 'kstep run: --lcov needs a file to write' };
      lcov = v;
      i++;
    } else if (a.startsWith('--lcov=')) {
      lcov = a.slice('--lcov='.length);
      if (!lcov) return { rest, error: 'kstep run: --lcov needs a file to write' };
    } else rest.push(a);
  }
  return { rest, ...(lcov !== undefined ? { lcov } : {}) };
}

/**
 * Runs scenarios one after the other, each with its own machine, adding what
 * each reaches into `cov`; the exit code is the worst of theirs.
 */
export function runFiles(files: readonly string[], opts: RunOptions, io: Io, cov?: Coverage): number {
  let code = 0;
  for (const f of files) {
    const run = cov ? new Coverage(cov.layout) : undefined;
    code = Math.max(code, runFile(f, run ? { ...opts, coverage: run } : opts, io));
    if (cov && run) cov.add(run);
  }
  return code;
}

/** Writes the tracefile; 0, or 2 when it cannot be written. */
export function writeLcov(path: string, cov: Coverage, io: Io): number {
  try {
    writeFileSync(path, lcovText(cov));
    return 0;
  } catch (e) {
    io.err(`kstep: cannot write ${path}: ${message(e)}`);
    return 2;
  }
}

/**
 * `kstep coverage [--patches] <files...>`: runs each `.kstep` file and reads
 * every other file as a tracefile kstep wrote, then prints the per-function
 * table (or, with --patches, the per-reference-patch report). The scenarios'
 * own output is not printed; their failures are, on stderr.
 */
export function coverageCommand(args: readonly string[], io: Io): number {
  const flags = args.filter((a) => a.startsWith('--'));
  const files = args.filter((a) => !a.startsWith('--'));
  const listings = flags.filter((f) => f.startsWith('--listings=')).map((f) => f.slice('--listings='.length));
  if (listings.length) return writeListings(listings[listings.length - 1] as string, io);
  const unknown = flags.filter((f) => f !== '--patches');
  if (unknown.length || !files.length) {
    io.err(unknown.length ? `kstep coverage: unknown option ${unknown.join(', ')}` : 'kstep coverage: give scenario files (.kstep) or lcov tracefiles');
    return 2;
  }
  const layout = REGISTRY.coverageLayout;
  const cov = new Coverage(layout);
  const quiet: Io = { out: () => undefined, err: io.err };
  let code = runFiles(
    files.filter((f) => f.endsWith('.kstep')),
    { json: false, trace: false },
    quiet,
    cov,
  );
  for (const f of files.filter((x) => !x.endsWith('.kstep'))) {
    try {
      if (statSync(f).size > MAX_TRACEFILE_BYTES) throw new Error(`larger than ${MAX_TRACEFILE_BYTES} bytes`);
      const text = readFileSync(f, 'utf8');
      cov.add(coverageFromLcov(layout, parseLcov(text)));
    } catch (e) {
      io.err(`kstep coverage: ${f}: ${message(e)}`);
      code = Math.max(code, 2);
    }
  }
  io.out(flags.includes('--patches') ? patchReport(cov) : functionTable(cov));
  return code;
}

/**
 * `kstep coverage --listings=<dir>`: every kernel listing as the file its
 * tracefile SF names under `dir`, so `genhtml out.info` run there finds them.
 */
function writeListings(dir: string, io: Io): number {
  if (!dir) {
    io.err('kstep coverage: --listings needs a directory');
    return 2;
  }
  try {
    for (const src of REGISTRY.sources) {
      // The paths are kstep's own, never from input; still, nothing may land outside dir.
      if (src.path.split('/').some((p) => p === '..' || p === '') || src.path.startsWith('/')) throw new Error(`listing path ${src.path}`);
      const out = join(dir, src.path);
      mkdirSync(dirname(out), { recursive: true });
      writeFileSync(out, `${src.lines.join('\n')}\n`);
    }
    return 0;
  } catch (e) {
    io.err(`kstep coverage: cannot write the listings under ${dir}: ${message(e)}`);
    return 2;
  }
}

function message(e: unknown): string {
  return escapeControls((e instanceof Error ? e.message : String(e)).split('\n')[0] ?? '');
}
