/**
 * The SynIC's hypercalls (HvCallPostMessage, HvCallSignalEvent), the EOM
 * write and message delivery as frames of hypervisor/hv_hypercall.c; the
 * delivery rules themselves are HyperVState's.
 */
import type { KGen } from '../core/frames';
import { fnOf } from '../core/frames';
import type { Machine } from '../core/machine';
import type { CallHandler } from './hv_hypercall';
import { HV_HYPERCALL_C } from './hv_hypercall_c';
import type { HyperVState, Vp } from './partition';
import { EVENT_FLAGS_COUNT, HVMSG_NONE, PAYLOAD_BYTES, S } from './tlfs';

const HANDLERS: Record<string, CallHandler['run']> = {
  *HVCALL_POST_MESSAGE(m, ctx, fr) {
    const conn = ctx.in.u32(0);
    const type = ctx.in.u32(8);
    const size = ctx.in.u32(12);
    Object.assign(fr.locals, { connectionid: conn, message_type: type, payload_size: size });
    yield fr.at('check_reserved');
    if (ctx.in.u32(4) !== 0n) {
      yield fr.at('reserved');
      return S.INVALID_HYPERCALL_INPUT;
    }
    yield fr.at('check_params');
    if (size > BigInt(PAYLOAD_BYTES) || type === HVMSG_NONE || type & 0x8000_0000n) {
      yield fr.at('params');
      return S.INVALID_PARAMETER;
    }
    const port = ctx.hv.port(Number(conn));
    yield fr.at('check_connection');
    if (!port) {
      yield fr.at('connection');
      return S.INVALID_CONNECTION_ID;
    }
    fr.locals.port_type = port.kind;
    yield fr.at('check_port');
    if (port.kind !== 'message') {
      yield fr.at('port');
      return S.INVALID_PORT_ID;
    }
    const target = ctx.hv.vp(port.vp);
    fr.locals.target_vp = BigInt(target.index);
    // Refused rather than queued: a SynIC the guest turned off must not collect messages it never asked for.
    yield fr.at('check_synic');
    if (!ctx.hv.postable(target)) {
      yield fr.at('synic');
      return S.INVALID_SYNIC_STATE;
    }
    yield fr.at('check_full');
    if ((target.queues[port.sint] as unknown[]).length >= 16) {
      yield fr.at('full');
      return S.INSUFFICIENT_BUFFERS;
    }
    const nq = Math.ceil(Number(size) / 8);
    const payload: bigint[] = [];
    for (let i = 0; i < nq; i++) payload.push(ctx.in.u64(16 + 8 * i));
    if (Number(size) % 8) payload[nq - 1] = (payload[nq - 1] as bigint) & ((1n << BigInt((Number(size) % 8) * 8)) - 1n);
    yield fr.at('queue');
    ctx.hv.enqueue(target, port.sint, { type, size: Number(size), sender: conn, payload });
    yield* deliverFrame(m, ctx.hv, target, port.sint, 'post');
    yield fr.at('done');
    return S.SUCCESS;
  },
  *HVCALL_SIGNAL_EVENT(_m, ctx, fr) {
    const conn = ctx.in.u32(0);
    const flag = ctx.in.u16(4);
    Object.assign(fr.locals, { connectionid: conn, flag_number: flag });
    yield fr.at('check_reserved');
    if (ctx.in.u16(6) !== 0n || conn & ~0xff_ffffn) {
      yield fr.at('reserved');
      return S.INVALID_HYPERCALL_INPUT;
    }
    const port = ctx.hv.port(Number(conn));
    yield fr.at('check_connection');
    if (!port) {
      yield fr.at('connection');
      return S.INVALID_CONNECTION_ID;
    }
    fr.locals.port_type = port.kind;
    yield fr.at('check_port');
    if (port.kind !== 'event') {
      yield fr.at('port');
      return S.INVALID_PORT_ID;
    }
    const f = port.flag + Number(flag);
    fr.locals.flag_count = BigInt(port.flagCount);
    yield fr.at('check_flag');
    if (flag >= BigInt(port.flagCount) || f >= EVENT_FLAGS_COUNT) {
      yield fr.at('flag');
      return S.INVALID_PARAMETER;
    }
    const target = ctx.hv.vp(port.vp);
    fr.locals.target_vp = BigInt(target.index);
    yield fr.at('check_synic');
    if (!ctx.hv.signalable(target, port.sint)) {
      yield fr.at('synic');
      return S.INVALID_SYNIC_STATE;
    }
    const r = ctx.hv.setEventFlag(target, port.sint, f);
    fr.locals.result = r;
    yield fr.at('set');
    yield fr.at('done');
    return S.SUCCESS;
  },
};

/** By call name. */
export const SYNIC_CALLS: Readonly<Record<string, CallHandler>> = {
  HVCALL_POST_MESSAGE: { fn: fnOf(HV_HYPERCALL_C, 'hvcall_post_message'), run: HANDLERS.HVCALL_POST_MESSAGE as CallHandler['run'] },
  HVCALL_SIGNAL_EVENT: { fn: fnOf(HV_HYPERCALL_C, 'hvcall_signal_event'), run: HANDLERS.HVCALL_SIGNAL_EVENT as CallHandler['run'] },
};

const DELIVER = fnOf(HV_HYPERCALL_C, 'synic_deliver_msg');
const SYNIC_EOM = fnOf(HV_HYPERCALL_C, 'hv_synic_eom');
/** A write of HV_REGISTER_EOM: every SINT with something waiting gets a delivery attempt, each a step. */
export function* synicEom(m: Machine, hv: HyperVState, v: Vp): KGen<number> {
  const fr = m.enter(SYNIC_EOM, { vp: BigInt(v.index) });
  v.eoms++;
  for (let s = 0; s < 16; s++) {
    if (!hv.waiting(v, s)) continue;
    fr.locals.sint = BigInt(s);
    fr.locals.result = hv.deliver(v, s);
    yield fr.at('rescan');
  }
  return m.leave(fr, S.SUCCESS);
}

const SYNIC_SEND_EOI = fnOf(HV_HYPERCALL_C, 'hv_synic_send_eoi');
/**
 * The guest's EOI of `vector` at the interrupt controller (KVM's
 * kvm_hv_synic_send_eoi): each SINT on that vector is acked as
 * kvm_hv_notify_acked_sint does, so what waits on it gets a delivery attempt.
 */
export function* synicSendEoi(m: Machine, hv: HyperVState, v: Vp, vector: number): KGen {
  const fr = m.enter(SYNIC_SEND_EOI, { vp: BigInt(v.index), vector: BigInt(vector) });
  for (let s = 0; s < 16; s++) {
    if (!hv.sintOpen(v, s) || Number((v.sint[s] as bigint) & 0xffn) !== vector) continue;
    fr.locals.sint = BigInt(s);
    yield fr.at('match');
    if (!hv.waiting(v, s)) continue;
    fr.locals.result = hv.deliver(v, s);
    yield fr.at('ack');
    yield* deliverFrame(m, hv, v, s, 'eoi');
  }
  m.leave(fr);
}

/** A frame showing what synic_deliver_msg did for one SINT (the work was done by HyperVState). */
export function* deliverFrame(m: Machine, hv: HyperVState, v: Vp, sint: number, why: string): KGen {
  const fr = m.enter(DELIVER, { vp: BigInt(v.index), sint: BigInt(sint), why });
  const active = hv.synicActive(v) && (v.simp & 1n) === 1n;
  fr.locals.queued = BigInt((v.queues[sint] as unknown[]).length);
  if (!active) {
    yield fr.at('inactive');
  } else {
    const slot = hv.readSlot(v, sint);
    fr.locals.message_type = slot.type;
    fr.locals.msg_pending = slot.pending;
    yield fr.at(slot.pending || (v.queues[sint] as unknown[]).length ? 'busy' : 'copy');
    fr.locals.raised = BigInt(v.raised[sint] as number);
    yield fr.at('irq');
  }
  m.leave(fr);
}
