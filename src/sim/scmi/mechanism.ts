import type { KernelSource } from '../core/frames';
import type { MechanismDescriptor } from '../mechanism';
import { memlatCompilers } from './compilers';
import { DRIVER_C } from './driver_c';
import { memlat_timer_fn, SAMPLE_EVENT } from './memlat_fw';
import { MEMLAT_FW_C } from './memlat_fw_c';
import { memlatPicture } from './picture';
import { PARAM_NAMES, SCMI_BREAKPOINT_NAMES } from './protocol';
import { QCOM_SCMI_CLIENT_C } from './qcom_scmi_client_c';
import { QCOM_SCMI_VENDOR_C } from './qcom_scmi_vendor_c';
import { Memlat } from './subsystem';
import { SCMI_VERBS } from './verbs';
import { SCMI_CALLS } from './call_decls';

/** Its kernel listings: known without building the mechanism (the debugger's sources, function breakpoints). */
export const SCMI_SOURCES: readonly KernelSource[] = [QCOM_SCMI_CLIENT_C, QCOM_SCMI_VENDOR_C, DRIVER_C, MEMLAT_FW_C];

/** SCENARIO.md §7: the Qualcomm SCMI memlat client (reference 001) and the CPUCP firmware model. */
export const scmiMechanism: MechanismDescriptor<Memlat> = {
  id: 'scmi',
  title: 'SCMI memlat (SCENARIO.md §7)',
  verbs: SCMI_VERBS,
  scopes: [{ name: 'SCMI memlat' }],
  roots: [
    { name: 'memlat', scope: 'SCMI memlat', summary: 'memory groups, monitors, votes, CPUs and the parsed device tree' },
    { name: 'scmi', scope: 'SCMI memlat', summary: 'the SCMI channel: message log and the shared-memory mailbox' },
  ],
  exceptionFilters: [{ kind: 'scmi_error', label: 'scmi_error', default: false, description: 'SCMI error: an SCMI status other than SCMI_SUCCESS' }],
  nameSets: { 'SCMI param': { what: 'SCMI param', names: PARAM_NAMES } },
  calls: SCMI_CALLS,
  sources: SCMI_SOURCES,
  // The firmware's message handler answers to the message and parameter names.
  breakpointAliases: SCMI_BREAKPOINT_NAMES,
  create() {
    const subsystem = new Memlat();
    return {
      subsystem,
      compilers: memlatCompilers(() => subsystem),
      attach(m) {
        m.eventHandlers.set(SAMPLE_EVENT, (mm, e) => memlat_timer_fn(mm, subsystem, e));
      },
      picture: () => memlatPicture(subsystem.st),
    };
  },
};
