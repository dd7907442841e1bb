import type { KernelFn, KernelSource } from './frames';
import type { BeforePatch } from './kernel_select';

/*
 * Listings of the kernel before a patch for the functions the patch changes
 * only at their call sites (the callers of a split or re-signed function):
 * the patched listing rewritten line for line, so every function keeps its
 * lines and step points, and a frame entered on the before kernel shows the
 * `-` side. Functions whose bodies the patch rewrites have listings of their
 * own (hugetlb_before_004_c, memory_before_003_c) and code that enters them.
 */

const variants = new Map<BeforePatch, Map<KernelFn, KernelFn>>();

/** `mm/gup.c` → `mm/gup.c (before 003)`; `mm/hugetlb.c (pool)` → `mm/hugetlb.c (pool, before 004)`. */
export function beforePath(path: string, patch: BeforePatch): string {
  return path.endsWith(')') ? `${path.slice(0, -1)}, before ${patch})` : `${path} (before ${patch})`;
}

/**
 * The listing of `src` on the kernel before `patch`, each line through
 * `rewrite`; its functions stand in for `src`'s on a machine running that
 * kernel (beforeVariants).
 */
export function beforeListing(src: KernelSource, patch: BeforePatch, rewrite: (line: string) => string, path = beforePath(src.path, patch)): KernelSource {
  const functions = new Map<string, KernelFn>();
  const out: KernelSource = { path, lines: src.lines.map(rewrite), functions };
  const map = variants.get(patch) ?? new Map<KernelFn, KernelFn>();
  variants.set(patch, map);
  for (const f of src.functions.values()) {
    const g: KernelFn = { name: f.name, source: out, line: f.line, labels: f.labels, lineOf: f.lineOf };
    functions.set(f.name, g);
    map.set(f, g);
  }
  return out;
}

/** The functions a machine on the kernel before `patch` enters instead of the patched ones (undefined: none). */
export function beforeVariants(patch: BeforePatch | undefined): ReadonlyMap<KernelFn, KernelFn> | undefined {
  return patch === undefined ? undefined : variants.get(patch);
}
