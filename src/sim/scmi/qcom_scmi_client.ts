/**
 * drivers/soc/qcom/qcom_scmi_client.c (reference 001) as written: the DT
 * parsing and the probe, message for message, with its "log and continue"
 * error handling and without the bounds checks it lacks.
 */
import type { KGen } from '../core/frames';
import { fnOf, NodeRef } from '../core/frames';
import type { Machine } from '../core/machine';
import { EINVAL, ENODEV } from '../core/errno';
import {
  EV_CPU_CYCLES, EV_INST_RETIRED, EV_L2_D_RFILL, evMapMsg, INVALID_IDX, MAP_MSG_SIZE, mapMsg, MAX_MAP_ENTRIES,
  MAX_MEMORY_TYPES, MAX_MONITOR_CNT, MEMLAT_ALGO_STR, NUM_COMMON_EVS, NUM_GRP_EVS, nodeMsg, P, scalarMsg,
} from './protocol';
import { QCOM_SCMI_CLIENT_C } from './qcom_scmi_client_c';
import type { Memlat } from './subsystem';
import { mapCells, NR_CPUS } from './subsystem';
import { Sym } from '../core/values';
import { vendorOp } from './qcom_scmi_vendor';

const PROCESS_SCMI_MEMLAT_OF_NODE = fnOf(QCOM_SCMI_CLIENT_C, 'process_scmi_memlat_of_node');
const CONFIGURE_CPUCP_COMMON_EVENTS = fnOf(QCOM_SCMI_CLIENT_C, 'configure_cpucp_common_events');
const CONFIGURE_CPUCP_GRP = fnOf(QCOM_SCMI_CLIENT_C, 'configure_cpucp_grp');
const CONFIGURE_CPUCP_MON = fnOf(QCOM_SCMI_CLIENT_C, 'configure_cpucp_mon');
const CPUCP_MEMLAT_INIT = fnOf(QCOM_SCMI_CLIENT_C, 'cpucp_memlat_init');
/**
 * The driver's structs as the state shows them: the scmi_device is the SCMI
 * channel (`scmi`), the scmi_memlat_info what the firmware was told (`memlat`).
 * They expand in Locals like any struct argument; one each, nothing copied.
 */
const SDEV = new NodeRef('scmi', [], 'scmi_device');
const INFO = new NodeRef('memlat', [], 'scmi_memlat_info');
const GET_MASK = fnOf(QCOM_SCMI_CLIENT_C, 'get_mask');
const INIT_CPUFREQ_MEMFREQ_MAP = fnOf(QCOM_SCMI_CLIENT_C, 'init_cpufreq_memfreq_map');

const NULL = new Sym('NULL', 0n);
const UNINITIALIZED = new Sym('uninitialized');

/** struct scmi_monitor_info. */
interface MonitorInfo {
  mask: number;
  monType: number;
  ipmCeil: number;
  /** [cpufreq_mhz, memfreq_khz] rows, or null when the table was missing. */
  freqMap: Array<[number, number]> | null;
  freqMapLen: number;
  name: string;
  monIdx: number;
}

/** struct scmi_memory_info. */
interface MemoryInfo {
  hwType: number;
  monitorCnt: number;
  minFreq: number;
  maxFreq: number;
  /** min_freq and max_freq came from a memfreq[] no read had written. */
  freqUninit: boolean;
  monitor: Array<MonitorInfo | null>;
}

/** struct scmi_memlat_info. */
interface MemlatInfo {
  memoryCnt: number;
  memory: Array<MemoryInfo | null>;
}

function prErr(m: Machine, text: string): void {
  m.output(text, 'console');
}

/**
 * A write past an array's end, or a NULL pointer followed: a kernel BUG where
 * the code does it, with how far the probe had got on the wire (what the
 * firmware holds by then depends on it).
 */
function oob(m: Machine, ml: Memlat, cond: boolean, text: () => string): void {
  if (cond) m.bugOn(true, `${text()} (${ml.messageCount} SCMI messages sent so far)`);
}

/** get_mask(): ORs in each qcom,cpulist phandle that is a possible CPU's node; -ENODEV when none is. */
function* get_mask(m: Machine, cpus: readonly number[]): KGen<{ ret: number; mask: number }> {
  const fr = m.enter(GET_MASK, { cpulist: cpus.map((c) => `&CPU${c}`) });
  let ret = -ENODEV;
  let mask = 0;
  fr.locals.ret = BigInt(ret);
  for (let i = 0; i < cpus.length; i++) {
    const cpu = cpus[i] as number;
    fr.locals.i = BigInt(i);
    fr.locals.dev_phandle = `&CPU${cpu}`;
    yield fr.at('phandle');
    if (cpu < NR_CPUS) {
      mask = (mask | (1 << cpu)) >>> 0;
      ret = 0;
      fr.locals.cpu = BigInt(cpu);
      fr.locals.mask = BigInt(mask);
      fr.locals.ret = 0n;
      yield fr.at('match');
    } else {
      yield fr.at('no_match');
    }
  }
  yield fr.at('ret');
  return m.leave(fr, { ret, mask });
}

/** init_cpufreq_memfreq_map(): [cpufreq_mhz, memfreq_khz] rows, or null for an empty or odd-length table. */
function* init_cpufreq_memfreq_map(m: Machine, cells: readonly number[]): KGen<Array<[number, number]> | null> {
  const fr = m.enter(INIT_CPUFREQ_MEMFREQ_MAP, { tbl: cells.map(BigInt) });
  const len = cells.length;
  fr.locals.len = BigInt(len);
  yield fr.at('len');
  if (len % 2 || len === 0) {
    fr.locals.ret = NULL;
    yield fr.at('odd');
    return m.leave(fr, null);
  }
  const nf = len / 2;
  fr.locals.nf = BigInt(nf);
  const tbl: Array<[number, number]> = [];
  for (let i = 0; i < nf; i++) {
    tbl.push([Math.floor((cells[2 * i] as number) / 1000), cells[2 * i + 1] as number]);
    fr.locals.i = BigInt(i);
    fr.locals.cpufreq_mhz = BigInt((tbl[i] as [number, number])[0]);
    fr.locals.memfreq_khz = BigInt((tbl[i] as [number, number])[1]);
    yield fr.at('row');
  }
  fr.locals.cnt = BigInt(nf);
  yield fr.at('ret');
  return m.leave(fr, tbl);
}

/** The frames of a kernel function, with `leave` on every return path. */
function* process_scmi_memlat_of_node(m: Machine, ml: Memlat, info: MemlatInfo): KGen<number> {
  const fr = m.enter(PROCESS_SCMI_MEMLAT_OF_NODE, { sdev: SDEV, info: INFO });
  let ret = 0;
  let i = 0;
  // u32 memfreq[2] on the stack: written only by a successful read of freq-table-khz.
  let memfreq: readonly [number, number] | null = null;
  fr.locals.memfreq = UNINITIALIZED;
  info.memoryCnt = ml.st.dt.length;
  fr.locals.memory_cnt = BigInt(info.memoryCnt);
  yield fr.at('count');
  if (info.memoryCnt <= 0) {
    prErr(m, 'No memory nodes present');
    yield fr.at('no_memory');
  }
  const err = function* (): KGen<number> {
    fr.locals.ret = BigInt(ret);
    yield fr.at('err');
    return m.leave(fr, ret);
  };
  for (const node of ml.st.dt) {
    fr.locals.i = BigInt(i);
    ret = node.hwType === null ? -EINVAL : 0;
    fr.locals.ret = BigInt(ret);
    yield fr.at('memory');
    if (node.hwType === null) {
      prErr(m, 'Failed to read memory type');
      yield fr.at('no_reg');
      return yield* err();
    }
    const memory: MemoryInfo = { hwType: node.hwType, monitorCnt: node.monitors.length, minFreq: 0, maxFreq: 0, freqUninit: false, monitor: [] };
    fr.locals.hw_type = BigInt(memory.hwType);
    fr.locals.monitor_cnt = BigInt(memory.monitorCnt);
    if (memory.monitorCnt <= 0) {
      prErr(m, 'No monitor nodes present');
      ret = -EINVAL;
      yield fr.at('no_monitor');
      return yield* err();
    }
    // of_property_read_u32_array(): -EINVAL for a missing property, which the code lets through.
    if (node.freqTable) memfreq = node.freqTable;
    ret = node.freqTable ? 0 : -EINVAL;
    fr.locals.ret = BigInt(ret);
    fr.locals.memfreq = memfreq ? memfreq.map(BigInt) : UNINITIALIZED;
    yield fr.at('freq_table');
    memory.minFreq = memfreq?.[0] ?? 0;
    memory.maxFreq = memfreq?.[1] ?? 0;
    memory.freqUninit = memfreq === null;
    yield fr.at('store_memory');
    oob(m, ml, i >= MAX_MEMORY_TYPES, () => `info->memory[${i}] written out of bounds (MAX_MEMORY_TYPES ${MAX_MEMORY_TYPES}): the ${i + 1}th memory node overwrites info->memory_cnt`);
    info.memory[i] = memory;
    let j = 0;
    i++;
    for (const mnode of node.monitors) {
      const mon: MonitorInfo = {
        mask: 0,
        monType: mnode.compute ? 1 : 0,
        ipmCeil: mnode.compute ? 0 : 20000000,
        freqMap: null,
        freqMapLen: 0,
        name: '',
        monIdx: 0,
      };
      fr.locals.j = BigInt(j);
      fr.locals.mon_type = BigInt(mon.monType);
      fr.locals.ipm_ceil = BigInt(mon.ipmCeil);
      yield fr.at('monitor');
      yield fr.at('get_mask');
      const got = yield* get_mask(m, mnode.cpus);
      mon.mask = got.mask;
      fr.locals.mask = BigInt(mon.mask);
      if (got.ret) {
        // The outer ret: 0, or the -EINVAL a missing freq-table-khz left; the caller sees it as the result.
        prErr(m, `Failed to populate cpu mask ${ret}`);
        yield fr.at('no_mask');
        return yield* err();
      }
      yield fr.at('freq_map');
      const tbl = yield* init_cpufreq_memfreq_map(m, mapCells(mnode));
      // *cnt is written only when a table is returned: the kzalloc'd 0 stays otherwise.
      if (tbl) {
        mon.freqMap = tbl;
        mon.freqMapLen = tbl.length;
      }
      fr.locals.freq_map_len = BigInt(mon.freqMapLen);
      mon.name = `monitor-${j}`;
      mon.monIdx = j;
      yield fr.at('store_monitor');
      oob(
        m,
        ml,
        j >= MAX_MONITOR_CNT,
        () => `memory->monitor[${j}] written out of bounds (MAX_MONITOR_CNT ${MAX_MONITOR_CNT}): monitor node ${j + 1} of hw_type ${memory.hwType} overwrites memory->hw_type and monitor_cnt`,
      );
      memory.monitor[j] = mon;
      j++;
    }
  }
  yield fr.at('done');
  return m.leave(fr, 0);
}

function* configure_cpucp_common_events(m: Machine, ml: Memlat): KGen<number> {
  const fr = m.enter(CONFIGURE_CPUCP_COMMON_EVENTS, { info: INFO });
  const cid: number[] = [];
  cid[0] = EV_INST_RETIRED;
  cid[1] = EV_CPU_CYCLES;
  cid[2] = INVALID_IDX;
  cid[3] = INVALID_IDX;
  const msg = evMapMsg(NUM_COMMON_EVS, INVALID_IDX, cid);
  yield fr.at('fill');
  yield fr.at('send');
  const r = yield* vendorOp(m, ml, 'set_param', msg, MEMLAT_ALGO_STR, P.SET_COMMON_EV_MAP as number);
  fr.locals.ret = BigInt(r.ret);
  yield fr.at('ret');
  return m.leave(fr, r.ret);
}

function nullDeref(m: Machine, ml: Memlat, what: string, where: string): void {
  oob(m, ml, true, () => `NULL pointer dereference: ${what} is NULL in ${where} (its DT node was never parsed)`);
}

function* configure_cpucp_grp(m: Machine, ml: Memlat, info: MemlatInfo, index: number): KGen<number> {
  const fr = m.enter(CONFIGURE_CPUCP_GRP, { info: INFO, memory_index: BigInt(index) });
  yield fr.at('memory');
  const memory = info.memory[index];
  if (!memory) nullDeref(m, ml, `info->memory[${index}]`, 'configure_cpucp_grp');
  const mem = memory as MemoryInfo;
  fr.locals.hw_type = BigInt(mem.hwType);
  // msg.mon_name is never written.
  const msg = nodeMsg({ cpumask: 0, hw_type: mem.hwType, mon_type: 0, mon_idx: 0 });
  yield fr.at('mem_group');
  let r = yield* vendorOp(m, ml, 'set_param', msg, MEMLAT_ALGO_STR, P.SET_MEM_GROUP as number);
  fr.locals.ret = BigInt(r.ret);
  if (r.ret < 0) {
    prErr(m, `Failed to configure mem type ${mem.hwType}`);
    yield fr.at('mem_group_err');
    return m.leave(fr, r.ret);
  }
  // cid[3] (cid has NUM_COMMON_EVS entries) is never written.
  const cid: number[] = [];
  cid[0] = EV_L2_D_RFILL;
  cid[1] = INVALID_IDX;
  cid[2] = INVALID_IDX;
  const evMsg = evMapMsg(NUM_GRP_EVS, mem.hwType, cid);
  yield fr.at('ev_map');
  r = yield* vendorOp(m, ml, 'set_param', evMsg, MEMLAT_ALGO_STR, P.SET_GRP_EV_MAP as number);
  fr.locals.ret = BigInt(r.ret);
  if (r.ret < 0) {
    prErr(m, `Failed to configure event map for mem type ${mem.hwType}`);
    yield fr.at('ev_map_err');
    return m.leave(fr, r.ret);
  }
  yield fr.at('ret');
  return m.leave(fr, r.ret);
}

function* configure_cpucp_mon(m: Machine, ml: Memlat, info: MemlatInfo, mi: number, mj: number): KGen<number> {
  const fr = m.enter(CONFIGURE_CPUCP_MON, { info: INFO, memory_index: BigInt(mi), monitor_index: BigInt(mj) });
  yield fr.at('monitor');
  const memory = info.memory[mi] as MemoryInfo;
  const monitor = memory.monitor[mj];
  if (!monitor) nullDeref(m, ml, `memory->monitor[${mj}]`, 'configure_cpucp_mon');
  const mon = monitor as MonitorInfo;
  fr.locals.mon_name = mon.name;
  const send = function* (param: number, buf: Parameters<typeof vendorOp>[3], at: string): KGen<number> {
    yield fr.at(at);
    const r = yield* vendorOp(m, ml, 'set_param', buf, MEMLAT_ALGO_STR, param);
    fr.locals.ret = BigInt(r.ret);
    return r.ret;
  };
  const fail = function* (text: string, at: string, ret: number): KGen<number> {
    prErr(m, text);
    yield fr.at(at);
    return m.leave(fr, ret);
  };

  const msg = nodeMsg({ cpumask: mon.mask, hw_type: memory.hwType, mon_type: mon.monType, mon_idx: mon.monIdx, name: mon.name });
  let ret = yield* send(P.SET_MONITOR as number, msg, 'set_monitor');
  if (ret < 0) return yield* fail(`Failed to configure monitor ${mon.name}`, 'set_monitor_err', ret);

  ret = yield* send(P.IPM_CEIL as number, scalarMsg(memory.hwType, mon.monIdx, mon.ipmCeil), 'ipm_ceil');
  if (ret < 0) return yield* fail(`Failed to set ipm ceil for ${mon.name}`, 'ipm_ceil_err', ret);

  // map_msg lives on the stack: rows past MAX_MAP_ENTRIES are written past its end.
  oob(
    m,
    ml,
    mon.freqMapLen > MAX_MAP_ENTRIES,
    () => `map_msg.tbl[${MAX_MAP_ENTRIES}] written out of bounds (MAX_MAP_ENTRIES ${MAX_MAP_ENTRIES}, freq_map_len ${mon.freqMapLen}): stack buffer overflow in configure_cpucp_mon for ${mon.name}`,
  );
  const rows = (mon.freqMap ?? []).slice(0, mon.freqMapLen).map(([cpuMhz, memKhz]) => [cpuMhz & 0xffff, Math.floor(memKhz / 1000) & 0xffff] as [number, number]);
  const mapMessage = mapMsg(memory.hwType, mon.monIdx, mon.freqMapLen, rows);
  fr.locals.nr_rows = BigInt(mon.freqMapLen);
  fr.locals.map_msg_size = BigInt(MAP_MSG_SIZE);
  yield fr.at('fill_map');
  ret = yield* send(P.MON_FREQ_MAP as number, mapMessage, 'freq_map');
  if (ret < 0) return yield* fail(`Failed to configure freq_map for ${mon.name}`, 'freq_map_err', ret);

  // A memfreq[] nothing wrote reaches the firmware as whatever the stack held.
  const freq = (v: number) => (memory.freqUninit ? scalarMsg(memory.hwType, mon.monIdx, v).garbage(8, 4) : scalarMsg(memory.hwType, mon.monIdx, v));
  ret = yield* send(P.SET_MIN_FREQ as number, freq(memory.minFreq), 'min_freq');
  if (ret < 0) return yield* fail(`Failed to set min_freq for ${mon.name}`, 'min_freq_err', ret);

  ret = yield* send(P.SET_MAX_FREQ as number, freq(memory.maxFreq), 'max_freq');
  if (ret < 0) {
    prErr(m, `Failed to set max_freq for ${mon.name}`);
    yield fr.at('max_freq_err');
  }
  yield fr.at('ret');
  return m.leave(fr, ret);
}

/** cpucp_memlat_init(): what `scmi probe` runs (scmi_client_probe ignores its result). */
export function* cpucp_memlat_init(m: Machine, ml: Memlat): KGen<number> {
  const fr = m.enter(CPUCP_MEMLAT_INIT, { sdev: SDEV });
  const info: MemlatInfo = { memoryCnt: 0, memory: [] };
  fr.locals.cpucp_sample_ms = 8n;
  yield fr.at('alloc');
  yield fr.at('of_node');
  let ret = yield* process_scmi_memlat_of_node(m, ml, info);
  fr.locals.ret = BigInt(ret);
  if (ret) {
    prErr(m, `Failed to configure common events: ${ret}`);
    yield fr.at('of_node_err');
  }
  yield fr.at('common_events');
  ret = yield* configure_cpucp_common_events(m, ml);
  fr.locals.ret = BigInt(ret);
  if (ret < 0) {
    prErr(m, `Failed to configure common events: ${ret}`);
    yield fr.at('common_events_err');
  }
  for (let i = 0; i < info.memoryCnt; i++) {
    fr.locals.i = BigInt(i);
    yield fr.at('grp');
    ret = yield* configure_cpucp_grp(m, ml, info, i);
    fr.locals.ret = BigInt(ret);
    if (ret < 0) {
      prErr(m, `Failed to configure mem group: ${ret}`);
      yield fr.at('grp_err');
    }
    const memory = info.memory[i] as MemoryInfo;
    for (let j = 0; j < memory.monitorCnt; j++) {
      fr.locals.j = BigInt(j);
      yield fr.at('mon');
      ret = yield* configure_cpucp_mon(m, ml, info, i, j);
      fr.locals.ret = BigInt(ret);
      if (ret < 0) {
        prErr(m, `Failed to configure monitor: ${ret}`);
        yield fr.at('mon_err');
      }
    }
  }
  yield fr.at('sample_ms');
  const sample = new Uint8Array([8, 0, 0, 0]);
  let r = yield* vendorOp(m, ml, 'set_param', sample, MEMLAT_ALGO_STR, P.SAMPLE_MS as number);
  ret = r.ret;
  fr.locals.ret = BigInt(ret);
  if (ret < 0) {
    prErr(m, `Failed to set cpucp sample_ms ret = ${ret}`);
    yield fr.at('sample_ms_err');
  }
  yield fr.at('start');
  r = yield* vendorOp(m, ml, 'start_activity', null, MEMLAT_ALGO_STR, P.START_TIMER as number);
  ret = r.ret;
  fr.locals.ret = BigInt(ret);
  if (ret < 0) {
    prErr(m, `Error in starting the mem group timer ${ret}`);
    yield fr.at('start_err');
  }
  yield fr.at('ret');
  return m.leave(fr, ret);
}
