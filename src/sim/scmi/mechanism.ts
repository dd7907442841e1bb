import type { KernelSource } from '../core/frames';
import type { Mechanism } from '../mechanism';
import { memlatCompilers } from './compilers';
import { memlat_timer_fn, SAMPLE_EVENT } from './memlat_fw';
import { MEMLAT_FW_C } from './memlat_fw_c';
import { QCOM_SCMI_CLIENT_C } from './qcom_scmi_client_c';
import { QCOM_SCMI_VENDOR_C } from './qcom_scmi_vendor_c';
import { Memlat } from './subsystem';

/** Its kernel listings: known without building the mechanism (the debugger's sources, function breakpoints). */
export const SCMI_SOURCES: readonly KernelSource[] = [QCOM_SCMI_CLIENT_C, QCOM_SCMI_VENDOR_C, MEMLAT_FW_C];

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
