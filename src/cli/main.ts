import { runDap } from '../adapter/server';
import { runFile } from './run';

const USAGE = `usage:
  kstep run [--json] [--trace] <scenario.kstep>   run a scenario headless
      exit 0: every expect held; 1: an expect failed or a kernel BUG; 2: scenario or usage error
      --trace  print each statement, the kernel functions it entered and its results
      --json   print the final state tree as JSON on stdout
  kstep dap [--server=PORT]                       speak the Debug Adapter Protocol on stdio, or on 127.0.0.1:PORT
  kstep --version`;

export function main(argv: readonly string[]): number {
  const io = { out: (s: string) => process.stdout.write(`${s}\n`), err: (s: string) => process.stderr.write(`${s}\n`) };
  const [cmd, ...rest] = argv;
  if (cmd === '--version' || cmd === '-v') {
    io.out(KSTEP_VERSION);
    return 0;
  }
  if (cmd === 'run') {
    const flags = new Set(rest.filter((a) => a.startsWith('--')));
    const files = rest.filter((a) => !a.startsWith('--'));
    const unknown = [...flags].filter((f) => f !== '--json' && f !== '--trace');
    if (unknown.length || files.length !== 1) {
      io.err(unknown.length ? `kstep run: unknown option ${unknown.join(', ')}` : 'kstep run: give exactly one scenario file');
      io.err(USAGE);
      return 2;
    }
    return runFile(files[0] as string, { json: flags.has('--json'), trace: flags.has('--trace') }, io);
  }
  if (cmd === 'dap') return runDap(rest, io.err) ?? 0;
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
