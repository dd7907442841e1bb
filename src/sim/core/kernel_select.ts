import { beforeVariants } from './before_listing';
import type { Machine } from './machine';

/**
 * Which kernel a machine simulates: the patched one (the default), or the
 * kernel before one of the reference patches (`kernel before=004`), whose
 * functions run the `-` side of that patch.
 */
export const BEFORE_PATCHES = ['003', '004'] as const;
export type BeforePatch = (typeof BEFORE_PATCHES)[number];

export interface KernelChoice {
  /** The patch whose `-` side runs; undefined: every patch applied. */
  readonly before?: BeforePatch;
}

const choices = new WeakMap<Machine, KernelChoice & { readonly fixed: boolean }>();

/** `before=004` (as written after `--kernel`, in launch.json or in the statement) to a choice, or a message saying what is allowed. */
export function parseKernel(spec: string): KernelChoice | string {
  const s = spec.trim();
  if (s === '' || s === 'after' || s === 'patched') return {};
  const m = /^before=(\S+)$/.exec(s);
  const p = m?.[1];
  if (p !== undefined && (BEFORE_PATCHES as readonly string[]).includes(p)) return { before: p as BeforePatch };
  return `unknown kernel '${spec}': use before=${BEFORE_PATCHES.join(' or before=')} (the kernel before that reference patch), or after`;
}

/**
 * Selects the kernel. `fixed` (the CLI, launch.json, `kstep diff`) wins over
 * a scenario's own `kernel` statement, so one scenario runs on either kernel.
 */
export function selectKernel(m: Machine, choice: KernelChoice, fixed: boolean): void {
  if (choices.get(m)?.fixed && !fixed) return;
  choices.set(m, { ...choice, fixed });
  m.kernelVariants = beforeVariants(choice.before);
}

export function kernelOf(m: Machine): KernelChoice {
  return choices.get(m) ?? {};
}

/** Does this machine run the kernel before patch `p`? */
export function beforePatch(m: Machine, p: BeforePatch): boolean {
  return choices.get(m)?.before === p;
}

/** The name a report gives the kernel. */
export function kernelName(c: KernelChoice): string {
  return c.before === undefined ? 'after (patched)' : `before=${c.before}`;
}
