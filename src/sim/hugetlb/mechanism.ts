import type { KernelSource } from '../core/frames';
import type { Mechanism } from '../mechanism';
import { HUGETLB_C } from './hugetlb_c';
import { POOL_C } from './pool_c';
import { hugetlbCompilers } from './statements';
import { Hugetlb } from './subsystem';

/** Its kernel listings: known without building the mechanism (the debugger's sources, function breakpoints). */
export const HUGETLB_SOURCES: readonly KernelSource[] = [HUGETLB_C, POOL_C];

export function hugetlbMechanism(): Mechanism & { readonly subsystem: Hugetlb } {
  const subsystem = new Hugetlb();
  return { subsystem, compilers: hugetlbCompilers(() => subsystem) };
}
