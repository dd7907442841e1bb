import type { KernelSource } from '../core/frames';
import type { Mechanism } from '../mechanism';
import { hugetlbCompilers } from './compilers';
import { HUGETLB_C } from './hugetlb_c';
import { HUGETLB_POOL_C } from './hugetlb_pool_c';
import { Hugetlb } from './subsystem';

/** Its kernel listings: known without building the mechanism (the debugger's sources, function breakpoints). */
export const HUGETLB_SOURCES: readonly KernelSource[] = [HUGETLB_C, HUGETLB_POOL_C];

export function hugetlbMechanism(): Mechanism & { readonly subsystem: Hugetlb } {
  const subsystem = new Hugetlb();
  return { subsystem, compilers: hugetlbCompilers(() => subsystem) };
}
