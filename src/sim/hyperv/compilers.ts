import type { Arg, Stmt } from '../scenario/ast';
import { ScenarioError } from '../scenario/diagnostics';
import { argBig, argInt, argValue } from '../scenario/args';
import type { StatementCompiler } from '../scenario/compile';
import { fnOf } from '../core/frames';
import type { Machine } from '../core/machine';
import type { Value } from '../core/values';
import { Sym, formatValue, toBig } from '../core/values';
import { fromQwords, leBytes, qwords } from './gpa';
import { hv_do_hvc, hv_do_hvc_regs, hv_do_hypercall, hv_get_vpreg, hv_set_vpreg, hvcValue, vmbus_signal_eom } from './hv_core';
import type { HvcResult } from './hv_hypercall';
import { HV_HYPERCALL_C } from './hv_hypercall_c';
import { synicSendEoi } from './hv_synic';
import type { HyperV } from './subsystem';
import type { Vp } from './partition';
import type { CallDef, RegDef } from './tlfs';
import { work } from '../core/work';
import {
  CALL_BY_CODE, CALL_BY_NAME, EVENT_FLAGS_COUNT, HV_PARTITION_ID_SELF, HV_VP_INDEX_SELF, PAGE, PAYLOAD_BYTES, REG_BY_NAME, REG_BY_NUM, S, SINT_COUNT,
  VARHEAD_MAX, encodeControl, statusSym,
} from './tlfs';

const HV_GENERIC_SET_SPARSE_4K = 0n;
const HV_GENERIC_SET_ALL = 1n;

const HV_HOST_POST_MESSAGE = fnOf(HV_HYPERCALL_C, 'hv_host_post_message');

/** A register named by `SINT2`, `HV_REGISTER_SINT2`, or a number (an unknown number is passed through: the hypervisor rejects it). */
function regNumber(m: Machine, a: Arg): { num: number; def?: RegDef } {
  if (a.word) {
    const d = REG_BY_NAME.get(a.word);
    if (d) return { num: d.num, def: d };
  }
  const v = argValue(m, a);
  const n = toBig(v);
  if (n === undefined) throw new ScenarioError(`unknown register ${formatValue(v)} (write SINT2, HV_REGISTER_SINT2 or a register number)`, a.range);
  if (n < 0n || n > 0xffff_ffffn) throw new ScenarioError(`register number ${n} does not fit a u32`, a.range);
  const def = REG_BY_NUM.get(Number(n));
  return def ? { num: Number(n), def } : { num: Number(n) };
}

function vpOf(m: Machine, hv: HyperV, s: Stmt): Vp {
  const a = s.keys.get('vp');
  const i = a ? argInt(m, a, 'vp=') : 0;
  try {
    return hv.state.vp(i);
  } catch (e) {
    if (e instanceof ScenarioError && a) throw new ScenarioError(e.message, a.range);
    throw e;
  }
}

/**
 * A value for a field `bits` wide. A negative value that fits the signed
 * field is taken as its two's complement; anything wider is a scenario
 * error: a silently truncated value would run a different call than written.
 */
function fitField(n: bigint, bits: number, what: string, a: Arg): bigint {
  const b = BigInt(bits);
  if (n < -(1n << (b - 1n)) || n >= 1n << b) {
    const shown = n < 0n ? `${n}` : `0x${n.toString(16)}`;
    throw new ScenarioError(`${what} ${shown} does not fit its ${bits}-bit field`, a.range);
  }
  return BigInt.asUintN(bits, n);
}

function fit(m: Machine, a: Arg, what: string, bits: number): bigint {
  return fitField(argBig(m, a, what), bits, what, a);
}

function u64(m: Machine, a: Arg, what: string): bigint {
  return fit(m, a, what, 64);
}

function listOf(m: Machine, a: Arg, what: string, bits = 64): bigint[] {
  const v = argValue(m, a);
  const items = Array.isArray(v) ? (v as readonly Value[]) : [v];
  return items.map((x) => {
    const n = toBig(x);
    if (n === undefined) throw new ScenarioError(`${what} must be a list of numbers, not ${formatValue(v)}`, a.range);
    return fitField(n, bits, `${what} element`, a);
  });
}

function key(m: Machine, s: Stmt, k: string, dflt: bigint, bits = 64): bigint {
  const a = s.keys.get(k);
  return a ? fit(m, a, `${k}=`, bits) : dflt;
}

/** Input bytes of `hvc <CALL> field=...`, its natural rep count and variable header size. */
function buildInput(m: Machine, hv: HyperV, s: Stmt, def: CallDef, rep = 1): { bytes: Uint8Array; reps: number; varHead?: number } {
  const q = (vals: bigint[]): Uint8Array => fromQwords(vals);
  const partition = key(m, s, 'partition', HV_PARTITION_ID_SELF);
  const targetVp = key(m, s, 'target_vp', HV_VP_INDEX_SELF, 32);
  const regNames = (): bigint[] => {
    const a = s.keys.get('names');
    if (!a) return [];
    const v = argValue(m, a);
    const items = Array.isArray(v) ? (v as readonly Value[]) : [v];
    return items.map((x) => {
      if (x instanceof Sym && x.num === undefined) {
        const d = REG_BY_NAME.get(x.name);
        if (!d) throw new ScenarioError(`unknown register '${x.name}'`, a.range);
        return BigInt(d.num);
      }
      const n = toBig(x);
      if (n === undefined) throw new ScenarioError(`names= must list registers, not ${formatValue(x)}`, a.range);
      return fitField(n, 32, 'names= register', a);
    });
  };
  /**
   * Linux's cpumask_to_vpset: every bank from 0 to the highest one used, the
   * empty ones included, and as many variable-header qwords as banks.
   */
  const vpset = (): { set: bigint[]; banks: number } => {
    const a = s.keys.get('targets');
    if (!a) return { set: [HV_GENERIC_SET_ALL, 0n], banks: 0 };
    const t = listOf(m, a, 'targets=');
    // A sparse VP set has at most 64 banks of 64 VPs (HV_GENERIC_SET_SPARSE_4K).
    for (const x of t) if (x < 0n || x >= 4096n) throw new ScenarioError(`targets= VP index ${x} is outside a sparse VP set (0..4095)`, a.range);
    const nrBank = t.reduce((n, x) => Math.max(n, Number(x / 64n) + 1), 0);
    const contents = new Array<bigint>(nrBank).fill(0n);
    for (const x of t) contents[Number(x / 64n)] = (contents[Number(x / 64n)] as bigint) | (1n << (x % 64n));
    return { set: [HV_GENERIC_SET_SPARSE_4K, (1n << BigInt(nrBank)) - 1n, ...contents], banks: nrBank };
  };
  const mask = (): bigint => {
    const a = s.keys.get('targets');
    if (!a) return (1n << BigInt(hv.state.part().vps.length)) - 1n;
    const t = listOf(m, a, 'targets=');
    for (const x of t) if (x < 0n || x >= 64n) throw new ScenarioError(`targets= VP index ${x} does not fit the 64-bit processor mask (0..63)`, a.range);
    return t.reduce((acc, x) => acc | (1n << x), 0n);
  };
  const vector = key(m, s, 'vector', 0n, 32);
  switch (def.name) {
    case 'HVCALL_GET_VP_REGISTERS': {
      const names = regNames();
      const b = new Uint8Array(16 + 4 * names.length);
      b.set(leBytes(partition, 8), 0);
      b.set(leBytes(targetVp, 4), 8);
      names.forEach((n, i) => b.set(leBytes(n, 4), 16 + 4 * i));
      return { bytes: b, reps: names.length };
    }
    case 'HVCALL_SET_VP_REGISTERS': {
      const names = regNames();
      const va = s.keys.get('values');
      const values = va ? listOf(m, va, 'values=') : [];
      if (values.length !== names.length) throw new ScenarioError(`names= has ${names.length} registers but values= has ${values.length} values`, (va ?? s.keys.get('names'))?.range);
      const b = new Uint8Array(16 + 32 * names.length);
      b.set(leBytes(partition, 8), 0);
      b.set(leBytes(targetVp, 4), 8);
      names.forEach((n, i) => {
        b.set(leBytes(n, 4), 16 + 32 * i);
        b.set(leBytes(values[i] as bigint, 8), 16 + 32 * i + 16);
      });
      return { bytes: b, reps: names.length };
    }
    case 'HVCALL_POST_MESSAGE': {
      const pa = s.keys.get('payload');
      const payload = pa ? listOf(m, pa, 'payload=') : [];
      // More than 240 bytes is the hypervisor's to refuse (HV_STATUS_INVALID_PARAMETER): the call goes out with
      // that PayloadSize and the words written on after the Message field, as far as the input page goes.
      if (16 + 8 * payload.length > PAGE) throw new ScenarioError(`payload= has ${payload.length} qwords: the hypercall input page holds at most ${(PAGE - 16) / 8}`, pa?.range);
      const b = new Uint8Array(16 + Math.max(PAYLOAD_BYTES, 8 * payload.length));
      b.set(leBytes(key(m, s, 'connection', 0n, 32), 4), 0);
      b.set(leBytes(key(m, s, 'type', 1n, 32), 4), 8);
      b.set(leBytes(BigInt(payload.length * 8), 4), 12);
      b.set(fromQwords(payload), 16);
      return { bytes: b, reps: 0 };
    }
    case 'HVCALL_SIGNAL_EVENT':
      return { bytes: q([key(m, s, 'connection', 0n, 32) | (key(m, s, 'flag', 0n, 16) << 32n)]), reps: 0 };
    case 'HVCALL_SEND_IPI':
      return { bytes: q([vector, mask()]), reps: 0 };
    case 'HVCALL_SEND_IPI_EX': {
      const v = vpset();
      return { bytes: q([vector, ...v.set]), reps: 0, varHead: v.banks };
    }
    case 'HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE':
      return { bytes: q([key(m, s, 'address_space', 0n), key(m, s, 'flags', 0n), mask()]), reps: 0 };
    case 'HVCALL_FLUSH_VIRTUAL_ADDRESS_LIST': {
      const reps = rep;
      return { bytes: q([key(m, s, 'address_space', 0n), key(m, s, 'flags', 0n), mask(), ...new Array<bigint>(reps).fill(0n)]), reps };
    }
    case 'HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE_EX': {
      const v = vpset();
      return { bytes: q([key(m, s, 'address_space', 0n), key(m, s, 'flags', 0n), ...v.set]), reps: 0, varHead: v.banks };
    }
    case 'HVCALL_FLUSH_VIRTUAL_ADDRESS_LIST_EX': {
      const reps = rep;
      const v = vpset();
      return { bytes: q([key(m, s, 'address_space', 0n), key(m, s, 'flags', 0n), ...v.set, ...new Array<bigint>(reps).fill(0n)]), reps, varHead: v.banks };
    }
    case 'HVCALL_NOTIFY_LONG_SPIN_WAIT':
      return { bytes: q([key(m, s, 'flags', 1n)]), reps: 0 };
    case 'HVCALL_RETARGET_INTERRUPT':
      return { bytes: q([partition, 0n, 0n, 0n, vector, mask()]), reps: 0 };
    case 'HVCALL_START_VIRTUAL_PROCESSOR':
      return { bytes: q([partition, targetVp === HV_VP_INDEX_SELF ? 0n : targetVp, 0n, 0n, 0n, 0n, 0n, 0n, 0n, 0n, 0n]), reps: 0 };
    default:
      return { bytes: new Uint8Array(0), reps: 0 };
  }
}

function resolveCall(m: Machine, a: Arg): { code: number; def?: CallDef } {
  if (a.word) {
    const d = CALL_BY_NAME.get(a.word) ?? CALL_BY_NAME.get(`HVCALL_${a.word}`);
    if (d) return { code: d.code, def: d };
  }
  const n = toBig(argValue(m, a));
  if (n === undefined) throw new ScenarioError(`unknown hypercall '${a.word ?? ''}' (write HVCALL_POST_MESSAGE or a call code)`, a.range);
  if (n < 0n || n > 0xffffn) throw new ScenarioError(`call code ${n} does not fit 16 bits`, a.range);
  const def = CALL_BY_CODE.get(Number(n));
  return def ? { code: Number(n), def } : { code: Number(n) };
}

function sintOf(m: Machine, s: Stmt): number {
  const a = s.keys.get('sint') as Arg;
  const n = argInt(m, a, 'sint=');
  if (n < 0 || n >= SINT_COUNT) throw new ScenarioError(`sint= must be 0..15, not ${n}`, a.range);
  return n;
}

/** The statements of SCENARIO.md §4. */
export function hypervCompilers(hv: () => HyperV): Map<string, StatementCompiler> {
  const c = new Map<string, StatementCompiler>();

  c.set('partition', (s) => (m) => {
    const a = s.keys.get('vps') as Arg;
    try {
      hv().state.create(argInt(m, a, 'vps='));
    } catch (e) {
      if (e instanceof ScenarioError) throw new ScenarioError(e.message, a.range);
      throw e;
    }
  });

  c.set('vpreg', (s) => function* (m) {
    const h = hv();
    const vp = vpOf(m, h, s);
    if (s.assign) {
      const { num } = regNumber(m, s.assign.target);
      const value = u64(m, s.assign.value, 'value');
      yield* hv_set_vpreg(m, h, vp, num, value);
      return;
    }
    const a = s.args[0];
    if (!a) throw new ScenarioError("'vpreg' needs a register (vpreg SINT2, or vpreg SINT2 = <value>)", s.range);
    yield* hv_get_vpreg(m, h, vp, regNumber(m, a).num);
  });

  c.set('hvc', (s) => function* (m) {
    const h = hv();
    const vp = vpOf(m, h, s);
    const { code, def } = resolveCall(m, s.args[0] as Arg);
    const fast = s.flags.has('fast');
    const repA = s.keys.get('rep');
    const rep = repA ? argInt(m, repA, 'rep=') : undefined;
    if (rep !== undefined && (rep < 0 || rep > 0xfff)) throw new ScenarioError(`rep=${rep} does not fit the 12-bit rep count`, repA?.range);
    const built = def ? buildInput(m, h, s, def, rep) : { bytes: new Uint8Array(0), reps: 0 };
    const reps = rep ?? built.reps;
    const start = s.keys.get('rep_start') ? argInt(m, s.keys.get('rep_start') as Arg, 'rep_start=') : 0;
    if (start < 0 || start > 0xfff) throw new ScenarioError(`rep_start=${start} does not fit 12 bits`, s.keys.get('rep_start')?.range);
    const vhA = s.keys.get('varhead');
    const varHead = vhA ? argInt(m, vhA, 'varhead=') : (built.varHead ?? 0);
    if (varHead < 0 || varHead > VARHEAD_MAX) throw new ScenarioError(`varhead=${varHead} does not fit the 10-bit variable header size`, vhA?.range);
    const control = encodeControl(code, fast, reps, start, varHead);
    let r: HvcResult;
    if (fast) {
      r = yield* hv_do_hvc(m, h, vp, control, qwords(built.bytes));
    } else {
      r = yield* hv_do_hypercall(m, h, vp, control, built.bytes);
    }
    m.last = { hvc: hvcValue(r, control) };
  });

  c.set('hvc raw', (s) => function* (m) {
    const h = hv();
    const vp = vpOf(m, h, s);
    const control = u64(m, s.keys.get('control') as Arg, 'control=');
    const ra = s.keys.get('regs');
    if (ra) {
      const clash = s.keys.get('input') ?? s.keys.get('output');
      if (clash) throw new ScenarioError('regs= already gives X2 and X3: leave out input= and output=', clash.range);
      const regs = listOf(m, ra, 'regs=');
      if (regs.length > 16) throw new ScenarioError(`regs= has ${regs.length} words: the register block is X2..X17 (at most 16)`, ra.range);
      const r = yield* hv_do_hvc_regs(m, h, vp, control, regs);
      m.last = { hvc: hvcValue(r, control) };
      return;
    }
    const inp = key(m, s, 'input', 0n);
    const out = key(m, s, 'output', 0n);
    const fast = ((control >> 16n) & 1n) === 1n;
    const r = yield* hv_do_hvc(m, h, vp, control, [inp, out], fast ? undefined : { in: inp, out });
    m.last = { hvc: hvcValue(r, control) };
  });

  c.set('gpa write', (s) => (m) => {
    const [aa, va] = s.args as [Arg, Arg];
    const addr = u64(m, aa, '<addr>');
    const vals = listOf(m, va, '<values>');
    hv().state.part();
    work(m, vals.length * 8);
    hv().state.gpa.write(addr, fromQwords(vals));
  });

  c.set('gpa read', (s) => (m) => {
    const [aa, la] = s.args as [Arg, Arg];
    const addr = u64(m, aa, '<addr>');
    const len = argInt(m, la, '<len>');
    if (len < 0 || len > 1 << 20) throw new ScenarioError(`<len> must be 0..1M, not ${len}`, la.range);
    hv().state.part();
    // A list element per byte: the work budget counts them.
    work(m, len);
    const b = hv().state.gpa.read(addr, len);
    m.last = { bytes: [...b].map((x) => BigInt(x)) };
  });

  c.set('port', (s) => (m) => {
    const st = hv().state;
    const ida = s.args[0] as Arg;
    const id = argBig(m, ida, '<connection_id>');
    if (id < 0n || id > 0xff_ffffn) throw new ScenarioError(`connection id ${id} must fit 24 bits (union hv_port_id)`, ida.range);
    const vp = vpOf(m, hv(), s);
    const sint = sintOf(m, s);
    const kind = (s.keys.get('kind')?.word ?? 'message') as 'message' | 'event';
    const fa = s.keys.get('flag');
    const flag = fa ? argInt(m, fa, 'flag=') : 0;
    if (flag < 0 || flag >= 2048) throw new ScenarioError(`flag= must be 0..2047, not ${flag}`, fa?.range);
    if (fa && kind !== 'event') throw new ScenarioError('flag= is for kind=event ports', fa.range);
    const ca = s.keys.get('flag_count');
    const flagCount = ca ? argInt(m, ca, 'flag_count=') : EVENT_FLAGS_COUNT;
    if (flagCount < 1 || flagCount > EVENT_FLAGS_COUNT) throw new ScenarioError(`flag_count= must be 1..${EVENT_FLAGS_COUNT}, not ${flagCount}`, ca?.range);
    if (ca && kind !== 'event') throw new ScenarioError('flag_count= is for kind=event ports', ca.range);
    st.part().ports.set(Number(id), { connection: Number(id), vp: vp.index, sint, kind, flag, flagCount });
  });

  c.set('hostmsg', (s) => function* (m) {
    const st = hv().state;
    const vp = vpOf(m, hv(), s);
    const sint = sintOf(m, s);
    const type = fit(m, s.keys.get('type') as Arg, 'type=', 32);
    const pa = s.keys.get('payload');
    const payload = pa ? listOf(m, pa, 'payload=') : [];
    if (payload.length > 30) throw new ScenarioError(`payload= has ${payload.length} qwords: a message holds at most 30 (240 bytes)`, pa?.range);
    const fr = m.enter(HV_HOST_POST_MESSAGE, { vp: BigInt(vp.index), sint: BigInt(sint), message_type: type });
    if ((vp.queues[sint] as unknown[]).length >= 16) {
      yield fr.at('full');
      m.leave(fr);
      m.raise('hv_error', `hostmsg: the queue of SINT ${sint} is full (16 messages): HV_STATUS_INSUFFICIENT_BUFFERS`, { status: statusSym(S.INSUFFICIENT_BUFFERS) });
      m.last = { status: statusSym(S.INSUFFICIENT_BUFFERS) };
      return;
    }
    yield fr.at('queue');
    st.enqueue(vp, sint, { type, size: payload.length * 8, sender: 0n, payload });
    yield fr.at('deliver');
    m.leave(fr);
    m.last = { status: statusSym(S.SUCCESS) };
  });

  c.set('ack', (s) => function* (m) {
    const h = hv();
    const vp = vpOf(m, h, s);
    const sint = sintOf(m, s);
    if (!(vp.simp & 1n)) throw new ScenarioError(`VP ${vp.index} has no message page: enable it first (vpreg SIMP = <gpa> | 1)`, s.range);
    yield* vmbus_signal_eom(m, h, vp, sint);
  });

  c.set('eom', (s) => function* (m) {
    const h = hv();
    yield* hv_set_vpreg(m, h, vpOf(m, h, s), 0xa0014, 0n);
  });

  c.set('gic_eoi', (s) => function* (m) {
    const h = hv();
    const vp = vpOf(m, h, s);
    const a = s.keys.get('vector') as Arg;
    const vector = argInt(m, a, 'vector=');
    if (vector < 0 || vector > 0xff) throw new ScenarioError(`vector=${vector} is not an interrupt vector (0..255)`, a.range);
    yield* synicSendEoi(m, h.state, vp, vector);
  });

  return c;
}
