import type { KernelChoice } from '../sim';
import { diffKernels, escapeControls, kernelName, parseKernel } from '../sim';
import { readProgram } from './load';
import type { Io } from './run';

/** `--kernel before=004` / `--kernel=before=004`: the value and the arguments left; a message on a bad one. */
export function takeKernelArg(args: readonly string[]): { kernel?: KernelChoice; rest: string[] } | string {
  const rest: string[] = [];
  let kernel: KernelChoice | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    let spec: string | undefined;
    if (a === '--kernel') {
      spec = args[++i];
      if (spec === undefined) return '--kernel needs a kernel: --kernel before=004';
    } else if (a.startsWith('--kernel=')) spec = a.slice('--kernel='.length);
    else {
      rest.push(a);
      continue;
    }
    const c = parseKernel(spec);
    if (typeof c === 'string') return c;
    kernel = c;
  }
  return kernel ? { kernel, rest } : { rest };
}

/**
 * `kstep diff <scenario> --kernel before=NNN [--only <path>,...]`: runs the
 * scenario on the patched kernel and on the kernel before patch NNN, a
 * statement at a time in lockstep, and compares the state trees at every
 * statement start. 0: they never differ; 1: the first statement after which
 * they differ is reported with the paths that differ (before → after);
 * 2: a usage or scenario error.
 */
export function diffCommand(args: readonly string[], io: Io): number {
  const usage = 'kstep diff: usage: kstep diff <scenario.kstep> --kernel before=004 [--only <path>[,<path>...]]';
  const k = takeKernelArg(args);
  if (typeof k === 'string') {
    io.err(`kstep diff: ${k}`);
    return 2;
  }
  const only: string[] = [];
  const files: string[] = [];
  for (let i = 0; i < k.rest.length; i++) {
    const a = k.rest[i] as string;
    if (a === '--only') only.push(...(k.rest[++i] ?? '').split(',').filter(Boolean));
    else if (a.startsWith('--only=')) only.push(...a.slice('--only='.length).split(',').filter(Boolean));
    else if (a.startsWith('--')) {
      io.err(`kstep diff: unknown option ${a}`);
      io.err(usage);
      return 2;
    } else files.push(a);
  }
  if (files.length !== 1 || k.kernel?.before === undefined) {
    io.err(files.length !== 1 ? 'kstep diff: give exactly one scenario file' : 'kstep diff: name the other kernel: --kernel before=004');
    io.err(usage);
    return 2;
  }
  const file = files[0] as string;
  const loaded = readProgram(file, io);
  if ('code' in loaded) return loaded.code;
  const { program } = loaded;
  const name = file.split('/').pop() ?? file;
  const beforeName = kernelName(k.kernel);
  const r = diffKernels(program, k.kernel, only);
  if (r.kind === 'same') {
    io.out(`${name}: the same state at every statement on ${beforeName} and after (patched)${only.length ? ` (compared: ${only.join(', ')})` : ''}; both end: ${r.end}`);
    return 0;
  }
  if (r.kind === 'gave-up') {
    io.err(`kstep diff: gave up after ${r.statements} statements`);
    return 2;
  }
  const d = r.divergence;
  const where = d.ran ? `after line ${d.ran.line}: ${escapeControls(d.ran.text)}` : 'before the first statement';
  io.out(`${name}: the kernels diverge ${where}`);
  io.out(`  ${beforeName} → after (patched)`);
  for (const c of d.changes) io.out(`  ${c.path}: ${escapeControls(c.a)} → ${escapeControls(c.b)}`);
  if (d.flow) io.out(`  next: ${d.before.next} → ${d.after.next}`);
  return 1;
}
