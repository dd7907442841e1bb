/**
 * The handlers of the hypercalls that act on VPs and their registers, IPIs
 * and flushes, each in its frame of hypervisor/hv_hypercall.c.
 */
import type { Frame, KGen } from '../core/frames';
import { fnOf } from '../core/frames';
import { fromQwords } from './gpa';
import type { CallHandler, Ctx } from './hv_hypercall';
import { HV_HYPERCALL_C } from './hv_hypercall_c';
import { synicEom } from './hv_synic';
import type { Vp } from './partition';
import { stimerWrite } from './stimer';
import { EARLY_GET, EARLY_SET, HV_PARTITION_ID_SELF, HV_VP_INDEX_SELF, REG_BY_NUM, S } from './tlfs';

const HV_GENERIC_SET_SPARSE_4K = 0n;
const HV_GENERIC_SET_ALL = 1n;
const HV_IPI_LOW_VECTOR = 0x10n;
const HV_IPI_HIGH_VECTOR = 0xffn;
import { readReg, writeReg } from './vp_registers';

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
  if (format === HV_GENERIC_SET_ALL) return Array.from({ length: n }, (_, i) => i);
  if (format !== HV_GENERIC_SET_SPARSE_4K) return undefined;
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

function popcount(x: bigint): number {
  let n = 0;
  for (let v = x; v; v &= v - 1n) n++;
  return n;
}

/**
 * KVM's kvm_hv_send_ipi / kvm_hv_flush_tlb: the variable header is the
 * sparse set's banks, one qword per bit of valid_bank_mask, whatever the
 * set's format. A caller that declares another size gets invalid input.
 */
function* varHeadMatches(ctx: Ctx, fr: Frame, validBankMask: bigint): KGen<boolean> {
  if (ctx.varHead === popcount(validBankMask)) return true;
  yield fr.at('varhead');
  return false;
}

function maskVps(ctx: Ctx, mask: bigint): number[] {
  const n = ctx.hv.part().vps.length;
  const out: number[] = [];
  for (let b = 0; b < 64 && b < n; b++) if ((mask >> BigInt(b)) & 1n) out.push(b);
  return out;
}

type Handler = CallHandler['run'];

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
      if (!ctx.hv.part().guestOsid && !EARLY_GET.has(r.name)) {
        fr.locals.reg = r.name;
        yield fr.at('early');
        return S.ACCESS_DENIED;
      }
      const v = readReg(ctx.hv, t, r);
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
      // Checked per element: a GUEST_OSID written by an earlier element opens the rest of the list.
      if (!ctx.hv.part().guestOsid && !EARLY_SET.has(r.name)) {
        yield fr.at('early');
        return S.ACCESS_DENIED;
      }
      yield fr.at('rep');
      const v64 = value & ((1n << 64n) - 1n);
      const st = r.kind === 'eom' ? yield* synicEom(m, ctx.hv, t) : r.kind === 'stimer_config' || r.kind === 'stimer_count' ? yield* stimerWrite(m, ctx.hv, t, r.kind, r.index ?? 0, v64) : writeReg(ctx.hv, t, r, v64);
      if (st !== S.SUCCESS) {
        yield fr.at('fail');
        return st;
      }
      ctx.reps = i + 1;
    }
    yield fr.at('done');
    return S.SUCCESS;
  },
  *HVCALL_SEND_IPI(_m, ctx, fr) {
    fr.locals.cpu_mask = ctx.in.u64(8);
    return yield* sendIpi(ctx, fr, maskVps(ctx, ctx.in.u64(8)));
  },
  *HVCALL_SEND_IPI_EX(_m, ctx, fr) {
    const format = ctx.in.u64(8);
    const banks = ctx.in.u64(16);
    Object.assign(fr.locals, { format, valid_bank_mask: banks });
    if (!(yield* varHeadMatches(ctx, fr, banks))) return S.INVALID_HYPERCALL_INPUT;
    // KVM's kvm_hv_send_ipi returns before the vector check when a sparse set has no bank (hyperv_features stage 14).
    if (format === HV_GENERIC_SET_SPARSE_4K && banks === 0n) {
      yield fr.at('empty');
      return S.SUCCESS;
    }
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
    return yield* flush(ctx, fr, () => parseVpset(ctx, 16), ctx.in.u64(24));
  },
  *HVCALL_FLUSH_VIRTUAL_ADDRESS_LIST_EX(_m, ctx, fr) {
    return yield* flush(ctx, fr, () => parseVpset(ctx, 16), ctx.in.u64(24));
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
  if (vector < HV_IPI_LOW_VECTOR || vector > HV_IPI_HIGH_VECTOR) {
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

/** The _EX calls' valid_bank_mask given, the `flush` of a plain call takes none. */
function* flush(ctx: Ctx, fr: Frame, targets: () => number[] | undefined, validBankMask?: bigint): KGen<number> {
  const flags = ctx.in.u64(8);
  fr.locals.address_space = ctx.in.u64(0);
  fr.locals.flags = flags;
  if (flags & ~0xfn) {
    yield fr.at('flags');
    return S.INVALID_PARAMETER;
  }
  if (validBankMask !== undefined && !(yield* varHeadMatches(ctx, fr, validBankMask))) return S.INVALID_HYPERCALL_INPUT;
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

const HVCALL_SEND_IPI = fnOf(HV_HYPERCALL_C, 'hvcall_send_ipi');
const HVCALL_FLUSH = fnOf(HV_HYPERCALL_C, 'hvcall_flush');
const fnFor = (name: string): CallHandler['fn'] => {
  if (name.startsWith('HVCALL_SEND_IPI')) return HVCALL_SEND_IPI;
  if (name.startsWith('HVCALL_FLUSH_')) return HVCALL_FLUSH;
  return fnOf(HV_HYPERCALL_C, name.toLowerCase());
};

/** By call name; the IPI calls share one frame, and so do the four flushes. */
export const VP_CALLS: Readonly<Record<string, CallHandler>> = Object.fromEntries(
  Object.entries(HANDLERS).map(([name, run]) => [name, { fn: fnFor(name), run }]),
);
