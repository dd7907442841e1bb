import type { Arg, Stmt } from '../scenario/ast';
import { ScenarioError } from '../scenario/diagnostics';
import { argBig, argValue } from '../scenario/args';
import type { StatementCompiler } from '../scenario/compile';
import type { Machine } from '../core/machine';
import type { Value } from '../core/values';
import { formatValue, Sym, toBig } from '../core/values';
import { do_xfer, xfer_get_init } from './driver';
import { cpucp_memlat_init } from './qcom_scmi_client';
import {
  EV_CPU_CYCLES, EV_INST_RETIRED, EV_L2_D_RFILL, evMapMsg, INVALID_IDX, mapMsg, MEMLAT_ALGO_STR, MESSAGE_NAMES, nodeMsg, P,
  PROTOCOL_PAYLOAD_SIZE, rd32, scalarMsg, statusSym, vendorParamId,
} from './protocol';
import type { DtMemory } from './subsystem';
import { NR_CPUS } from './subsystem';
import type { ClientBuf, OpResult } from './qcom_scmi_vendor';
import { vendorOp } from './qcom_scmi_vendor';

/** Memory nodes in the device tree, and monitor nodes in each: far past the driver's MAX_MEMORY_TYPES and MAX_MONITOR_CNT, so its overflows still show. */
const MAX_DT_NODES = 64;

const U32_MAX = 0xffffffffn;

function u32(m: Machine, a: Arg, what: string): number {
  const v = argBig(m, a, what);
  if (v < 0n || v > U32_MAX) throw new ScenarioError(`${what} ${v} does not fit a u32`, a.range);
  return Number(v);
}

function keyU32(m: Machine, s: Stmt, key: string, dflt: number): number {
  const a = s.keys.get(key);
  return a ? u32(m, a, `${key}=`) : dflt;
}

function ints(v: Value, a: Arg, what: string): bigint[] {
  if (!Array.isArray(v)) throw new ScenarioError(`${what} must be a list, not ${formatValue(v)}`, a.range);
  return (v as readonly Value[]).map((x) => {
    const n = toBig(x);
    if (n === undefined) throw new ScenarioError(`${what}: ${formatValue(x)} is not a number`, a.range);
    return n;
  });
}

/** Integers that must each fit an unsigned field of `bits` bits (`field` names it in the message). */
function uintList(v: Value, a: Arg, what: string, bits = 32, field = `a u${bits}`): number[] {
  return ints(v, a, what).map((n) => {
    if (n < 0n || n >= 1n << BigInt(bits)) throw new ScenarioError(`${what}: ${n} does not fit ${field}`, a.range);
    return Number(n);
  });
}

function u32List(v: Value, a: Arg, what: string): number[] {
  return uintList(v, a, what);
}

/** struct map_table rows as the wire carries them: two u16 each, MHz. */
function rows(v: Value, a: Arg, what: string): Array<[number, number]> {
  if (!Array.isArray(v)) throw new ScenarioError(`${what} must be a list of [cpu_MHz, mem_MHz] rows, not ${formatValue(v)}`, a.range);
  return (v as readonly Value[]).map((row) => {
    const r = uintList(row, a, what, 16, 'a u16 of struct map_table');
    if (r.length !== 2) throw new ScenarioError(`${what}: every row is [cpu_MHz, mem_MHz] (struct map_table's v1, v2), not ${formatValue(row)}`, a.range);
    return [r[0] as number, r[1] as number];
  });
}

/** A DT property of u32 cells written as rows, ragged or not, or as bare cells: kept as written. */
function cells(v: Value, a: Arg, what: string): Array<number | number[]> {
  if (!Array.isArray(v)) throw new ScenarioError(`${what} must be a list of [cpu_kHz, mem_kHz] rows, not ${formatValue(v)}`, a.range);
  return (v as readonly Value[]).map((row) => (Array.isArray(row) ? u32List(row, a, what) : (u32List([row], a, what)[0] as number)));
}

/** The statements of SCENARIO.md §7. */
export function memlatCompilers(ml: () => import('./subsystem').Memlat): Map<string, StatementCompiler> {
  const c = new Map<string, StatementCompiler>();

  c.set('memlat memory', (s) => (m) => {
    const hwArg = s.args[0];
    const hwType = hwArg ? u32(m, hwArg, '<hw_type>') : null;
    const noTable = s.flags.has('no_freq_table');
    for (const key of ['min', 'max']) {
      const a = s.keys.get(key);
      if (noTable && a) throw new ScenarioError(`${key}= has nowhere to go: no_freq_table leaves out freq-table-khz`, a.range);
    }
    const freqTable: [number, number] | null = noTable ? null : [keyU32(m, s, 'min', 0), keyU32(m, s, 'max', 0)];
    const st = ml().st;
    // The tree is copied on each change (history keeps the old one): a `repeat` of nodes would grow it without end.
    if (st.dt.length >= MAX_DT_NODES) throw new ScenarioError(`a device tree may have at most ${MAX_DT_NODES} memory nodes, a fixed limit`, s.range);
    st.dt = [...st.dt, { hwType, freqTable, monitors: [] }];
  });

  c.set('memlat monitor', (s) => (m) => {
    const hwArg = s.args[0];
    const st = ml().st;
    // A reg two nodes share names the later one, as does no <hw_type> at all: the node declared last.
    const hwType = hwArg ? u32(m, hwArg, '<hw_type>') : undefined;
    let at = st.dt.length - 1;
    while (hwType !== undefined && at >= 0 && st.dt[at]?.hwType !== hwType) at--;
    if (at < 0) {
      const what = hwType === undefined ? 'no memory node yet' : `no memory node with hw_type ${hwType}`;
      throw new ScenarioError(`${what} (declare it first: memlat memory ${hwType ?? 0} min=... max=...)`, (hwArg ?? s.keys.get('cpus') ?? s).range);
    }
    const cpusArg = s.keys.get('cpus') as Arg;
    const cpus = u32List(argValue(m, cpusArg), cpusArg, 'cpus=');
    const mapArg = s.keys.get('map') as Arg;
    const map = cells(argValue(m, mapArg), mapArg, 'map=');
    const old = st.dt[at] as DtMemory;
    if (old.monitors.length >= MAX_DT_NODES) throw new ScenarioError(`a memory node may have at most ${MAX_DT_NODES} monitor nodes, a fixed limit`, s.range);
    const dt = st.dt.slice();
    dt[at] = { ...old, monitors: [...old.monitors, { cpus, compute: s.flags.has('compute'), map }] };
    st.dt = dt;
  });

  c.set('scmi probe', () =>
    function* (m) {
      const ret = yield* cpucp_memlat_init(m, ml());
      m.last = { ret: BigInt(ret) };
    },
  );

  c.set('scmi set_param', (s) =>
    function* (m) {
      const { param, buf } = setParamBuf(m, s);
      const algoArg = s.keys.get('algo');
      const algo = algoArg ? fit(argBig(m, algoArg, 'algo='), 64, algoArg, 'algo=') : MEMLAT_ALGO_STR;
      const r = yield* vendorOp(m, ml(), 'set_param', buf, algo, param, txSize(m, s));
      m.last = scmiLast(r);
    },
  );

  c.set('scmi get_param', (s) =>
    function* (m) {
      const param = u32(m, s.args[0] as Arg, '<PARAM>');
      const buf = scalarMsg(keyU32(m, s, 'hw', 0), keyU32(m, s, 'mon', 0), keyU32(m, s, 'val', 0));
      const r = yield* vendorOp(m, ml(), 'get_param', buf, MEMLAT_ALGO_STR, param);
      m.last = scmiLast(r, r.status === 0 && r.rx.length >= 4 ? BigInt(rd32(r.rx, 0)) : 0n);
    },
  );

  c.set('scmi message', (s) =>
    function* (m) {
      const idArg = s.args[0] as Arg;
      const msgId = messageId(m, idArg);
      const payArg = s.keys.get('payload');
      const payload = Uint8Array.from(payArg ? ints(argValue(m, payArg), payArg, 'payload=').map((b) => Number(fit(b, 8, payArg, 'payload='))) : []);
      // No protocol op sends an arbitrary message: this is what one would do with ph->xops.
      const init = yield* xfer_get_init(m, ml(), msgId, BigInt(payload.length), 0n);
      if (!init.xfer) {
        m.last = scmiLast({ ret: init.ret, status: null });
        return;
      }
      const r = yield* do_xfer(m, ml(), init.xfer, payload, [], vendorParamId(msgId, payload));
      m.last = scmiLast(r, r.status === 0 && r.rx.length >= 4 ? BigInt(rd32(r.rx, 0)) : 0n, { rx: Array.from(r.rx, (b) => BigInt(b)) });
    },
  );

  const activity = (op: 'start_activity' | 'stop_activity', param: number): StatementCompiler => () =>
    function* (m) {
      const r = yield* vendorOp(m, ml(), op, null, MEMLAT_ALGO_STR, param);
      m.last = scmiLast(r);
    };
  c.set('scmi start', activity('start_activity', P.START_TIMER as number));
  c.set('scmi stop', activity('stop_activity', P.STOP_TIMER as number));

  c.set('cpu', (s) => (m) => {
    const a = s.args[0] as Arg;
    const n = u32(m, a, '<cpu>');
    if (n >= NR_CPUS) throw new ScenarioError(`there is no CPU ${n} (CPUs 0..${NR_CPUS - 1})`, a.range);
    const rate = (key: string): bigint | undefined => {
      const k = s.keys.get(key);
      if (!k) return undefined;
      const v = argBig(m, k, `${key}=`);
      if (v < 0n || v > (1n << 64n) - 1n) throw new ScenarioError(`${key}= ${v} must be a u64`, k.range);
      return v;
    };
    const st = ml().st;
    const cpus = st.cpus.slice();
    const old = cpus[n] as (typeof cpus)[number];
    cpus[n] = {
      freqMhz: rate('freq') ?? old.freqMhz,
      inst: rate('inst') ?? old.inst,
      l2Refill: rate('l2_refill') ?? old.l2Refill,
      cycles: rate('cycles') ?? old.cycles,
    };
    st.cpus = cpus;
  });

  return c;
}

const NOT_SENT = new Sym('none');

/** `last.scmi`: the platform's status (none when nothing was sent), the first return value and what the op returned. */
function scmiLast(r: Pick<OpResult, 'ret' | 'status'>, value = 0n, more: Readonly<Record<string, Value>> = {}): Value {
  return { scmi: { status: r.status === null ? NOT_SENT : statusSym(r.status), value, ret: BigInt(r.ret), ...more } };
}

/** An integer that must fit an unsigned field of `bits` bits. */
function fit(v: bigint, bits: number, a: Arg, what: string): bigint {
  if (v < 0n || v >= 1n << BigInt(bits)) throw new ScenarioError(`${what} ${v} does not fit a u${bits}`, a.range);
  return v;
}

const MESSAGE_IDS: ReadonlyMap<string, number> = new Map([...MESSAGE_NAMES].map(([id, name]) => [name, id]));

/** A message id (header bits 0-7): a number, or the name of one the protocol defines (`SET_PARAM`, `PROTOCOL_VERSION`). */
function messageId(m: Machine, a: Arg): number {
  const v = argValue(m, a);
  const named = v instanceof Sym ? MESSAGE_IDS.get(v.name) : undefined;
  return named ?? Number(fit(argBig(m, a, '<msg_id>'), 8, a, '<msg_id>'));
}

/**
 * `size=`: the message's whole size as xfer_get_init sees it (the vendor
 * header's 16 bytes and the buffer); the op's own size is 16 less.
 */
function txSize(m: Machine, s: Stmt): bigint | undefined {
  const a = s.keys.get('size');
  if (!a) return undefined;
  const v = fit(argBig(m, a, 'size='), 64, a, 'size=');
  if (v < BigInt(PROTOCOL_PAYLOAD_SIZE)) {
    throw new ScenarioError(`size= ${v} is shorter than the vendor header (ext_id, algo_low, algo_high, param_id: ${PROTOCOL_PAYLOAD_SIZE} bytes)`, a.range);
  }
  return v;
}

/** The client buffer a hand-written `scmi set_param` sends: the struct the driver would use for that param. */
function setParamBuf(m: Machine, s: Stmt): { param: number; buf: ClientBuf } {
  const param = u32(m, s.args[0] as Arg, '<PARAM>');
  const valArg = s.keys.get('val');
  const val = valArg ? argValue(m, valArg) : undefined;
  const hw = (dflt: number): number => keyU32(m, s, 'hw', dflt);
  const mon = keyU32(m, s, 'mon', 0);
  const scalarVal = (): number => (valArg ? u32(m, valArg, 'val=') : 0);
  switch (param) {
    case P.SET_MEM_GROUP:
    case P.SET_MONITOR: {
      let mask = 0;
      if (valArg && Array.isArray(val)) for (const cpu of uintList(val, valArg, 'val=', 5, 'the u32 cpumask')) mask = (mask | (1 << cpu)) >>> 0;
      else mask = scalarVal();
      const name = param === P.SET_MONITOR ? `monitor-${mon}` : undefined;
      return { param, buf: nodeMsg({ cpumask: mask, hw_type: hw(0), mon_type: 0, mon_idx: mon, ...(name ? { name } : {}) }) };
    }
    case P.SET_COMMON_EV_MAP:
    case P.SET_GRP_EV_MAP: {
      const common = param === P.SET_COMMON_EV_MAP;
      const dflt = common ? [EV_INST_RETIRED, EV_CPU_CYCLES, INVALID_IDX, INVALID_IDX] : [EV_L2_D_RFILL, INVALID_IDX, INVALID_IDX];
      const cids = valArg ? u32List(val as Value, valArg, 'val=') : dflt;
      return { param, buf: evMapMsg(cids.length, hw(common ? INVALID_IDX : 0), cids) };
    }
    case P.MON_FREQ_MAP: {
      const r = valArg ? rows(val as Value, valArg, 'val=') : [];
      return { param, buf: mapMsg(hw(0), mon, r.length, r) };
    }
    case P.SAMPLE_MS:
    case P.SET_LOG_LEVEL:
    case P.FLUSH_LOGBUF:
      return { param, buf: Uint8Array.from([0, 8, 16, 24].map((sh) => (scalarVal() >>> sh) & 0xff)) };
    default:
      return { param, buf: scalarMsg(hw(0), mon, scalarVal()) };
  }
}
