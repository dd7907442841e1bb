/**
 * drivers/soc/qcom/qcom_scmi_client.c (reference 001) as written: the DT
 * parsing and the probe, message for message, with its "log and continue"
 * error handling and without the bounds checks it lacks.
 */
import type { KGen } from '../core/frames';
import { fnOf } from '../core/frames';
import type { Machine } from '../core/machine';
import { EINVAL, ENODEV } from '../core/errno';
import {
  EV_CPU_CYCLES, EV_INST_RETIRED, EV_L2_D_RFILL, evMapMsg, INVALID_IDX, MAP_MSG_SIZE, mapMsg, MAX_MAP_ENTRIES,
  MAX_MEMORY_TYPES, MAX_MONITOR_CNT, MEMLAT_ALGO_STR, NUM_COMMON_EVS, NUM_GRP_EVS, nodeMsg, P, scalarMsg,
} from './protocol';
import { QCOM_SCMI_CLIENT_C } from './qcom_scmi_client_c';
import type { Memlat } from './subsystem';
import { vendorOp } from './qcom_scmi_vendor';

const PROCESS_SCMI_MEMLAT_OF_NODE = fnOf(QCOM_SCMI_CLIENT_C, 'process_scmi_memlat_of_node');
const CONFIGURE_CPUCP_COMMON_EVENTS = fnOf(QCOM_SCMI_CLIENT_C, 'configure_cpucp_common_events');
const CONFIGURE_CPUCP_GRP = fnOf(QCOM_SCMI_CLIENT_C, 'configure_cpucp_grp');
const CONFIGURE_CPUCP_MON = fnOf(QCOM_SCMI_CLIENT_C, 'configure_cpucp_mon');
const CPUCP_MEMLAT_INIT = fnOf(QCOM_SCMI_CLIENT_C, 'cpucp_memlat_init');

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

/** The frames of a kernel function, with `leave` on every return path. */
function* process_scmi_memlat_of_node(m: Machine, ml: Memlat, info: MemlatInfo): KGen<number> {
  const fr = m.enter(PROCESS_SCMI_MEMLAT_OF_NODE, {});
  let ret = 0;
  let i = 0;
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
    m.leave(fr);
    return ret;
  };
  for (const node of ml.st.dt) {
    const memory: MemoryInfo = { hwType: node.hwType, monitorCnt: node.monitors.length, minFreq: 0, maxFreq: 0, monitor: [] };
    fr.locals.i = BigInt(i);
    fr.locals.hw_type = BigInt(memory.hwType);
    fr.locals.monitor_cnt = BigInt(memory.monitorCnt);
    yield fr.at('memory');
    if (memory.monitorCnt <= 0) {
      prErr(m, 'No monitor nodes present');
      ret = -EINVAL;
      yield fr.at('no_monitor');
      return yield* err();
    }
    memory.minFreq = node.min;
    memory.maxFreq = node.max;
    yield fr.at('store_memory');
    m.bugOn(
      i >= MAX_MEMORY_TYPES,
      `info->memory[${i}] written out of bounds (MAX_MEMORY_TYPES ${MAX_MEMORY_TYPES}): the ${i + 1}th memory node overwrites info->memory_cnt`,
    );
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
      // get_mask(): ORs in every cpulist phandle that names a possible CPU; -ENODEV when none does.
      let maskRet = -ENODEV;
      for (const c of mnode.cpus) {
        mon.mask = (mon.mask | (1 << c)) >>> 0;
        maskRet = 0;
      }
      fr.locals.mask = BigInt(mon.mask);
      if (maskRet) {
        // Prints the outer ret (0 here) and jumps to err with it: the caller sees success.
        prErr(m, `Failed to populate cpu mask ${ret}`);
        yield fr.at('no_mask');
        return yield* err();
      }
      // init_cpufreq_memfreq_map(): NULL (and freq_map_len left 0) for a missing or empty table.
      if (mnode.map.length) {
        mon.freqMap = mnode.map.map(([cpuKhz, memKhz]) => [Math.floor(cpuKhz / 1000), memKhz] as [number, number]);
        mon.freqMapLen = mnode.map.length;
      }
      fr.locals.freq_map_len = BigInt(mon.freqMapLen);
      yield fr.at('freq_map');
      mon.name = `monitor-${j}`;
      mon.monIdx = j;
      m.bugOn(
        j >= MAX_MONITOR_CNT,
        `memory->monitor[${j}] written out of bounds (MAX_MONITOR_CNT ${MAX_MONITOR_CNT}): monitor node ${j + 1} of hw_type ${memory.hwType} overwrites memory->hw_type and monitor_cnt`,
      );
      memory.monitor[j] = mon;
      yield fr.at('store_monitor');
      j++;
    }
  }
  yield fr.at('done');
  m.leave(fr);
  return 0;
}

function* configure_cpucp_common_events(m: Machine, ml: Memlat): KGen<number> {
  const fr = m.enter(CONFIGURE_CPUCP_COMMON_EVENTS, {});
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
  m.leave(fr);
  return r.ret;
}

function nullDeref(m: Machine, what: string, where: string): void {
  m.bugOn(true, `NULL pointer dereference: ${what} is NULL in ${where} (its DT node was never parsed)`);
}

function* configure_cpucp_grp(m: Machine, ml: Memlat, info: MemlatInfo, index: number): KGen<number> {
  const fr = m.enter(CONFIGURE_CPUCP_GRP, { memory_index: BigInt(index) });
  yield fr.at('memory');
  const memory = info.memory[index];
  if (!memory) nullDeref(m, `info->memory[${index}]`, 'configure_cpucp_grp');
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
    m.leave(fr);
    return r.ret;
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
    m.leave(fr);
    return r.ret;
  }
  yield fr.at('ret');
  m.leave(fr);
  return r.ret;
}

function* configure_cpucp_mon(m: Machine, ml: Memlat, info: MemlatInfo, mi: number, mj: number): KGen<number> {
  const fr = m.enter(CONFIGURE_CPUCP_MON, { memory_index: BigInt(mi), monitor_index: BigInt(mj) });
  yield fr.at('monitor');
  const memory = info.memory[mi] as MemoryInfo;
  const monitor = memory.monitor[mj];
  if (!monitor) nullDeref(m, `memory->monitor[${mj}]`, 'configure_cpucp_mon');
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
    m.leave(fr);
    return ret;
  };

  const msg = nodeMsg({ cpumask: mon.mask, hw_type: memory.hwType, mon_type: mon.monType, mon_idx: mon.monIdx, name: mon.name });
  let ret = yield* send(P.SET_MONITOR as number, msg, 'set_monitor');
  if (ret < 0) return yield* fail(`Failed to configure monitor ${mon.name}`, 'set_monitor_err', ret);

  ret = yield* send(P.IPM_CEIL as number, scalarMsg(memory.hwType, mon.monIdx, mon.ipmCeil), 'ipm_ceil');
  if (ret < 0) return yield* fail(`Failed to set ipm ceil for ${mon.name}`, 'ipm_ceil_err', ret);

  // map_msg lives on the stack: rows past MAX_MAP_ENTRIES are written past its end.
  m.bugOn(
    mon.freqMapLen > MAX_MAP_ENTRIES,
    `map_msg.tbl[${MAX_MAP_ENTRIES}] written out of bounds (MAX_MAP_ENTRIES ${MAX_MAP_ENTRIES}, freq_map_len ${mon.freqMapLen}): stack buffer overflow in configure_cpucp_mon for ${mon.name}`,
  );
  const rows = (mon.freqMap ?? []).slice(0, mon.freqMapLen).map(([cpuMhz, memKhz]) => [cpuMhz & 0xffff, Math.floor(memKhz / 1000) & 0xffff] as [number, number]);
  const mapMessage = mapMsg(memory.hwType, mon.monIdx, mon.freqMapLen, rows);
  fr.locals.nr_rows = BigInt(mon.freqMapLen);
  fr.locals.map_msg_size = BigInt(MAP_MSG_SIZE);
  yield fr.at('fill_map');
  ret = yield* send(P.MON_FREQ_MAP as number, mapMessage, 'freq_map');
  if (ret < 0) return yield* fail(`Failed to configure freq_map for ${mon.name}`, 'freq_map_err', ret);

  ret = yield* send(P.SET_MIN_FREQ as number, scalarMsg(memory.hwType, mon.monIdx, memory.minFreq), 'min_freq');
  if (ret < 0) return yield* fail(`Failed to set min_freq for ${mon.name}`, 'min_freq_err', ret);

  ret = yield* send(P.SET_MAX_FREQ as number, scalarMsg(memory.hwType, mon.monIdx, memory.maxFreq), 'max_freq');
  if (ret < 0) {
    prErr(m, `Failed to set max_freq for ${mon.name}`);
    yield fr.at('max_freq_err');
  }
  yield fr.at('ret');
  m.leave(fr);
  return ret;
}

/** cpucp_memlat_init(): what `scmi probe` runs (scmi_client_probe ignores its result). */
export function* cpucp_memlat_init(m: Machine, ml: Memlat): KGen<number> {
  const fr = m.enter(CPUCP_MEMLAT_INIT, {});
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
  m.leave(fr);
  return ret;
}
