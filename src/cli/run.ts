import type { Coverage, Machine, Stop, Value } from '../sim';
import { writeExports } from './exports';
import type { KernelChoice } from '../sim';
import { checkProgram } from './load';
import { createSimulation, DEFAULT_MAX_STEPS, errorText, escapeControls, outcomeOf, readScenarioFile, showValue, stateJson } from '../sim';

export { stateJson };

export interface RunOptions {
  readonly json: boolean;
  readonly trace: boolean;
  /** Print the JavaScript stack of an internal error. */
  readonly debug?: boolean;
  /** The step budget (default DEFAULT_MAX_STEPS). */
  readonly maxSteps?: number;
  /** The work budget (default DEFAULT_MAX_WORK). */
  readonly maxWork?: number;
  /** Stop at the first failed expect (by default the run goes on and reports every one). */
  readonly bail?: boolean;
  /** Counts the kernel step points, functions and branches the run reaches (--lcov, `kstep coverage`). */
  readonly coverage?: Coverage;
  /** Write the run as Perfetto trace-event JSON to this file. */
  readonly perfetto?: string;
  /** Print the run's tracepoints in ftrace's `trace` text format. */
  readonly ftrace?: boolean;
  /** `--kernel before=004`: the kernel before a reference patch. */
  readonly kernel?: KernelChoice;
}

export interface Io {
  out(line: string): void;
  err(line: string): void;
}

/** `kstep run`: 0 when every expect held, 1 on a failed expect or kernel BUG, 2 on a scenario or usage error, 3 on an internal error. */
export function runFile(path: string, opts: RunOptions, io: Io): number {
  const read = readScenarioFile(path);
  if ('error' in read) {
    io.err(`kstep: ${read.error}`);
    return 2;
  }
  return runSource(path, read.source, opts, io);
}

export function runSource(file: string, source: string, opts: RunOptions, io: Io): number {
  try {
    return runChecked(file, source, opts, io);
  } catch (e) {
    // The engine turns a throw inside a statement into an exception; this is a throw outside any (parsing, --json).
    io.err(`${file}: internal error: ${errorText(e)}`);
    if (opts.debug && e instanceof Error && e.stack) io.err(e.stack);
    return 3;
  }
}

function runChecked(file: string, source: string, opts: RunOptions, io: Io): number {
  const loaded = checkProgram(file, source, io);
  if ('code' in loaded) return loaded.code;
  const { program } = loaded;
  // With --json, stdout carries only the JSON document.
  const print = opts.json ? io.err : io.out;
  // While tracing, a statement's own output follows its trace line.
  let held: string[] | undefined = opts.trace ? [] : undefined;
  const { machine } = createSimulation(program, {
    maxSteps: opts.maxSteps ?? DEFAULT_MAX_STEPS,
    ...(opts.maxWork ? { maxWork: opts.maxWork } : {}),
    ...(opts.coverage ? { coverage: opts.coverage } : {}),
    ...(opts.kernel ? { kernel: opts.kernel } : {}),
    output: (text, category) => {
      if (category !== 'stdout') io.err(text);
      else if (held) held.push(text);
      else print(text);
    },
  });
  const go = (resumed = false): Stop =>
    opts.trace
      ? runTraced(machine, resumed, (line) => {
          print(line);
          for (const h of held ?? []) print(`    ${h}`);
          held = [];
        })
      : machine.resume('continue');
  let stop = go();
  // A failed expect is reported and the run goes on (SCENARIO.md), unless --bail.
  let failed = false;
  while (!opts.bail && stop.reason === 'exception' && stop.exception?.kind === 'expect' && !machine.dead) {
    report(machine, stop, file, io, false);
    failed = true;
    stop = go(true);
  }
  const code = Math.max(report(machine, stop, file, io, opts.debug === true), failed ? 1 : 0);
  if (opts.trace && code === 0) {
    print(`${file.split('/').pop() ?? file}: end of scenario after ${machine.step} step points; every expect held`);
  }
  if (opts.json) io.out(JSON.stringify(stateJson(machine), null, 2));
  if (opts.perfetto !== undefined || opts.ftrace) return writeExports(program, opts, print, io) ?? code;
  return code;
}

function report(m: Machine, stop: Stop, file: string, io: Io, debug: boolean): number {
  const o = outcomeOf(m, stop);
  // A message may quote the scenario: it must not drive the terminal it is printed on.
  const message = escapeControls(o.message ?? '');
  if (o.kind === 'expect') io.err(`${file}:${o.line}: ${message}`);
  else if (o.kind === 'bug') {
    io.err(`${file}:${o.line}: ${message}`);
    io.err(kernelStack(m));
  } else if (o.kind === 'error') io.err(`${file}:${o.line}:${o.col}: error: ${message}`);
  else if (o.kind === 'internal') {
    io.err(`${file}:${o.line}: ${message}`);
    if (debug && o.stack) io.err(o.stack);
  }
  return o.code;
}

function kernelStack(m: Machine): string {
  return m.frames
    .slice()
    .reverse()
    .map((f) => `    at ${f.fn.name} (${f.fn.source.path}:${f.line})`)
    .join('\n');
}

/**
 * Steps into every statement and prints, per statement, the kernel functions
 * it entered and what it left in `last`.
 */
function runTraced(m: Machine, resumed: boolean, print: (s: string) => void): Stop {
  const file = m.program.file.split('/').pop() ?? m.program.file;
  let entered: string[] = [];
  let seen = new Set<object>();
  // Resumed after a failed expect: its statement was printed when it stopped.
  let current = resumed ? undefined : m.statement;
  let lastBefore: Value = m.last;
  const flush = (): void => {
    if (!current) return;
    const calls = entered.length ? `  → ${entered.join(' → ')}` : '';
    const last = m.last !== lastBefore ? `  last = ${showValue(m.last, undefined, { hex: true })}` : '';
    print(`${file}:${current.line}: ${current.text}${calls}${last}`);
  };
  for (;;) {
    const stop = m.resume('in');
    if (m.at === 'kernel') {
      for (const f of m.frames) {
        if (!seen.has(f)) {
          seen.add(f);
          if (!entered.includes(f.fn.name)) entered.push(f.fn.name);
        }
      }
    }
    if (m.at === 'stmt' || m.at === 'end' || stop.reason === 'exception') {
      flush();
      entered = [];
      seen = new Set();
      current = m.statement;
      lastBefore = m.last;
    }
    if (stop.reason !== 'step') return stop;
  }
}

