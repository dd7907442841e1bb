/**
 * The simulated hypervisor's HVC handler as a kernel frame: it decodes and
 * validates the control word and the input/output pointers, then runs the
 * call's handler (hv_calls.ts, hv_synic.ts) in a frame of its own.
 */
import type { Frame, KernelFn, KGen } from '../core/frames';
import { fnOf } from '../core/frames';
import type { Machine } from '../core/machine';
import type { Value } from '../core/values';
import { Sym } from '../core/values';
import { le } from './gpa';
import { VP_CALLS } from './hv_calls';
import { HV_HYPERCALL_C } from './hv_hypercall_c';
import { SYNIC_CALLS } from './hv_synic';
import type { HyperVState, Vp } from './partition';
import type { CallDef } from './tlfs';
import { CALL_BY_CODE, PAGE, PAYLOAD_BYTES, S, callAliases, decodeControl, encodeResult, statusSym } from './tlfs';

const HV_HVC_HANDLER = fnOf(HV_HYPERCALL_C, 'hv_hvc_handler');
/** A call's handler: its frame in the listing and the code that runs in it. */
export interface CallHandler {
  readonly fn: KernelFn;
  readonly run: (m: Machine, ctx: Ctx, fr: Frame) => KGen<number>;
}

const HANDLERS: Readonly<Record<string, CallHandler>> = { ...VP_CALLS, ...SYNIC_CALLS };
const EARLY_CALLS: ReadonlySet<string> = new Set(['HVCALL_GET_VP_REGISTERS', 'HVCALL_SET_VP_REGISTERS']);

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
export interface Input {
  u64(off: number): bigint;
  u32(off: number): bigint;
  u16(off: number): bigint;
  u8(off: number): bigint;
}

export interface Ctx {
  readonly hv: HyperVState;
  readonly vp: Vp;
  readonly def: CallDef;
  readonly fast: boolean;
  /** The variable header's size in qwords, as the control word declares it. */
  readonly varHead: number;
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

/**
 * Input size in bytes of a call: its fixed header, the variable header the
 * control word declares (a sparse VP set's banks) and the rep elements.
 */
export function inputSize(def: CallDef, repCount: number, varHead: number): number {
  const v = 8 * varHead;
  switch (def.name) {
    case 'HVCALL_GET_VP_REGISTERS': return 16 + 4 * repCount;
    case 'HVCALL_SET_VP_REGISTERS': return 16 + 32 * repCount;
    case 'HVCALL_POST_MESSAGE': return 16 + PAYLOAD_BYTES;
    case 'HVCALL_SIGNAL_EVENT': return 8;
    case 'HVCALL_NOTIFY_LONG_SPIN_WAIT': return 8;
    case 'HVCALL_SEND_IPI': return 16;
    case 'HVCALL_SEND_IPI_EX': return 24 + v;
    case 'HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE': return 24;
    case 'HVCALL_FLUSH_VIRTUAL_ADDRESS_LIST': return 24 + 8 * repCount;
    case 'HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE_EX': return 32 + v;
    case 'HVCALL_FLUSH_VIRTUAL_ADDRESS_LIST_EX': return 32 + v + 8 * repCount;
    case 'HVCALL_RETARGET_INTERRUPT': return 48;
    case 'HVCALL_START_VIRTUAL_PROCESSOR': return 88;
    default: return 0;
  }
}

export function outputSize(def: CallDef, repCount: number): number {
  return def.output ? 16 * repCount : 0;
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
    if (label) {
      // Refused before its handler ran: a breakpoint on this hypercall's name or code stops at the refusing check.
      const def = CALL_BY_CODE.get(ctl.code);
      if (def) fr.late = callAliases(def);
      yield fr.at(label);
    }
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
  // A step point at each check, then at the return of the one that fails.
  yield fr.at('check_reserved');
  if (ctl.reserved) return yield* finish(S.INVALID_HYPERCALL_INPUT, 0, [], 'reserved');
  const def = CALL_BY_CODE.get(ctl.code);
  yield fr.at('check_lookup');
  if (!def) return yield* finish(S.INVALID_HYPERCALL_CODE, 0, [], 'lookup');
  fr.locals.guest_os_id = hv.part().guestOsid;
  yield fr.at('check_osid');
  // ARM64: until the guest identifies itself only the register calls run, and those only on the early lists (hv_calls.ts).
  if (!hv.part().guestOsid && !EARLY_CALLS.has(def.name)) return yield* finish(S.ACCESS_DENIED, 0, [], 'osid');
  yield fr.at('check_rep');
  if (def.rep ? ctl.repCount === 0 || ctl.repStart >= ctl.repCount : ctl.repCount !== 0 || ctl.repStart !== 0) {
    return yield* finish(S.INVALID_HYPERCALL_INPUT, 0, [], 'rep');
  }
  fr.locals.var_cnt = BigInt(ctl.varHead);
  yield fr.at('check_varhead');
  // TLFS: a variable header on a call not documented to take one is invalid input.
  if (ctl.varHead && !def.varHeader) return yield* finish(S.INVALID_HYPERCALL_INPUT, 0, [], 'varhead');
  const inBytes = inputSize(def, ctl.repCount, ctl.varHead);
  const outBytes = outputSize(def, ctl.repCount);
  let inp: Input;
  let writeOut: (off: number, b: Uint8Array) => void;
  if (ctl.fast) {
    const regs = a.regs ?? new Uint8Array(0);
    inp = bytesInput(regs);
    yield fr.at('check_fast');
    if (inBytes > FAST_INPUT_BYTES) return yield* finish(S.INVALID_HYPERCALL_INPUT, 0, [], 'fast');
    writeOut = () => undefined;
  } else {
    const ingpa = a.inGpa ?? 0n;
    const outgpa = a.outGpa ?? 0n;
    inp = gpaInput(hv, ingpa);
    // The hypervisor ignores the GPA of parameters a call does not have: only a call with output checks outgpa.
    const misaligned = (inBytes > 0 && ingpa & 7n) || (outBytes > 0 && outgpa & 7n);
    yield fr.at('check_align');
    if (misaligned || crossesPage(ingpa, inBytes) || crossesPage(outgpa, outBytes)) return yield* finish(S.INVALID_ALIGNMENT, 0, [], 'align');
    writeOut = (off, b) => hv.gpa.write(outgpa + BigInt(off), b);
  }
  const ctx: Ctx = {
    hv, vp, def, fast: ctl.fast, varHead: ctl.varHead, repCount: ctl.repCount, repStart: ctl.repStart, in: inp, writeOut, output: [],
    reps: def.rep ? ctl.repStart : 0,
  };
  yield fr.at('call');
  const status = yield* runCall(m, ctx);
  return yield* finish(status, ctx.reps, ctx.output);
}

function* runCall(m: Machine, ctx: Ctx): KGen<number> {
  const h = HANDLERS[ctx.def.name] as CallHandler;
  const fr = m.enter(h.fn, { code: new Sym(ctx.def.name, BigInt(ctx.def.code)), rep_cnt: BigInt(ctx.repCount), rep_idx: BigInt(ctx.repStart) }, callAliases(ctx.def));
  const status = yield* h.run(m, ctx, fr);
  return m.leave(fr, status);
}

