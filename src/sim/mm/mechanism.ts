import type { KernelSource } from '../core/frames';
import type { Mechanism } from '../mechanism';
import { MM_C } from './mm_c';
import { mmCompilers } from './statements';
import { Mm } from './subsystem';

/** Its kernel listings: known without building the mechanism (the debugger's sources, function breakpoints). */
export const MM_SOURCES: readonly KernelSource[] = [MM_C];

/** Memory, page tables, ZONE_DEVICE and HMM (SCENARIO.md §5). */
export function mmMechanism(): Mechanism & { readonly subsystem: Mm } {
  const subsystem = new Mm();
  return { subsystem, compilers: mmCompilers(() => subsystem) };
}
