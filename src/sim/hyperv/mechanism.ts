import type { KernelSource } from '../core/frames';
import type { Mechanism } from '../mechanism';
import type { Machine } from '../core/machine';
import { hypervCompilers } from './compilers';
import { HV_CORE_C } from './hv_core_c';
import { HV_HYPERCALL_C } from './hv_hypercall_c';
import { STIMER_EVENT } from './partition';
import { stimer_expiration } from './stimer';
import { HyperV } from './subsystem';

/** Its kernel listings: known without building the mechanism (the debugger's sources, function breakpoints). */
export const HYPERV_SOURCES: readonly KernelSource[] = [HV_CORE_C, HV_HYPERCALL_C];

/** Hyper-V on ARM64 (SCENARIO.md §4, reference 000). */
export function hypervMechanism(): Mechanism & { readonly subsystem: HyperV } {
  const subsystem = new HyperV();
  return {
    subsystem,
    compilers: hypervCompilers(() => subsystem),
    attach(m: Machine): void {
      subsystem.state.machine = m;
      m.eventHandlers.set(STIMER_EVENT, (mm, e) => stimer_expiration(mm, subsystem, e));
    },
  };
}
