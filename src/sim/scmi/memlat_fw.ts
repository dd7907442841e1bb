/**
 * The CPUCP firmware model (SCENARIO.md §7): the vendor-protocol message
 * handler and the sampling timer that votes memory frequencies.
 */
import type { KGen } from '../core/frames';
import { fnOf } from '../core/frames';
import type { Machine } from '../core/machine';
import type { SimEvent } from '../core/events';
import { formatValue } from '../core/values';
import {
  le32, MAX_MAP_ENTRIES, MAX_MEMORY_TYPES, MAX_MONITOR_CNT, MAX_NAME_LEN, MEMLAT_ALGO_STR, MESSAGE_NAMES,
  messageSym, NUM_COMMON_EVS, NUM_GRP_EVS, P, paramSym, PROTOCOL_ATTRIBUTES, PROTOCOL_MESSAGE_ATTRIBUTES,
  PROTOCOL_PAYLOAD_SIZE, PROTOCOL_VERSION, QCOM_SCMI_GET_PARAM, QCOM_SCMI_SET_PARAM, QCOM_SCMI_START_ACTIVITY,
  QCOM_SCMI_STOP_ACTIVITY, rd16, rd32, SCMI_ERR_ENTRY, SCMI_ERR_PARAMS, SCMI_ERR_SUPPORT, SCMI_SUCCESS, statusSym,
  vendorParamId,
} from './protocol';
import { MEMLAT_FW_C } from './memlat_fw_c';
import type { FwGroup, FwMonitor, Memlat } from './subsystem';
import { maskCpus } from './subsystem';

const MEMLAT_HANDLE_MSG = fnOf(MEMLAT_FW_C, 'memlat_handle_msg');
const MEMLAT_TIMER_FN = fnOf(MEMLAT_FW_C, 'memlat_timer_fn');
const MEMLAT_MON_VOTE = fnOf(MEMLAT_FW_C, 'memlat_mon_vote');

export const SAMPLE_EVENT = 'memlat_sample';
const NS_PER_MS = 1_000_000n;

/** Per-monitor scalar tunables the model keeps but does not use in its vote. */
const STORED_MON_PARAMS = [
  'ADAPTIVE_LOW_FREQ', 'ADAPTIVE_HIGH_FREQ', 'FE_STALL_FLOOR', 'BE_STALL_FLOOR', 'WB_PCT', 'IPM_FILTER',
  'FREQ_SCALE_PCT', 'FREQ_SCALE_CEIL_MHZ', 'FREQ_SCALE_FLOOR_MHZ',
].map((n) => P[n] as number);

export interface FwReply {
  readonly status: number;
  readonly rx: Uint8Array;
}

const NONE = new Uint8Array(0);

/** The firmware's side of one message: `tx` is the payload after the SCMI header. */
export function* memlat_handle_msg(m: Machine, ml: Memlat, msgId: number, tx: Uint8Array): KGen<FwReply> {
  const paramId = vendorParamId(msgId, tx);
  const msgName = MESSAGE_NAMES.get(msgId) ?? `msg_${msgId}`;
  const aliases = paramId === null ? [msgName] : [msgName, paramSym(paramId).name];
  const args = { message_id: messageSym(msgId), ...(paramId === null ? {} : { param_id: paramSym(paramId) }), len: BigInt(tx.length) };
  const fr = m.enter(MEMLAT_HANDLE_MSG, args, aliases);
  yield fr.at('decode');
  const algo = (BigInt(rd32(tx, 8)) << 32n) | BigInt(rd32(tx, 4));
  if (paramId !== null) {
    fr.locals.ext_id = BigInt(rd32(tx, 0));
    fr.locals.algo = algo;
  }
  const r = decide(m, ml, msgId, algo, paramId ?? 0, tx);
  yield fr.at(branchOf(msgId, algo, tx));
  yield fr.at('dispatch');
  fr.locals.status = statusSym(r.status);
  if (r.rx.length) fr.locals.rx = Array.from(r.rx, (b) => BigInt(b));
  if (r.status !== SCMI_SUCCESS) {
    m.raise('scmi_error', `${aliases.join(' ')}: ${formatValue(statusSym(r.status))}${r.why ? ` (${r.why})` : ''}`, {
      status: statusSym(r.status),
      msg_id: messageSym(msgId),
      ...(paramId === null ? {} : { param_id: paramSym(paramId) }),
    });
  }
  yield fr.at('status');
  return m.leave(fr, { status: r.status, rx: r.rx });
}

const BRANCH: ReadonlyMap<number, string> = new Map([
  [PROTOCOL_VERSION, 'version'],
  [PROTOCOL_ATTRIBUTES, 'attributes'],
  [PROTOCOL_MESSAGE_ATTRIBUTES, 'message_attributes'],
  [QCOM_SCMI_SET_PARAM, 'set_param'],
  [QCOM_SCMI_GET_PARAM, 'get_param'],
  [QCOM_SCMI_START_ACTIVITY, 'start'],
  [QCOM_SCMI_STOP_ACTIVITY, 'stop'],
]);

/** The listing line of the branch memlat_handle_msg takes: a generic message's case, the check that refuses it, or the vendor message's case. */
function branchOf(msgId: number, algo: bigint, tx: Uint8Array): string {
  const b = BRANCH.get(msgId);
  if (b === undefined) return 'no_message';
  if (msgId === PROTOCOL_VERSION || msgId === PROTOCOL_ATTRIBUTES || msgId === PROTOCOL_MESSAGE_ATTRIBUTES) return b;
  if (tx.length < PROTOCOL_PAYLOAD_SIZE) return 'short';
  if (algo !== MEMLAT_ALGO_STR) return 'algo';
  return b;
}

interface Decision extends FwReply {
  readonly why?: string;
}

const fail = (status: number, why: string): Decision => ({ status, rx: NONE, why });
const ok = (rx: Uint8Array = NONE): Decision => ({ status: SCMI_SUCCESS, rx });

/** PROTOCOL_VERSION's answer: 1.0, major in the upper 16 bits. */
const VENDOR_PROTOCOL_VERSION = 0x10000;

function decide(m: Machine, ml: Memlat, msgId: number, algo: bigint, paramId: number, tx: Uint8Array): Decision {
  if (!MESSAGE_NAMES.has(msgId)) return fail(SCMI_ERR_SUPPORT, `protocol 0x80 has no message ${msgId}`);
  switch (msgId) {
    case PROTOCOL_VERSION:
      return ok(Uint8Array.from(le32(VENDOR_PROTOCOL_VERSION)));
    case PROTOCOL_ATTRIBUTES:
      return ok(Uint8Array.from(le32(0)));
    case PROTOCOL_MESSAGE_ATTRIBUTES: {
      if (tx.length < 4) return fail(SCMI_ERR_PARAMS, 'PROTOCOL_MESSAGE_ATTRIBUTES needs the message id it asks about');
      const id = rd32(tx, 0);
      return MESSAGE_NAMES.has(id) ? ok(Uint8Array.from(le32(0))) : fail(SCMI_ERR_ENTRY, `message ${id} is not implemented`);
    }
  }
  if (tx.length < PROTOCOL_PAYLOAD_SIZE) return fail(SCMI_ERR_PARAMS, `payload of ${tx.length} bytes is shorter than the vendor header`);
  if (algo !== MEMLAT_ALGO_STR) return fail(SCMI_ERR_SUPPORT, `unknown algo 0x${algo.toString(16)}`);
  const buf = tx.subarray(PROTOCOL_PAYLOAD_SIZE);
  switch (msgId) {
    case QCOM_SCMI_SET_PARAM:
      return setParam(ml, paramId, buf);
    case QCOM_SCMI_GET_PARAM:
      return getParam(ml, paramId, buf);
    case QCOM_SCMI_START_ACTIVITY:
      if (paramId !== P.START_TIMER) return fail(SCMI_ERR_SUPPORT, `START_ACTIVITY of ${paramSym(paramId).name}`);
      if (ml.st.running) return fail(SCMI_ERR_SUPPORT, 'the timer is already running');
      if (ml.st.sampleMs === 0) return fail(SCMI_ERR_PARAMS, 'sample_ms was never set');
      ml.st.running = true;
      m.events.push(m.now + BigInt(ml.st.sampleMs) * NS_PER_MS, SAMPLE_EVENT, null);
      return ok();
    case QCOM_SCMI_STOP_ACTIVITY:
      if (paramId !== P.STOP_TIMER) return fail(SCMI_ERR_SUPPORT, `STOP_ACTIVITY of ${paramSym(paramId).name}`);
      if (!ml.st.running) return fail(SCMI_ERR_SUPPORT, 'the timer is not running');
      ml.st.running = false;
      m.events.remove((e) => e.kind === SAMPLE_EVENT);
      return ok();
  }
  return fail(SCMI_ERR_SUPPORT, `unknown message id ${msgId}`);
}

/** The group and monitor a per-monitor message names, or why they are bad. */
function target(ml: Memlat, hw: number, mon: number): { g: FwGroup; mon: FwMonitor } | Decision {
  const g = ml.group(hw);
  if (!g) return fail(SCMI_ERR_PARAMS, `hw_type ${hw} has no memory group`);
  const x = g.monitors.find((y) => y.monIdx === mon);
  if (!x) return fail(SCMI_ERR_PARAMS, mon >= MAX_MONITOR_CNT ? `mon_idx ${mon} >= MAX_MONITOR_CNT` : `hw_type ${hw} has no monitor ${mon}`);
  return { g, mon: x };
}

function isDecision(x: object): x is Decision {
  return 'status' in x;
}

/** The model reads no byte the message does not carry: a message too short for its parameter is refused. */
function short(buf: Uint8Array, n: number, paramId: number): Decision | undefined {
  return buf.length < n ? fail(SCMI_ERR_PARAMS, `${paramSym(paramId).name} needs ${n} bytes of buffer, the message has ${buf.length}`) : undefined;
}

/** Bytes each SET_PARAM parameter reads before its lists. */
const SET_NEEDS: ReadonlyMap<number, number> = new Map([
  [P.SET_LOG_LEVEL as number, 4],
  [P.SET_MEM_GROUP as number, 8],
  [P.SET_MONITOR as number, 16],
  [P.SET_COMMON_EV_MAP as number, 8],
  [P.SET_GRP_EV_MAP as number, 8],
  [P.SAMPLE_MS as number, 4],
  [P.MON_FREQ_MAP as number, 12],
]);

function setParam(ml: Memlat, paramId: number, buf: Uint8Array): Decision {
  const st = ml.st;
  const scalar = paramId === P.IPM_CEIL || paramId === P.SET_MIN_FREQ || paramId === P.SET_MAX_FREQ || STORED_MON_PARAMS.includes(paramId);
  const tooShort = short(buf, SET_NEEDS.get(paramId) ?? (scalar ? 12 : 0), paramId);
  if (tooShort) return tooShort;
  switch (paramId) {
    case P.SET_LOG_LEVEL:
      st.logLevel = rd32(buf, 0);
      return ok();
    case P.FLUSH_LOGBUF:
      return ok();
    case P.SET_MEM_GROUP: {
      const hw = rd32(buf, 4);
      if (hw >= MAX_MEMORY_TYPES) return fail(SCMI_ERR_PARAMS, `hw_type ${hw} >= MAX_MEMORY_TYPES`);
      if (!ml.group(hw)) st.groups.push({ hwType: hw, minKhz: 0, maxKhz: 0, curKhz: 0, history: [], monitors: [], events: [] });
      return ok();
    }
    case P.SET_MONITOR: {
      const [cpumask, hw, monType, monIdx] = [rd32(buf, 0), rd32(buf, 4), rd32(buf, 8), rd32(buf, 12)];
      const g = ml.group(hw);
      if (!g) return fail(SCMI_ERR_PARAMS, `hw_type ${hw} has no memory group`);
      if (monIdx >= MAX_MONITOR_CNT) return fail(SCMI_ERR_PARAMS, `mon_idx ${monIdx} >= MAX_MONITOR_CNT`);
      let name = '';
      for (let i = 16; i < 16 + MAX_NAME_LEN && i < buf.length && buf[i] !== 0; i++) name += String.fromCharCode(buf[i] as number);
      const mon: FwMonitor = { monIdx, cpumask, monType, name, ipmCeil: 0, map: [], voteKhz: 0, voteCpuMhz: 0, params: {} };
      g.monitors = [...g.monitors.filter((x) => x.monIdx !== monIdx), mon].sort((a, b) => a.monIdx - b.monIdx);
      return ok();
    }
    case P.SET_COMMON_EV_MAP: {
      const n = rd32(buf, 0);
      if (n > NUM_COMMON_EVS) return fail(SCMI_ERR_PARAMS, `num_evs ${n} > ${NUM_COMMON_EVS}`);
      const cut = short(buf, 8 + 4 * n, paramId);
      if (cut) return cut;
      st.commonEvents = Array.from({ length: n }, (_, i) => rd32(buf, 8 + 4 * i));
      return ok();
    }
    case P.SET_GRP_EV_MAP: {
      const [n, hw] = [rd32(buf, 0), rd32(buf, 4)];
      const g = ml.group(hw);
      if (!g) return fail(SCMI_ERR_PARAMS, `hw_type ${hw} has no memory group`);
      if (n > NUM_GRP_EVS) return fail(SCMI_ERR_PARAMS, `num_evs ${n} > ${NUM_GRP_EVS}`);
      const cut = short(buf, 8 + 4 * n, paramId);
      if (cut) return cut;
      g.events = Array.from({ length: n }, (_, i) => rd32(buf, 8 + 4 * i));
      return ok();
    }
    case P.SAMPLE_MS: {
      const v = rd32(buf, 0);
      if (v === 0) return fail(SCMI_ERR_PARAMS, 'sample_ms 0');
      st.sampleMs = v;
      return ok();
    }
    case P.MON_FREQ_MAP: {
      const t = target(ml, rd32(buf, 0), rd32(buf, 4));
      if (isDecision(t)) return t;
      const n = rd32(buf, 8);
      if (n === 0 || n > MAX_MAP_ENTRIES) return fail(SCMI_ERR_PARAMS, `nr_rows ${n} not in 1..${MAX_MAP_ENTRIES}`);
      const cut = short(buf, 12 + 4 * n, paramId);
      if (cut) return cut;
      t.mon.map = Array.from({ length: n }, (_, i) => [rd16(buf, 12 + 4 * i), rd16(buf, 14 + 4 * i)] as [number, number]);
      return ok();
    }
    case P.IPM_CEIL:
    case P.SET_MIN_FREQ:
    case P.SET_MAX_FREQ: {
      const t = target(ml, rd32(buf, 0), rd32(buf, 4));
      if (isDecision(t)) return t;
      const v = rd32(buf, 8);
      if (paramId === P.IPM_CEIL) t.mon.ipmCeil = v;
      else if (paramId === P.SET_MIN_FREQ) t.g.minKhz = v;
      else t.g.maxKhz = v;
      return ok();
    }
  }
  if (STORED_MON_PARAMS.includes(paramId)) {
    const t = target(ml, rd32(buf, 0), rd32(buf, 4));
    if (isDecision(t)) return t;
    t.mon.params = { ...t.mon.params, [paramSym(paramId).name.replace(/^MEMLAT_/, '').toLowerCase()]: rd32(buf, 8) };
    return ok();
  }
  return fail(SCMI_ERR_SUPPORT, `SET_PARAM does not take ${paramSym(paramId).name}`);
}

function getParam(ml: Memlat, paramId: number, buf: Uint8Array): Decision {
  const [hw, mon] = [rd32(buf, 0), rd32(buf, 4)];
  const needs = paramId === P.GET_CUR_FREQ ? 4 : paramId === P.IPM_CEIL || paramId === P.SET_MIN_FREQ || paramId === P.SET_MAX_FREQ ? 8 : 0;
  const tooShort = short(buf, needs, paramId);
  if (tooShort) return tooShort;
  switch (paramId) {
    case P.GET_CUR_FREQ: {
      const g = ml.group(hw);
      if (!g) return fail(SCMI_ERR_PARAMS, `hw_type ${hw} has no memory group`);
      return ok(Uint8Array.from(le32(g.curKhz)));
    }
    case P.SAMPLE_MS:
      return ok(Uint8Array.from(le32(ml.st.sampleMs)));
    case P.IPM_CEIL:
    case P.SET_MIN_FREQ:
    case P.SET_MAX_FREQ: {
      const t = target(ml, hw, mon);
      if (isDecision(t)) return t;
      const v = paramId === P.IPM_CEIL ? t.mon.ipmCeil : paramId === P.SET_MIN_FREQ ? t.g.minKhz : t.g.maxKhz;
      return ok(Uint8Array.from(le32(v)));
    }
  }
  return fail(SCMI_ERR_SUPPORT, `GET_PARAM does not answer ${paramSym(paramId).name}`);
}

// ---- the sampling timer --------------------------------------------------------

/** Samples kept per group for the plot over time. */
const HISTORY = 64;

/** One sample: every monitor votes, every group's cur_khz follows, the timer re-arms. */
export function* memlat_timer_fn(m: Machine, ml: Memlat, e: SimEvent): KGen {
  const fr = m.enter(MEMLAT_TIMER_FN, { now_ns: m.now, sample_ms: BigInt(ml.st.sampleMs) });
  yield fr.at('groups');
  for (const g of ml.st.groups) {
    fr.locals.hw_type = BigInt(g.hwType);
    yield fr.at('group');
    let max = 0;
    for (const mon of g.monitors) max = Math.max(max, yield* memlat_mon_vote(m, ml, mon));
    fr.locals.max_vote = BigInt(max);
    g.curKhz = clamp(max, g.minKhz, g.maxKhz);
    g.history = [...g.history.slice(-(HISTORY - 1)), [Number(m.now / NS_PER_MS), g.curKhz]];
    fr.locals.cur_khz = BigInt(g.curKhz);
    yield fr.at('set_freq');
  }
  if (ml.st.running) {
    m.events.push(e.due + BigInt(ml.st.sampleMs) * NS_PER_MS, SAMPLE_EVENT, null);
    yield fr.at('rearm');
  }
  m.leave(fr);
}

/** clamp(v, lo, hi) as the kernel's clamp(): max(v, lo) then min(.., hi). */
export function clamp(v: number, lo: number, hi: number): number {
  return Math.min(Math.max(v, lo), hi);
}

/** The vote rule of SCENARIO.md §7, without frames (the tests' oracle uses the same words). */
export function monitorVote(ml: Memlat, mon: FwMonitor): { vote: number; maxMhz: bigint; counted: number[] } {
  const counted: number[] = [];
  let maxMhz = 0n;
  for (const c of maskCpus(mon.cpumask)) {
    const cpu = ml.st.cpus[c];
    if (!cpu || cpu.inst <= 0n) continue;
    const l2 = cpu.l2Refill > 1n ? cpu.l2Refill : 1n;
    if (mon.monType !== 1 && cpu.inst / l2 > BigInt(mon.ipmCeil)) continue;
    counted.push(c);
    if (cpu.freqMhz > maxMhz) maxMhz = cpu.freqMhz;
  }
  if (!counted.length || !mon.map.length) return { vote: 0, maxMhz, counted };
  const row = mon.map.find(([cpuMhz]) => BigInt(cpuMhz) >= maxMhz) ?? (mon.map[mon.map.length - 1] as [number, number]);
  return { vote: row[1] * 1000, maxMhz, counted };
}

function* memlat_mon_vote(m: Machine, ml: Memlat, mon: FwMonitor): KGen<number> {
  const fr = m.enter(MEMLAT_MON_VOTE, { mon_idx: BigInt(mon.monIdx), name: mon.name, cpumask: BigInt(mon.cpumask), ipm_ceil: BigInt(mon.ipmCeil) });
  const r = monitorVote(ml, mon);
  fr.locals.counted = r.counted.map((c) => BigInt(c));
  fr.locals.max_mhz = r.maxMhz;
  yield fr.at('cpus');
  mon.voteKhz = r.vote;
  mon.voteCpuMhz = Number(r.maxMhz);
  fr.locals.vote_khz = BigInt(r.vote);
  yield fr.at('vote');
  return m.leave(fr, r.vote);
}
