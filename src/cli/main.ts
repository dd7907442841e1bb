import { runDap } from '../adapter/server';
import { DEFAULT_MAX_STEPS } from '../sim';
import { takeExportArgs } from './exports';
import { runFile } from './run';
import { whyCommand } from './why';

const USAGE = `usage:
  kstep run [--json] [--trace] [--max-steps=N] [--debug] <scenario.kstep>   run a scenario headless
      exit 0: every expect held; 1: an expect failed or a kernel BUG; 2: scenario or usage error;
           3: internal error (a bug in kstep: please report it)
      --trace        print each statement, the kernel functions it entered and its results
      --json         print the final state tree as JSON on stdout
      --max-steps=N  stop with an error after N step points (default ${DEFAULT_MAX_STEPS})
      --debug        print the JavaScript stack of an internal error
      --perfetto <file>  also write the run as Chrome/Perfetto trace-event JSON (ui.perfetto.dev)
      --ftrace       also print the run's kernel tracepoints in ftrace's trace text format
  kstep why <scenario.kstep> <line> <expr>       where <expr>'s value (as line <line> is about to run) was last written,
                                                  and the write before: step, kernel frame, C line, scenario statement
  kstep dap [--server=PORT | --socket=PATH]       speak the Debug Adapter Protocol on stdio, on 127.0.0.1:PORT
                                                  (any local user can connect), or on a Unix socket only you can use
  kstep --version`;

export function main(argv: readonly string[]): number {
  const io = { out: (s: string) => process.stdout.write(`${s}\n`), err: (s: string) => process.stderr.write(`${s}\n`) };
  const [cmd, ...rest] = argv;
  if (cmd === '--version' || cmd === '-v') {
    io.out(KSTEP_VERSION);
    return 0;
  }
  const exportArgs = cmd === 'run' ? takeExportArgs(rest) : {};
  if (typeof exportArgs === 'string') {
    io.err(`kstep run: ${exportArgs}`);
    return 2;
  }
  if (cmd === 'run') {
    const flags = new Set(rest.filter((a) => a.startsWith('--') && !a.startsWith('--max-steps=')));
    const files = rest.filter((a) => !a.startsWith('--'));
    const unknown = [...flags].filter((f) => f !== '--json' && f !== '--trace' && f !== '--debug');
    const budget = rest.filter((a) => a.startsWith('--max-steps=')).map((a) => a.slice('--max-steps='.length));
    const maxSteps = budget.length ? Number(budget[budget.length - 1]) : undefined;
    const badBudget = maxSteps !== undefined && !(Number.isSafeInteger(maxSteps) && maxSteps > 0);
    if (unknown.length || files.length !== 1 || badBudget) {
      io.err(
        badBudget
          ? `kstep run: --max-steps needs a positive whole number, not '${budget[budget.length - 1]}'`
          : unknown.length
            ? `kstep run: unknown option ${unknown.join(', ')}`
            : 'kstep run: give exactly one scenario file',
      );
      io.err(USAGE);
      return 2;
    }
    const opts = { json: flags.has('--json'), trace: flags.has('--trace'), debug: flags.has('--debug'), ...(maxSteps ? { maxSteps } : {}), ...exportArgs };
    return runFile(files[0] as string, opts, io);
  }
  if (cmd === 'dap') return runDap(rest, io.err) ?? 0;
  if (cmd === 'why') return whyCommand(rest, io);
  if (cmd === '--help' || cmd === '-h' || cmd === 'help') {
    io.out(USAGE);
    return 0;
  }
  io.err(cmd ? `kstep: unknown command '${cmd}'` : 'kstep: no command given');
  io.err(USAGE);
  return 2;
}

declare const KSTEP_VERSION: string;

// `kstep run ... | head` closes the pipe early: that is not an error of the run.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

const code = main(process.argv.slice(2));
// `dap` keeps serving; only a finished command sets the exit code.
if (process.argv[2] !== 'dap' || code !== 0) process.exitCode = code;
