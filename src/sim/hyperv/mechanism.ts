import type { KernelSource } from '../core/frames';
import type { MechanismDescriptor } from '../mechanism';
import { hypervCompilers } from './compilers';
import { HV_CORE_C } from './hv_core_c';
import { HV_HYPERCALL_C } from './hv_hypercall_c';
import { STIMER_EVENT } from './partition';
import { hypervPicture } from './picture';
import { stimer_expiration } from './stimer';
import { HyperV } from './subsystem';
import { CALL_BY_NAME, HYPERCALL_BREAKPOINT_NAMES, REG_BY_NAME } from './tlfs';
import { HYPERV_VERBS } from './verbs';
import { HYPERV_CALLS } from './call_decls';

/** Its kernel listings: known without building the mechanism (the debugger's sources, function breakpoints). */
export const HYPERV_SOURCES: readonly KernelSource[] = [HV_CORE_C, HV_HYPERCALL_C];

/** Hyper-V on ARM64 (SCENARIO.md §4, reference 000). */
export const hypervMechanism: MechanismDescriptor<HyperV> = {
  id: 'hyperv',
  title: 'Hyper-V on ARM64 (SCENARIO.md §4)',
  verbs: HYPERV_VERBS,
  scopes: [{ name: 'Hyper-V', hint: 'registers' }],
  roots: [
    { name: 'partition', scope: 'Hyper-V', summary: 'the partition: created, VP count, hypercall page, TSC page, crash registers' },
    { name: 'vp', scope: 'Hyper-V', summary: 'VPs by index: registers, SynIC message/event pages, synthetic timers' },
  ],
  exceptionFilters: [{ kind: 'hv_error', label: 'hv_error', default: false, description: 'hypercall error: a hypercall status other than HV_STATUS_SUCCESS' }],
  nameSets: {
    register: { what: 'register', names: [...REG_BY_NAME.keys()] },
    hypercall: { what: 'hypercall', names: [...CALL_BY_NAME.keys()], accepts: (w) => CALL_BY_NAME.has(`HVCALL_${w}`) },
  },
  sample: ['partition vps=1'],
  calls: HYPERV_CALLS,
  sources: HYPERV_SOURCES,
  // A hypercall handler's frame answers to the call's name and code, the HVC handler to `hvc`.
  breakpointAliases: HYPERCALL_BREAKPOINT_NAMES,
  create() {
    const subsystem = new HyperV();
    return {
      subsystem,
      compilers: hypervCompilers(() => subsystem),
      attach(m) {
        subsystem.state.machine = m;
        m.eventHandlers.set(STIMER_EVENT, (mm, e) => stimer_expiration(mm, subsystem, e));
      },
      picture: () => hypervPicture(subsystem.state),
      threads() {
        const n = subsystem.state.p?.vps.length ?? 0;
        // Each VP is a thread of its own: selecting it shows that VP's registers, SynIC and timers.
        return Array.from({ length: n }, (_, i) => ({
          name: `VP ${i}`,
          scopes: [
            { name: `VP ${i} registers`, path: `vp[${i}].reg`, hint: 'registers' as const },
            { name: 'SynIC', path: `vp[${i}].synic` },
            { name: 'Synthetic timers', path: `vp[${i}].stimer` },
          ],
        }));
      },
    };
  },
};
