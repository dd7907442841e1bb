import type { MemorySpace, Subsystem } from '../core/machine';
import type { ValueKind } from '../core/kinds';
import type { StateNode } from '../core/state';
import { fixedRecord, leaf, list, record, valueNode } from '../core/state';
import type { Value } from '../core/values';
import { Sym } from '../core/values';
import { le32, messageSym, paramSym, rd32, SCMI_SHMEM_CHAN_STAT_CHANNEL_FREE, SHMEM, statusSym, unpackHeader } from './protocol';

const NONE = new Sym('none');

/** CPUs the simulated SoC has (for_each_possible_cpu). */
export const NR_CPUS = 8;

/** A `memlat monitor` node of the device tree (kHz, as written). */
export interface DtMonitor {
  /** qcom,cpulist: the CPU each phandle names, possible or not. */
  readonly cpus: readonly number[];
  readonly compute: boolean;
  /** qcom,cpufreq-memfreq-tbl as written, rows possibly ragged: its cells, flattened, are the property. */
  readonly map: ReadonlyArray<number | readonly number[]>;
}

/** A `memlat memory` node. */
export interface DtMemory {
  /** `reg`, or null for a node without one. */
  readonly hwType: number | null;
  /** `freq-table-khz` <min max>, or null for a node without one. */
  readonly freqTable: readonly [number, number] | null;
  readonly monitors: DtMonitor[];
}

/** The u32 cells of a monitor's qcom,cpufreq-memfreq-tbl. */
export function mapCells(mon: DtMonitor): number[] {
  return mon.map.flatMap((row) => (typeof row === 'number' ? [row] : [...row]));
}

/** The firmware's view of one monitor, as the messages configured it. */
export interface FwMonitor {
  readonly monIdx: number;
  cpumask: number;
  monType: number;
  name: string;
  ipmCeil: number;
  /** [cpufreq_mhz, memfreq_mhz] rows, wire units. */
  map: Array<[number, number]>;
  voteKhz: number;
  /** The CPU frequency (MHz) the last vote was read off the map at: the fastest counted CPU, 0 when none counted. */
  voteCpuMhz: number;
  /** Tunables the model stores but does not use (FE_STALL_FLOOR, WB_PCT, ...). */
  params: Record<string, number>;
}

export interface FwGroup {
  readonly hwType: number;
  minKhz: number;
  maxKhz: number;
  curKhz: number;
  /** The last samples, oldest first: [time in ms, cur_khz], for the state picture's plot over time. */
  history: Array<[number, number]>;
  /** Sorted by monIdx. */
  monitors: FwMonitor[];
  events: number[];
}

export interface Cpu {
  freqMhz: bigint;
  inst: bigint;
  l2Refill: bigint;
  cycles: bigint;
}

/** One message on the channel, kept whole so the last ones can be decoded. */
export interface LogEntry {
  readonly msgId: number;
  /** The vendor param_id, for a message of the vendor body's shape. */
  readonly paramId: number | null;
  readonly status: number;
  readonly header: number;
  readonly tx: Uint8Array;
  readonly rx: Uint8Array;
  /** Byte ranges of the client's buffer it never wrote (stack contents on a real kernel; zero here). */
  readonly uninit: ReadonlyArray<readonly [number, number]>;
  readonly atNs: bigint;
}

export interface MemlatState {
  dt: DtMemory[];
  groups: FwGroup[];
  commonEvents: number[];
  sampleMs: number;
  running: boolean;
  logLevel: number;
  cpus: Cpu[];
  /** The next SCMI token (10 bits, monotonic). */
  token: number;
  shmem: Uint8Array;
}

export function initialState(): MemlatState {
  // The platform hands the channel over free: shmem_tx_prepare() waits for that bit before it writes.
  const shmem = new Uint8Array(SHMEM.size);
  shmem.set(le32(SCMI_SHMEM_CHAN_STAT_CHANNEL_FREE), SHMEM.channelStatus);
  return {
    dt: [],
    groups: [],
    commonEvents: [],
    sampleMs: 0,
    running: false,
    logLevel: 0,
    cpus: Array.from({ length: NR_CPUS }, () => ({ freqMhz: 0n, inst: 0n, l2Refill: 0n, cycles: 0n })),
    token: 0,
    shmem,
  };
}

interface MemlatSnapshot {
  readonly st: MemlatState;
  readonly log: readonly LogEntry[];
  readonly logLen: number;
}

/**
 * The SCMI memlat state: the device tree the client reads, the firmware's
 * groups and monitors, the CPUs, the message log and the shared-memory
 * channel. Roots: `memlat` and `scmi`; memory space `scmi-shmem`.
 */
export class Memlat implements Subsystem {
  readonly name = 'scmi';
  st: MemlatState = initialState();
  /**
   * The message log is append-only and shared between snapshots: a snapshot
   * keeps (array, length); an append to an array another branch has grown
   * further copies the prefix first.
   */
  private log: LogEntry[] = [];
  private logLen = 0;

  /** Used once a memory or monitor is declared or a message has been sent. */
  active(): boolean {
    return this.st.dt.length > 0 || this.logLen > 0;
  }

  readonly memory: Readonly<Record<string, MemorySpace>> = {
    'scmi-shmem': {
      read: (addr, length) => {
        const out = new Uint8Array(length);
        for (let i = 0; i < length; i++) {
          const a = addr + BigInt(i);
          if (a >= 0n && a < BigInt(SHMEM.size)) out[i] = this.st.shmem[Number(a)] as number;
        }
        return out;
      },
      write: (addr, bytes) => {
        bytes.forEach((b, i) => {
          const a = addr + BigInt(i);
          if (a >= 0n && a < BigInt(SHMEM.size)) this.st.shmem[Number(a)] = b;
        });
      },
    },
  };

  appendLog(e: LogEntry): void {
    if (this.log.length !== this.logLen) this.log = this.log.slice(0, this.logLen);
    this.log.push(e);
    this.logLen++;
  }

  get messages(): readonly LogEntry[] {
    return this.log.length === this.logLen ? this.log : this.log.slice(0, this.logLen);
  }

  get messageCount(): number {
    return this.logLen;
  }

  group(hwType: number): FwGroup | undefined {
    return this.st.groups.find((g) => g.hwType === hwType);
  }

  snapshot(): { data: MemlatSnapshot; size: number } {
    const st = structuredClone(this.st);
    let size = 2 + st.dt.length + st.groups.length;
    for (const g of st.groups) size += g.monitors.length;
    return { data: { st, log: this.log, logLen: this.logLen }, size };
  }

  restore(data: unknown): void {
    const s = data as MemlatSnapshot;
    this.st = structuredClone(s.st);
    this.log = s.log as LogEntry[];
    this.logLen = s.logLen;
  }

  roots(): Readonly<Record<string, StateNode>> {
    const memory = list(
      () => this.st.groups.length,
      (i) => this.groupNode(i),
    );
    const cpu = list(
      () => NR_CPUS,
      (i) =>
        fixedRecord({
          freq_mhz: leaf(() => (this.st.cpus[i] as Cpu).freqMhz),
          inst: leaf(() => (this.st.cpus[i] as Cpu).inst),
          l2_refill: leaf(() => (this.st.cpus[i] as Cpu).l2Refill),
          cycles: leaf(() => (this.st.cpus[i] as Cpu).cycles),
        }),
    );
    const dt = fixedRecord({
      memory: list(
        () => this.st.dt.length,
        (i) => valueNode(dtValue(this.st.dt[i] as DtMemory)),
      ),
    });
    const memlat = fixedRecord({
      memory,
      sample_ms: leaf(() => BigInt(this.st.sampleMs), { valueKind: 'time_ms' }),
      running: leaf(() => this.st.running),
      common_events: leafList(() => this.st.commonEvents),
      cpu,
      dt,
    });
    const log = list(
      () => this.logLen,
      (i) => valueNode(logValue(this.log[i] as LogEntry)),
      { all: () => this.messages.map(logValue) },
    );
    // The same index as scmi.log; each entry is decoded only when it is looked at.
    const messages = list(
      () => this.logLen,
      (i) => valueNode(decodedValue(this.log[i] as LogEntry, i), undefined, MESSAGE_FIELDS),
    );
    const shmem = record(
      () => {
        const b = this.st.shmem;
        const len = rd32(b, SHMEM.length);
        const payloadLen = Math.max(0, Math.min(len - 4, b.length - SHMEM.payload));
        return {
          channel_status: leaf(() => BigInt(rd32(b, SHMEM.channelStatus)), { valueKind: 'reg' }),
          flags: leaf(() => BigInt(rd32(b, SHMEM.flags)), { valueKind: 'mask' }),
          length: leaf(() => BigInt(len)),
          msg_header: leaf(() => BigInt(rd32(b, SHMEM.header)), { valueKind: 'reg' }),
          msg_payload: valueNode(bytesValue(b.subarray(SHMEM.payload, SHMEM.payload + payloadLen)), 'bytes'),
        };
      },
      { memory: { space: 'scmi-shmem', base: 0n, size: SHMEM.size } },
    );
    const scmi = fixedRecord({
      log,
      messages,
      shmem,
      next_token: leaf(() => BigInt(this.st.token)),
    });
    return { memlat, scmi };
  }

  private groupNode(i: number): StateNode {
    const g = (): FwGroup => this.st.groups[i] as FwGroup;
    const monitor = list(
      () => g().monitors.length,
      (k) => this.monitorNode(() => g().monitors[k] as FwMonitor),
      {
        lookup: (key) => {
          const mon = g().monitors.find((x) => BigInt(x.monIdx) === key);
          return mon ? this.monitorNode(() => g().monitors.find((x) => BigInt(x.monIdx) === key) as FwMonitor) : undefined;
        },
        keyAt: (k) => BigInt((g().monitors[k] as FwMonitor).monIdx),
      },
    );
    return fixedRecord({
      hw_type: leaf(() => BigInt(g().hwType)),
      min_khz: leaf(() => BigInt(g().minKhz)),
      max_khz: leaf(() => BigInt(g().maxKhz)),
      cur_khz: leaf(() => BigInt(g().curKhz)),
      history: list(
        () => g().history.length,
        (k) => valueNode((g().history[k] as [number, number]).map(BigInt)),
      ),
      monitor,
      events: leafList(() => g().events),
    });
  }

  private monitorNode(mon: () => FwMonitor): StateNode {
    return fixedRecord({
      mon_idx: leaf(() => BigInt(mon().monIdx)),
      name: leaf(() => mon().name),
      mon_type: leaf(() => (mon().monType === 1 ? new Sym('compute', 1n) : new Sym('memlat', BigInt(mon().monType)))),
      cpus: leafList(() => maskCpus(mon().cpumask)),
      cpumask: leaf(() => BigInt(mon().cpumask), { valueKind: 'mask' }),
      ipm_ceil: leaf(() => BigInt(mon().ipmCeil)),
      map: leafRows(() => mon().map),
      vote_khz: leaf(() => BigInt(mon().voteKhz)),
      params: record(() => Object.fromEntries(Object.entries(mon().params).map(([k, v]) => [k, valueNode(BigInt(v))]))),
    });
  }
}

function leafList(get: () => number[]): StateNode {
  return list(
    () => get().length,
    (i) => leaf(() => BigInt(get()[i] as number)),
    { all: () => get().map((x) => BigInt(x)) },
  );
}

function leafRows(get: () => ReadonlyArray<readonly [number, number]>): StateNode {
  return list(
    () => get().length,
    (i) => valueNode(get()[i]?.map((x) => BigInt(x)) ?? []),
    { all: () => get().map((r) => r.map((x) => BigInt(x))) },
  );
}

export function maskCpus(mask: number): number[] {
  const out: number[] = [];
  for (let c = 0; c < 32; c++) if ((mask >>> c) & 1) out.push(c);
  return out;
}

function dtValue(d: DtMemory): Value {
  const orNone = (v: number | undefined): Value => (v === undefined ? NONE : BigInt(v));
  return {
    hw_type: orNone(d.hwType ?? undefined),
    freq_table_khz: d.freqTable ? d.freqTable.map(BigInt) : NONE,
    min_khz: orNone(d.freqTable?.[0]),
    max_khz: orNone(d.freqTable?.[1]),
    monitor: d.monitors.map((mon) => ({
      cpus: mon.cpus.map((c) => BigInt(c)),
      compute: mon.compute,
      map: mon.map.map((r) => (typeof r === 'number' ? BigInt(r) : r.map(BigInt))),
    })),
  };
}

export function bytesValue(b: Uint8Array): Value {
  return Array.from(b, (x) => BigInt(x));
}

export function logValue(e: LogEntry): Value {
  return { msg_id: messageSym(e.msgId), param_id: e.paramId === null ? NONE : paramSym(e.paramId), status: statusSym(e.status) };
}

/**
 * One message as the channel carried it: the header's fields, the payload
 * after the header, and, for a message in the vendor body's shape, its
 * ext_id, algo, param_id and buf.
 */
/** A decoded message's fields whose names mean something else in SCMI: its payloads are bytes, its time in ns. */
const MESSAGE_FIELDS: Readonly<Record<string, ValueKind>> = { payload: 'bytes', rx: 'bytes', buf: 'bytes', at_ns: 'time', type: 'reg', protocol_id: 'reg', token: 'count' };

function decodedValue(e: LogEntry, seq: number): Value {
  const h = unpackHeader(e.header);
  const common: Record<string, Value> = {
    seq: BigInt(seq),
    header: BigInt(e.header),
    msg_id: messageSym(h.messageId),
    message_id: messageSym(h.messageId),
    type: BigInt(h.type),
    protocol_id: BigInt(h.protocolId),
    token: BigInt(h.token),
    payload: bytesValue(e.tx),
  };
  const vendor: Record<string, Value> =
    e.paramId === null
      ? {}
      : {
          ext_id: BigInt(rd32(e.tx, 0)),
          algo: (BigInt(rd32(e.tx, 8)) << 32n) | BigInt(rd32(e.tx, 4)),
          param_id: paramSym(e.paramId),
          buf: bytesValue(e.tx.subarray(16)),
        };
  return {
    ...common,
    ...vendor,
    uninit: e.uninit.map(([f, t]) => [BigInt(f), BigInt(t)]),
    status: statusSym(e.status),
    rx: bytesValue(e.rx),
    at_ns: e.atNs,
  };
}
