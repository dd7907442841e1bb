import type { KernelSource } from '../core/frames';
import type { Mechanism } from '../mechanism';
import { MM_C } from './mm_c';
import { HUGETLB_FAULT_C } from './hugetlb_fault_c';
import { mmCompilers } from './compilers';
import { Mm } from './subsystem';
import type { Hugetlb } from '../hugetlb/subsystem';

/** Its kernel listings: known without building the mechanism (the debugger's sources, function breakpoints). */
export const MM_SOURCES: readonly KernelSource[] = [MM_C, HUGETLB_FAULT_C];

/** Memory, page tables, ZONE_DEVICE and HMM (SCENARIO.md §5). */
export function mmMechanism(hugetlb?: Hugetlb): Mechanism & { readonly subsystem: Mm } {
  const subsystem = new Mm(hugetlb);
  return { subsystem, compilers: mmCompilers(() => subsystem) };
}
