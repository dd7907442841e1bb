/**
 * The VP registers' values and the side effects of writing them, as
 * HvCallGetVpRegisters / HvCallSetVpRegisters apply them to one register
 * (the frames around them are in hv_calls.ts and stimer.ts).
 */
import type { HyperVState, Stimer, Vp } from './partition';
import type { RegDef } from './tlfs';
import {
  FEATURES_VALUE, HYPERVISOR_VERSION_VALUE, INTERFACE_VERSION_VALUE, PRIVILEGES_AND_FEATURES, S, SINT_MASKED, SVERSION_VALUE, TSC_SCALE,
} from './tlfs';

export const HV_CRASH_CTL_CRASH_NOTIFY = 1n << 63n;

/** The value a register reads as (HvCallGetVpRegisters). */
export function readReg(st: HyperVState, v: Vp, r: RegDef): bigint {
  const p = st.part();
  switch (r.name) {
    case 'HYPERVISOR_VERSION': return HYPERVISOR_VERSION_VALUE;
    case 'PRIVILEGES_AND_FEATURES': return PRIVILEGES_AND_FEATURES;
    case 'FEATURES': return FEATURES_VALUE;
    case 'IMPLEMENTATION_LIMITS': return 0n;
    case 'INTERFACE_VERSION': return INTERFACE_VERSION_VALUE;
    case 'VPINDEX': return BigInt(v.index);
    case 'SVERSION': return SVERSION_VALUE;
    default: break;
  }
  switch (r.kind) {
    case 'crash_p': return p.crashP[r.index ?? 0] as bigint;
    case 'crash_ctl': return HV_CRASH_CTL_CRASH_NOTIFY;
    case 'guest_osid': return p.guestOsid;
    case 'refcount': return st.ticks;
    case 'reference_tsc': return p.referenceTsc;
    case 'sint': return v.sint[r.index ?? 0] as bigint;
    case 'scontrol': return v.scontrol;
    case 'simp': return v.simp;
    case 'siefp': return v.siefp;
    case 'eom': return 0n;
    case 'plain': return v.sirbp;
    case 'vbar': return v.vbar;
    case 'stimer_config': return (v.stimers[r.index ?? 0] as Stimer).config;
    case 'stimer_count': return (v.stimers[r.index ?? 0] as Stimer).count;
    default: return 0n;
  }
}

/** HvCallSetVpRegisters for one register: the status, with every side effect of the write. */
export function writeReg(st: HyperVState, v: Vp, r: RegDef, value: bigint): number {
  const p = st.part();
  switch (r.kind) {
    case 'ro':
    case 'refcount':
      return S.INVALID_PARAMETER;
    case 'crash_p':
      p.crashP[r.index ?? 0] = value;
      return S.SUCCESS;
    case 'crash_ctl':
      if (value & HV_CRASH_CTL_CRASH_NOTIFY) {
        p.crashed = true;
        p.crash = p.crashP.slice();
      }
      return S.SUCCESS;
    case 'guest_osid':
      p.guestOsid = value;
      return S.SUCCESS;
    case 'reference_tsc':
      p.referenceTsc = value;
      if (value & 1n) publishTscPage(st, value & ~0xfffn);
      return S.SUCCESS;
    case 'sint': {
      const vector = value & 0xffn;
      if (vector < 16n && !(value & SINT_MASKED)) return S.INVALID_PARAMETER;
      v.sint[r.index ?? 0] = value;
      return S.SUCCESS;
    }
    case 'scontrol':
      v.scontrol = value;
      if (value & 1n) st.deliverAll(v);
      return S.SUCCESS;
    case 'simp':
      v.simp = value;
      if (value & 1n) {
        st.gpa.zeroPage(value & ~0xfffn);
        st.deliverAll(v);
      }
      return S.SUCCESS;
    case 'siefp':
      v.siefp = value;
      if (value & 1n) st.gpa.zeroPage(value & ~0xfffn);
      return S.SUCCESS;
    case 'eom':
      st.eom(v);
      return S.SUCCESS;
    case 'plain':
      v.sirbp = value;
      return S.SUCCESS;
    case 'vbar':
      v.vbar = value;
      return S.SUCCESS;
    case 'stimer_config':
      st.stimerSetConfig(v, r.index ?? 0, value);
      return S.SUCCESS;
    case 'stimer_count':
      st.stimerSetCount(v, r.index ?? 0, value);
      return S.SUCCESS;
  }
}

/** Publishes ms_hyperv_tsc_page: ((counter * scale) >> 64) + offset == TIME_REFCOUNT with a 1 GHz counter. */
function publishTscPage(st: HyperVState, base: bigint): void {
  const p = st.part();
  let seq = p.tscSequence + 1;
  if (seq >= 0xffff_ffff) seq = 1;
  p.tscSequence = seq;
  st.gpa.writeU32(base, BigInt(seq));
  st.gpa.writeU32(base + 4n, 0n);
  st.gpa.writeU64(base + 8n, TSC_SCALE);
  st.gpa.writeU64(base + 16n, 0n);
}
