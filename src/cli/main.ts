import { runDap } from '../adapter/server';
import { DEFAULT_MAX_STEPS, DEFAULT_MAX_WORK } from '../sim';
import { coverageCommand, hasLcov, runWithLcov } from './coverage';
import { takeExportArgs } from './exports';
import { runFile } from './run';
import { whyCommand } from './why';
import { diffCommand, takeKernelArg } from './diff';

const USAGE = `usage:
  kstep run [--json] [--trace] [--max-steps=N] [--max-work=N] [--bail] [--debug] <scenario.kstep>   run a scenario headless
      exit 0: every expect held; 1: an expect failed (each failed expect is reported) or a kernel BUG; 2: scenario or usage error;
           3: internal error (a bug in kstep: please report it)
      --trace        print each statement, the kernel functions it entered and its results
      --json         print the final state tree as JSON on stdout
      --max-steps=N  stop with an error after N step points (default ${DEFAULT_MAX_STEPS})
      --max-work=N   stop with an error after statements worked through N pages or bytes (default ${DEFAULT_MAX_WORK})
      --bail         stop at the first failed expect
      --debug        print the JavaScript stack of an internal error
      --perfetto <file>  also write the run as Chrome/Perfetto trace-event JSON (ui.perfetto.dev)
      --ftrace       also print the run's kernel tracepoints in ftrace's trace text format
  kstep run --lcov <out.info> <a.kstep> [<b.kstep> ...]   run scenarios and write the kernel coverage they reach
                 as an lcov tracefile (one SF per kernel listing); the exit code is the worst of the runs
  kstep coverage [--patches] <files...>           run .kstep files (and read lcov tracefiles) and print coverage per
                                                  kernel function, or with --patches per reference patch
  kstep coverage --listings=<dir>                 write the kernel listings under dir, as the tracefile's SF names them
                                                  (run genhtml there)
  kstep why <scenario.kstep> <line> <expr>       where <expr>'s value (as line <line> is about to run) was last written,
                                                  and the write before: step, kernel frame, C line, scenario statement
  kstep run --kernel before=004 ...               run on the kernel before that reference patch (003, 004): the \`-\` side of its diff
  kstep diff <scenario.kstep> --kernel before=004 [--only <path>,...]
                                                  run on both kernels in lockstep; report the first statement after which
                                                  the state differs (paths, before → after); exit 1 when they differ, 0 if never
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
  if (cmd === 'coverage') return coverageCommand(rest, io);
  const exportArgs = cmd === 'run' ? takeExportArgs(rest) : {};
  if (typeof exportArgs === 'string') {
    io.err(`kstep run: ${exportArgs}`);
    return 2;
  }
  if (cmd === 'run' && hasLcov(rest)) {
    if (Object.keys(exportArgs).length) {
      io.err('kstep run: --lcov runs several scenarios and cannot be combined with --perfetto or --ftrace');
      return 2;
    }
    return runWithLcov(rest, io);
  }
  if (cmd === 'diff') return diffCommand(rest, io);
  const kernelArg = cmd === 'run' ? takeKernelArg(rest) : { rest };
  if (typeof kernelArg === 'string') {
    io.err(`kstep run: ${kernelArg}`);
    return 2;
  }
  if (cmd === 'run' && kernelArg.kernel) rest.splice(0, rest.length, ...kernelArg.rest);
  if (cmd === 'run') {
    const flags = new Set(rest.filter((a) => a.startsWith('--') && !a.startsWith('--max-steps=') && !a.startsWith('--max-work=')));
    const files = rest.filter((a) => !a.startsWith('--'));
    const unknown = [...flags].filter((f) => f !== '--json' && f !== '--trace' && f !== '--debug' && f !== '--bail');
    const budget = rest.filter((a) => a.startsWith('--max-steps=')).map((a) => a.slice('--max-steps='.length));
    const maxSteps = budget.length ? Number(budget[budget.length - 1]) : undefined;
    const badBudget = maxSteps !== undefined && !(Number.isSafeInteger(maxSteps) && maxSteps > 0);
    const workArg = rest.filter((a) => a.startsWith('--max-work=')).map((a) => a.slice('--max-work='.length));
    const maxWork = workArg.length ? Number(workArg[workArg.length - 1]) : undefined;
    const badWork = maxWork !== undefined && !(Number.isSafeInteger(maxWork) && maxWork > 0);
    if (unknown.length || files.length !== 1 || badBudget || badWork) {
      io.err(
        badWork
          ? `kstep run: --max-work needs a positive whole number, not '${workArg[workArg.length - 1]}'`
          : badBudget
          ? `kstep run: --max-steps needs a positive whole number, not '${budget[budget.length - 1]}'`
          : unknown.length
            ? `kstep run: unknown option ${unknown.join(', ')}`
            : 'kstep run: give exactly one scenario file',
      );
      io.err(USAGE);
      return 2;
    }
    const opts = { json: flags.has('--json'), trace: flags.has('--trace'), debug: flags.has('--debug'), bail: flags.has('--bail'), ...(maxSteps ? { maxSteps } : {}), ...(maxWork ? { maxWork } : {}), ...exportArgs, ...('kernel' in kernelArg && kernelArg.kernel ? { kernel: kernelArg.kernel } : {}) };
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
