import type { KernelSource } from '../core/frames';
import type { Mechanism } from '../mechanism';
import { memlat_timer_fn, SAMPLE_EVENT } from './firmware';
import { CLIENT_C, FIRMWARE_C, VENDOR_C } from './sources';
import { memlatCompilers } from './statements';
import { Memlat } from './subsystem';

/** Its kernel listings: known without building the mechanism (the debugger's sources, function breakpoints). */
export const SCMI_SOURCES: readonly KernelSource[] = [CLIENT_C, VENDOR_C, FIRMWARE_C];

/** SCENARIO.md §7: the Qualcomm SCMI memlat client (reference 001) and the CPUCP firmware model. */
export function scmiMechanism(): Mechanism & { readonly subsystem: Memlat } {
  const subsystem = new Memlat();
  return {
    subsystem,
    compilers: memlatCompilers(() => subsystem),
    attach(m) {
      m.eventHandlers.set(SAMPLE_EVENT, (mm, e) => memlat_timer_fn(mm, subsystem, e));
    },
  };
}
