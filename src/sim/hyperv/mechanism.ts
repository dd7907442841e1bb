import type { KernelSource } from '../core/frames';
import type { Mechanism } from '../mechanism';
import { fnOf } from '../core/frames';
import type { Machine } from '../core/machine';
import { HV_CORE_C, HV_HYPERVISOR_C } from './hv_c';
import type { TimerRef } from './partition';
import { STIMER_EVENT } from './partition';
import { hypervCompilers } from './statements';
import { HyperV } from './subsystem';
import { STIMER_DIRECT, stimerSint } from './tlfs';

/** Its kernel listings: known without building the mechanism (the debugger's sources, function breakpoints). */
export const HYPERV_SOURCES: readonly KernelSource[] = [HV_CORE_C, HV_HYPERVISOR_C];

const STIMER_EXPIRATION = fnOf(HV_HYPERVISOR_C, 'stimer_expiration');

/** Hyper-V on ARM64 (SCENARIO.md §4, reference 000). */
export function hypervMechanism(): Mechanism & { readonly subsystem: HyperV } {
  const subsystem = new HyperV();
  return {
    subsystem,
    compilers: hypervCompilers(() => subsystem),
    attach(m: Machine): void {
      subsystem.state.machine = m;
      m.eventHandlers.set(STIMER_EVENT, function* (mm, e) {
        const { vp: vi, timer } = e.data as TimerRef;
        const st = subsystem.state;
        const vp = st.vp(vi);
        const t = vp.stimers[timer];
        if (!t) return;
        const fr = mm.enter(STIMER_EXPIRATION, { vp: BigInt(vi), timer: BigInt(timer), exp_time: t.expTime, now: st.ticks });
        const direct = (t.config & STIMER_DIRECT) !== 0n;
        const r = st.stimerExpire(vp, timer);
        fr.locals.result = r;
        fr.locals.sintx = BigInt(stimerSint(t.config));
        yield fr.at(direct ? 'direct' : 'send');
        fr.locals.enable = (t.config & 1n) === 1n;
        fr.locals.expires_at = t.expTime;
        yield fr.at('rearm');
        mm.leave(fr);
      });
    },
  };
}
