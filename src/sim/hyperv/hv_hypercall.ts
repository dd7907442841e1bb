/**
 * The hypercall path as kernel frames: the guest's hv_do_hvc and the
 * simulated hypervisor's HVC handler and per-call handlers.
 */
import type { Frame, KernelFn, KGen } from '../core/frames';
import { fnOf } from '../core/frames';
import type { Machine } from '../core/machine';
import type { Value } from '../core/values';
import { Sym } from '../core/values';
import { fromQwords, le } from './gpa';
import { HV_HYPERCALL_C } from './hv_hypercall_c';
import type { HyperVState, Vp } from './partition';
import { stimerWrite } from './stimer';
import type { CallDef } from './tlfs';
import {
  CALL_BY_CODE, EVENT_FLAGS_COUNT, HV_PARTITION_ID_SELF, HV_VP_INDEX_SELF, PAGE, PAYLOAD_BYTES, REG_BY_NUM, S, callAliases,
  decodeControl, encodeResult, statusSym,
} from './tlfs';

const HV_HVC_HANDLER = fnOf(HV_HYPERCALL_C, 'hv_hvc_handler');
const HVCALL_GET_VP_REGISTERS = fnOf(HV_HYPERCALL_C, 'hvcall_get_vp_registers');
const HVCALL_SET_VP_REGISTERS = fnOf(HV_HYPERCALL_C, 'hvcall_set_vp_registers');
const HVCALL_POST_MESSAGE = fnOf(HV_HYPERCALL_C, 'hvcall_post_message');
const HVCALL_SIGNAL_EVENT = fnOf(HV_HYPERCALL_C, 'hvcall_signal_event');
const HVCALL_SEND_IPI = fnOf(HV_HYPERCALL_C, 'hvcall_send_ipi');
const HVCALL_FLUSH = fnOf(HV_HYPERCALL_C, 'hvcall_flush');
const HVCALL_NOTIFY_LONG_SPIN_WAIT = fnOf(HV_HYPERCALL_C, 'hvcall_notify_long_spin_wait');
const HVCALL_RETARGET_INTERRUPT = fnOf(HV_HYPERCALL_C, 'hvcall_retarget_interrupt');
const HVCALL_START_VIRTUAL_PROCESSOR = fnOf(HV_HYPERCALL_C, 'hvcall_start_virtual_processor');

/** Each call's handler in the listing: the IPI calls share one, and so do the four flushes. */
const CALL_FN: Readonly<Record<string, KernelFn>> = {
  HVCALL_GET_VP_REGISTERS, HVCALL_SET_VP_REGISTERS, HVCALL_POST_MESSAGE, HVCALL_SIGNAL_EVENT, HVCALL_NOTIFY_LONG_SPIN_WAIT,
  HVCALL_RETARGET_INTERRUPT, HVCALL_START_VIRTUAL_PROCESSOR, HVCALL_SEND_IPI, HVCALL_SEND_IPI_EX: HVCALL_SEND_IPI,
  HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE: HVCALL_FLUSH, HVCALL_FLUSH_VIRTUAL_ADDRESS_LIST: HVCALL_FLUSH,
  HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE_EX: HVCALL_FLUSH, HVCALL_FLUSH_VIRTUAL_ADDRESS_LIST_EX: HVCALL_FLUSH,
};
/** Fast calls: input in x2..x17. */
export const FAST_INPUT_BYTES = 16 * 8;

export interface HvcResult {
  readonly code: number;
  readonly status: number;
  readonly reps: number;
  readonly output: Value[];
  /** x0 as the guest sees it. */
  readonly x0: bigint;
}

/** Where a hypercall's input comes from: registers (fast) or guest memory (slow). */
interface Input {
  u64(off: number): bigint;
  u32(off: number): bigint;
  u16(off: number): bigint;
  u8(off: number): bigint;
}

interface Ctx {
  readonly hv: HyperVState;
  readonly vp: Vp;
  readonly def: CallDef;
  readonly fast: boolean;
  readonly repCount: number;
  readonly repStart: number;
  readonly in: Input;
  /** Writes output element bytes (slow: to the output page; fast: kept in registers). */
  writeOut(off: number, bytes: Uint8Array): void;
  readonly output: Value[];
  reps: number;
}

function bytesInput(b: Uint8Array): Input {
  const at = (off: number, n: number): bigint => {
    const out = new Uint8Array(n);
    out.set(b.subarray(Math.min(off, b.length), Math.min(off + n, b.length)));
    return le(out);
  };
  return { u64: (o) => at(o, 8), u32: (o) => at(o, 4), u16: (o) => at(o, 2), u8: (o) => at(o, 1) };
}

function gpaInput(hv: HyperVState, base: bigint): Input {
  return {
    u64: (o) => hv.gpa.readU64(base + BigInt(o)),
    u32: (o) => hv.gpa.readU32(base + BigInt(o)),
    u16: (o) => hv.gpa.readU16(base + BigInt(o)),
    u8: (o) => BigInt(hv.gpa.readU8(base + BigInt(o))),
  };
}

function popcount(x: bigint): number {
  let n = 0;
  for (let v = x; v; v &= v - 1n) n++;
  return n;
}

/** Bytes of a hv_vpset at `off` (format, valid_bank_mask, bank_contents[]). */
function vpsetSize(inp: Input, off: number): number {
  const format = inp.u64(off);
  return 16 + (format === 0n ? 8 * popcount(inp.u64(off + 8)) : 0);
}

/** Input size in bytes of a call, reading the variable header where there is one. */
export function inputSize(def: CallDef, repCount: number, inp: Input): number {
  switch (def.name) {
    case 'HVCALL_GET_VP_REGISTERS': return 16 + 4 * repCount;
    case 'HVCALL_SET_VP_REGISTERS': return 16 + 32 * repCount;
    case 'HVCALL_POST_MESSAGE': return 16 + PAYLOAD_BYTES;
    case 'HVCALL_SIGNAL_EVENT': return 8;
    case 'HVCALL_NOTIFY_LONG_SPIN_WAIT': return 8;
    case 'HVCALL_SEND_IPI': return 16;
    case 'HVCALL_SEND_IPI_EX': return 8 + vpsetSize(inp, 8);
    case 'HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE': return 24;
    case 'HVCALL_FLUSH_VIRTUAL_ADDRESS_LIST': return 24 + 8 * repCount;
    case 'HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE_EX': return 16 + vpsetSize(inp, 16);
    case 'HVCALL_FLUSH_VIRTUAL_ADDRESS_LIST_EX': return 16 + vpsetSize(inp, 16) + 8 * repCount;
    case 'HVCALL_RETARGET_INTERRUPT': return 48;
    case 'HVCALL_START_VIRTUAL_PROCESSOR': return 88;
    default: return 0;
  }
}

export function outputSize(def: CallDef, repCount: number): number {
  return def.name === 'HVCALL_GET_VP_REGISTERS' ? 16 * repCount : 0;
}

function crossesPage(gpa: bigint, size: number): boolean {
  return size > 0 && (gpa & 0xfffn) + BigInt(size) > BigInt(PAGE);
}

export interface HvcArgs {
  readonly control: bigint;
  /** Fast calls: the input bytes (x2..x17). */
  readonly regs?: Uint8Array;
  readonly inGpa?: bigint;
  readonly outGpa?: bigint;
}

/**
 * The hypervisor's HVC handler: decodes the control word, validates it and
 * the input/output pointers, runs the call's handler. Sets nothing in `last`;
 * raises `hv_error` when the status is not SUCCESS.
 */
export function* hvcHandler(m: Machine, hv: HyperVState, vp: Vp, a: HvcArgs): KGen<HvcResult> {
  const ctl = decodeControl(a.control);
  const fr = m.enter(HV_HVC_HANDLER, { vp: BigInt(vp.index), control: a.control, ...(a.inGpa !== undefined ? { ingpa: a.inGpa } : {}), ...(a.outGpa !== undefined ? { outgpa: a.outGpa } : {}) }, ['hvc']);
  hv.part().hypercalls++;
  Object.assign(fr.locals, { code: BigInt(ctl.code), fast: ctl.fast, rep_cnt: BigInt(ctl.repCount), rep_idx: BigInt(ctl.repStart) });
  yield fr.at('decode');
  const finish = function* (status: number, reps: number, output: Value[], label?: string): KGen<HvcResult> {
    if (label) yield fr.at(label);
    const x0 = encodeResult(status, reps);
    fr.locals.ret = statusSym(status);
    fr.locals.rep_done = BigInt(reps);
    yield fr.at('result');
    m.leave(fr);
    if (status !== S.SUCCESS) {
      const name = CALL_BY_CODE.get(ctl.code)?.name ?? `0x${ctl.code.toString(16)}`;
      m.raise('hv_error', `hypercall ${name}: ${statusSym(status).name} (${status})`, { code: BigInt(ctl.code), status: statusSym(status), reps_completed: BigInt(reps) });
    }
    return { code: ctl.code, status, reps, output, x0 };
  };
  if (ctl.reserved) return yield* finish(S.INVALID_HYPERCALL_INPUT, 0, [], 'reserved');
  const def = CALL_BY_CODE.get(ctl.code);
  if (!def) return yield* finish(S.INVALID_HYPERCALL_CODE, 0, [], 'lookup');
  if (def.rep ? ctl.repCount === 0 || ctl.repStart >= ctl.repCount : ctl.repCount !== 0 || ctl.repStart !== 0) {
    return yield* finish(S.INVALID_HYPERCALL_INPUT, 0, [], 'rep');
  }
  let inp: Input;
  let writeOut: (off: number, b: Uint8Array) => void;
  if (ctl.fast) {
    const regs = a.regs ?? new Uint8Array(0);
    inp = bytesInput(regs);
    if (inputSize(def, ctl.repCount, inp) > FAST_INPUT_BYTES) return yield* finish(S.INVALID_HYPERCALL_INPUT, 0, [], 'fast');
    writeOut = () => undefined;
  } else {
    const ingpa = a.inGpa ?? 0n;
    const outgpa = a.outGpa ?? 0n;
    inp = gpaInput(hv, ingpa);
    if (ingpa & 7n || outgpa & 7n) return yield* finish(S.INVALID_ALIGNMENT, 0, [], 'align');
    if (crossesPage(ingpa, inputSize(def, ctl.repCount, inp)) || crossesPage(outgpa, outputSize(def, ctl.repCount))) {
      return yield* finish(S.INVALID_ALIGNMENT, 0, [], 'align');
    }
    writeOut = (off, b) => hv.gpa.write(outgpa + BigInt(off), b);
  }
  const ctx: Ctx = { hv, vp, def, fast: ctl.fast, repCount: ctl.repCount, repStart: ctl.repStart, in: inp, writeOut, output: [], reps: def.rep ? ctl.repStart : 0 };
  yield fr.at('call');
  const status = yield* runCall(m, ctx);
  return yield* finish(status, ctx.reps, ctx.output);
}

function* runCall(m: Machine, ctx: Ctx): KGen<number> {
  const fr = m.enter(CALL_FN[ctx.def.name] as KernelFn, { code: new Sym(ctx.def.name, BigInt(ctx.def.code)), rep_cnt: BigInt(ctx.repCount), rep_idx: BigInt(ctx.repStart) }, callAliases(ctx.def));
  const status = yield* HANDLERS[ctx.def.name]!(m, ctx, fr);
  m.leave(fr);
  return status;
}

type Handler = (m: Machine, ctx: Ctx, fr: Frame) => KGen<number>;

function* targetVp(ctx: Ctx, fr: Frame): KGen<Vp | number> {
  const partition = ctx.in.u64(0);
  const vpindex = ctx.in.u32(8);
  fr.locals.partitionid = partition;
  fr.locals.vpindex = vpindex;
  if (partition !== HV_PARTITION_ID_SELF) {
    yield fr.at('partition');
    return S.INVALID_PARTITION_ID;
  }
  const t = vpindex === HV_VP_INDEX_SELF ? ctx.vp : ctx.hv.part().vps[Number(vpindex)];
  if (!t || vpindex > 0xffff_ffffn) {
    yield fr.at('vp');
    return S.INVALID_VP_INDEX;
  }
  return t;
}

/** The VPs a hv_vpset at `off` names, or undefined when its format is unknown. */
function parseVpset(ctx: Ctx, off: number): number[] | undefined {
  const format = ctx.in.u64(off);
  const n = ctx.hv.part().vps.length;
  if (format === 1n) return Array.from({ length: n }, (_, i) => i);
  if (format !== 0n) return undefined;
  const mask = ctx.in.u64(off + 8);
  const out: number[] = [];
  let k = 0;
  for (let bank = 0; bank < 64; bank++) {
    if (!((mask >> BigInt(bank)) & 1n)) continue;
    const bits = ctx.in.u64(off + 16 + 8 * k++);
    for (let b = 0; b < 64; b++) if ((bits >> BigInt(b)) & 1n && bank * 64 + b < n) out.push(bank * 64 + b);
  }
  return out;
}

function maskVps(ctx: Ctx, mask: bigint): number[] {
  const n = ctx.hv.part().vps.length;
  const out: number[] = [];
  for (let b = 0; b < 64 && b < n; b++) if ((mask >> BigInt(b)) & 1n) out.push(b);
  return out;
}

const HANDLERS: Record<string, Handler> = {
  *HVCALL_GET_VP_REGISTERS(_m, ctx, fr) {
    const t = yield* targetVp(ctx, fr);
    if (typeof t === 'number') return t;
    for (let i = ctx.repStart; i < ctx.repCount; i++) {
      const name = Number(ctx.in.u32(16 + 4 * i));
      fr.locals.i = BigInt(i);
      fr.locals.name = BigInt(name);
      const r = REG_BY_NUM.get(name);
      if (!r) {
        yield fr.at('unknown');
        return S.INVALID_PARAMETER;
      }
      const v = ctx.hv.readReg(t, r);
      fr.locals.reg = r.name;
      fr.locals.value = v;
      ctx.writeOut(16 * i, fromQwords([v & ((1n << 64n) - 1n), v >> 64n]));
      ctx.output.push(v);
      ctx.reps = i + 1;
      yield fr.at('rep');
    }
    yield fr.at('done');
    return S.SUCCESS;
  },
  *HVCALL_SET_VP_REGISTERS(m, ctx, fr) {
    const t = yield* targetVp(ctx, fr);
    if (typeof t === 'number') return t;
    for (let i = ctx.repStart; i < ctx.repCount; i++) {
      const off = 16 + 32 * i;
      const name = Number(ctx.in.u32(off));
      const value = ctx.in.u64(off + 16) | (ctx.in.u64(off + 24) << 64n);
      fr.locals.i = BigInt(i);
      fr.locals.name = BigInt(name);
      fr.locals.value = value;
      const r = REG_BY_NUM.get(name);
      if (!r) {
        yield fr.at('invalid');
        return S.INVALID_PARAMETER;
      }
      fr.locals.reg = r.name;
      yield fr.at('rep');
      const v64 = value & ((1n << 64n) - 1n);
      const st = r.kind === 'eom' ? yield* synicEom(m, ctx.hv, t) : r.kind === 'stimer_config' || r.kind === 'stimer_count' ? yield* stimerWrite(m, ctx.hv, t, r.kind, r.index ?? 0, v64) : ctx.hv.writeReg(t, r, v64);
      if (st !== S.SUCCESS) {
        yield fr.at('fail');
        return st;
      }
      ctx.reps = i + 1;
    }
    yield fr.at('done');
    return S.SUCCESS;
  },
  *HVCALL_POST_MESSAGE(m, ctx, fr) {
    const conn = ctx.in.u32(0);
    const type = ctx.in.u32(8);
    const size = ctx.in.u32(12);
    Object.assign(fr.locals, { connectionid: conn, message_type: type, payload_size: size });
    if (ctx.in.u32(4) !== 0n) {
      yield fr.at('reserved');
      return S.INVALID_HYPERCALL_INPUT;
    }
    if (size > BigInt(PAYLOAD_BYTES) || type & 0x8000_0000n) {
      yield fr.at('params');
      return S.INVALID_PARAMETER;
    }
    const port = ctx.hv.port(Number(conn));
    if (!port || port.kind !== 'message') {
      yield fr.at('connection');
      return S.INVALID_CONNECTION_ID;
    }
    const target = ctx.hv.vp(port.vp);
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
    if (ctx.in.u16(6) !== 0n || conn & ~0xff_ffffn) {
      yield fr.at('reserved');
      return S.INVALID_HYPERCALL_INPUT;
    }
    const port = ctx.hv.port(Number(conn));
    if (!port || port.kind !== 'event') {
      yield fr.at('connection');
      return S.INVALID_CONNECTION_ID;
    }
    const f = port.flag + Number(flag);
    if (f >= EVENT_FLAGS_COUNT) {
      yield fr.at('flag');
      return S.INVALID_PARAMETER;
    }
    const r = ctx.hv.setEventFlag(ctx.hv.vp(port.vp), port.sint, f);
    fr.locals.result = r;
    yield fr.at('set');
    yield fr.at('done');
    return S.SUCCESS;
  },
  *HVCALL_SEND_IPI(_m, ctx, fr) {
    return yield* sendIpi(ctx, fr, maskVps(ctx, ctx.in.u64(8)));
  },
  *HVCALL_SEND_IPI_EX(_m, ctx, fr) {
    const set = parseVpset(ctx, 8);
    if (!set) {
      yield fr.at('vpset');
      return S.INVALID_HYPERCALL_INPUT;
    }
    return yield* sendIpi(ctx, fr, set);
  },
  *HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE(_m, ctx, fr) {
    return yield* flush(ctx, fr, () => maskVps(ctx, ctx.in.u64(16)));
  },
  *HVCALL_FLUSH_VIRTUAL_ADDRESS_LIST(_m, ctx, fr) {
    return yield* flush(ctx, fr, () => maskVps(ctx, ctx.in.u64(16)));
  },
  *HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE_EX(_m, ctx, fr) {
    return yield* flush(ctx, fr, () => parseVpset(ctx, 16));
  },
  *HVCALL_FLUSH_VIRTUAL_ADDRESS_LIST_EX(_m, ctx, fr) {
    return yield* flush(ctx, fr, () => parseVpset(ctx, 16));
  },
  *HVCALL_NOTIFY_LONG_SPIN_WAIT(_m, ctx, fr) {
    fr.locals.spin_count = ctx.in.u64(0);
    ctx.hv.part().spinWaits++;
    yield fr.at('spin');
    return S.SUCCESS;
  },
  *HVCALL_RETARGET_INTERRUPT(_m, ctx, fr) {
    const partition = ctx.in.u64(0);
    Object.assign(fr.locals, { partition_id: partition, device_id: ctx.in.u64(8), vector: ctx.in.u32(32), vp_mask: ctx.in.u64(40) });
    if (partition !== HV_PARTITION_ID_SELF) {
      yield fr.at('partition');
      return S.INVALID_PARTITION_ID;
    }
    ctx.hv.part().retargets++;
    yield fr.at('retarget');
    return S.SUCCESS;
  },
  *HVCALL_START_VIRTUAL_PROCESSOR(_m, ctx, fr) {
    const partition = ctx.in.u64(0);
    const index = ctx.in.u32(8);
    Object.assign(fr.locals, { partitionid: partition, vpindex: index, pc: ctx.in.u64(16) });
    if (partition !== HV_PARTITION_ID_SELF) {
      yield fr.at('partition');
      return S.INVALID_PARTITION_ID;
    }
    const t = ctx.hv.part().vps[Number(index)];
    if (!t) {
      yield fr.at('vp');
      return S.INVALID_VP_INDEX;
    }
    if (t.started) {
      yield fr.at('state');
      return S.INVALID_VP_STATE;
    }
    t.started = true;
    yield fr.at('start');
    return S.SUCCESS;
  },
};

function* sendIpi(ctx: Ctx, fr: Frame, targets: number[]): KGen<number> {
  const vector = ctx.in.u32(0);
  fr.locals.vector = vector;
  fr.locals.targets = targets.map(BigInt);
  if (!targets.length) {
    yield fr.at('empty');
    return S.SUCCESS;
  }
  if (vector < 0x10n || vector > 0xffn) {
    yield fr.at('vector');
    return S.INVALID_HYPERCALL_INPUT;
  }
  for (const t of targets) {
    const v = ctx.hv.vp(t);
    v.ipis++;
    v.irq.set(Number(vector), (v.irq.get(Number(vector)) ?? 0) + 1);
  }
  yield fr.at('send');
  yield fr.at('done');
  return S.SUCCESS;
}

function* flush(ctx: Ctx, fr: Frame, targets: () => number[] | undefined): KGen<number> {
  const flags = ctx.in.u64(8);
  fr.locals.address_space = ctx.in.u64(0);
  fr.locals.flags = flags;
  if (flags & ~0xfn) {
    yield fr.at('flags');
    return S.INVALID_PARAMETER;
  }
  const t = targets();
  if (!t) {
    yield fr.at('vpset');
    return S.INVALID_HYPERCALL_INPUT;
  }
  fr.locals.targets = t.map(BigInt);
  ctx.hv.part().flushes++;
  for (let i = ctx.repStart; i < ctx.repCount; i++) {
    ctx.reps = i + 1;
    fr.locals.i = BigInt(i);
    yield fr.at('rep');
  }
  yield fr.at('done');
  return S.SUCCESS;
}

const DELIVER = fnOf(HV_HYPERCALL_C, 'synic_deliver_msg');
const SYNIC_EOM = fnOf(HV_HYPERCALL_C, 'hv_synic_eom');
/** A write of HV_REGISTER_EOM: every SINT with something waiting gets a delivery attempt, each a step. */
function* synicEom(m: Machine, hv: HyperVState, v: Vp): KGen<number> {
  const fr = m.enter(SYNIC_EOM, { vp: BigInt(v.index) });
  v.eoms++;
  for (let s = 0; s < 16; s++) {
    if (!hv.waiting(v, s)) continue;
    fr.locals.sint = BigInt(s);
    fr.locals.result = hv.deliver(v, s);
    yield fr.at('rescan');
  }
  m.leave(fr);
  return S.SUCCESS;
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
