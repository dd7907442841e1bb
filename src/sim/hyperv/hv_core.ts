/**
 * arch/arm64/hyperv/hv_core.c, the guest side of every hypercall: the SMCCC
 * HVC, the register accessors built on it, and the slow call's input page.
 */
import type { KGen } from '../core/frames';
import { fnOf, NodeRef } from '../core/frames';
import type { Machine } from '../core/machine';
import type { Value } from '../core/values';
import { Sym } from '../core/values';
import { fromQwords } from './gpa';
import { HV_CORE_C } from './hv_core_c';
import type { HvcResult } from './hv_hypercall';
import { hvcHandler } from './hv_hypercall';
import type { Vp } from './partition';
import type { HyperV } from './subsystem';
import { CALL_BY_CODE, HVMSG_NONE, HV_PARTITION_ID_SELF, HV_VP_INDEX_SELF, S, encodeControl, statusSym } from './tlfs';

const HV_SET_VPREG = fnOf(HV_CORE_C, 'hv_set_vpreg');
const HV_GET_VPREG = fnOf(HV_CORE_C, 'hv_get_vpreg');
const HV_DO_HVC = fnOf(HV_CORE_C, 'hv_do_hvc');
const HV_DO_HVC_FAST_GET = fnOf(HV_CORE_C, 'hv_do_hvc_fast_get');
const HV_DO_HYPERCALL = fnOf(HV_CORE_C, 'hv_do_hypercall');
const HV_DO_HVC_REGS = fnOf(HV_CORE_C, 'hv_do_hvc_regs');
const VMBUS_SIGNAL_EOM = fnOf(HV_CORE_C, 'vmbus_signal_eom');

/** The per-VP hypercall input page (hyperv_pcpu_input_arg) the `hvc` statement fills; the output page follows it. */
export function inputPage(vp: number): bigint {
  return 0xf000_0000n + BigInt(vp) * 0x2000n;
}
export function outputPage(vp: number): bigint {
  return inputPage(vp) + 0x1000n;
}

/** `last.hvc` for a result. */
export function hvcValue(r: HvcResult, control: bigint): Value {
  const def = CALL_BY_CODE.get(r.code);
  return {
    code: def ? new Sym(def.name, BigInt(def.code)) : BigInt(r.code),
    status: statusSym(r.status),
    reps_completed: BigInt(r.reps),
    output: r.output,
    control,
    result: r.x0,
  };
}

/** hv_do_hvc: the guest's SMCCC HVC. */
export function* hv_do_hvc(m: Machine, hv: HyperV, vp: Vp, control: bigint, regs: readonly bigint[], slow?: { in: bigint; out: bigint }): KGen<HvcResult> {
  const args: Record<string, bigint> = { control };
  regs.slice(0, 6).forEach((r, i) => (args[`a${i + 2}`] = r));
  const fr = m.enter(HV_DO_HVC, args);
  yield fr.at('hvc');
  const r = yield* hvcHandler(m, hv.state, vp, slow ? { control, inGpa: slow.in, outGpa: slow.out } : { control, regs: fromQwords(regs) });
  fr.locals.res_a0 = r.x0;
  yield fr.at('ret');
  return m.leave(fr, r);
}

/**
 * hv_do_hvc_regs: X2..X17 given word by word. A fast call reads its input
 * block from them; a slow one takes X2 and X3 as its input and output GPAs.
 */
export function* hv_do_hvc_regs(m: Machine, hv: HyperV, vp: Vp, control: bigint, regs: readonly bigint[]): KGen<HvcResult> {
  const x = [...regs, ...new Array<bigint>(16 - regs.length).fill(0n)];
  const fr = m.enter(HV_DO_HVC_REGS, { control, x });
  yield fr.at('hvc');
  const fast = ((control >> 16n) & 1n) === 1n;
  const r = yield* hvcHandler(m, hv.state, vp, fast ? { control, regs: fromQwords(x) } : { control, inGpa: x[0] as bigint, outGpa: x[1] as bigint });
  fr.locals.res_a0 = r.x0;
  yield fr.at('ret');
  return m.leave(fr, r);
}

/** hv_do_hypercall: a slow call, its input written to the VP's input page first. */
export function* hv_do_hypercall(m: Machine, hv: HyperV, vp: Vp, control: bigint, input: Uint8Array): KGen<HvcResult> {
  const inp = inputPage(vp.index);
  const out = outputPage(vp.index);
  const fr = m.enter(HV_DO_HYPERCALL, { control, input: inp, output: out });
  hv.state.gpa.write(inp, input);
  yield fr.at('phys');
  yield fr.at('call');
  const r = yield* hv_do_hvc(m, hv, vp, control, [inp, out], { in: inp, out });
  return m.leave(fr, r);
}

/** hv_set_vpreg(msr, value): fast HVCALL_SET_VP_REGISTERS, rep count 1, partition and VP SELF. */
export function* hv_set_vpreg(m: Machine, hv: HyperV, vp: Vp, reg: number, value: bigint): KGen<HvcResult> {
  const fr = m.enter(HV_SET_VPREG, { msr: BigInt(reg), value, vp: BigInt(vp.index) });
  const control = encodeControl(0x51, true, 1);
  yield fr.at('call');
  const r = yield* hv_do_hvc(m, hv, vp, control, [HV_PARTITION_ID_SELF, HV_VP_INDEX_SELF, BigInt(reg), 0n, value, 0n]);
  fr.locals.status = statusSym(r.status);
  yield fr.at('check');
  m.leave(fr);
  m.last = { hvc: hvcValue(r, control) };
  return r;
}

/** hv_get_vpreg(msr): fast HVCALL_GET_VP_REGISTERS through hv_do_hvc_fast_get. */
export function* hv_get_vpreg(m: Machine, hv: HyperV, vp: Vp, reg: number): KGen<bigint> {
  const fr = m.enter(HV_GET_VPREG, { msr: BigInt(reg), vp: BigInt(vp.index) });
  const control = encodeControl(0x50, true, 1);
  yield fr.at('call');
  const g = m.enter(HV_DO_HVC_FAST_GET, { control, input1: HV_PARTITION_ID_SELF, input2: HV_VP_INDEX_SELF, input3: BigInt(reg) }, ['hv_do_hvc']);
  yield g.at('hvc');
  const r = yield* hvcHandler(m, hv.state, vp, { control, regs: fromQwords([HV_PARTITION_ID_SELF, HV_VP_INDEX_SELF, BigInt(reg)]) });
  const full = r.status === S.SUCCESS ? ((r.output[0] as bigint | undefined) ?? 0n) : 0n;
  const low = BigInt.asUintN(64, full);
  Object.assign(g.locals, { res_a0: r.x0, registervaluelow: low, registervaluehigh: full >> 64n });
  yield g.at('ret');
  m.leave(g);
  fr.locals.status = statusSym(r.status);
  yield fr.at('check');
  yield fr.at('ret');
  m.leave(fr);
  m.last = { value: low, hvc: hvcValue(r, control) };
  return low;
}

/** vmbus_signal_eom: the guest frees a SINT's message slot and, when another message waits, EOMs. */
export function* vmbus_signal_eom(m: Machine, hv: HyperV, vp: Vp, sint: number): KGen {
  const st = hv.state;
  const slot = st.slotAddr(vp, sint);
  const old = st.gpa.readU32(slot);
  const fr = m.enter(VMBUS_SIGNAL_EOM, { msg: new NodeRef('vp', [vp.index, 'synic', 'msg', sint], slot), old_msg_type: old });
  st.gpa.writeU32(slot, HVMSG_NONE);
  yield fr.at('clear');
  const pending = (st.gpa.readU8(slot + 5n) & 1) === 1;
  fr.locals.msg_pending = pending;
  yield fr.at('pending');
  if (pending) {
    yield fr.at('eom');
    yield* hv_set_vpreg(m, hv, vp, 0xa0014, 0n);
  }
  m.leave(fr);
}
