/**
 * The wire format of the Qualcomm SCMI vendor protocol as reference 001's
 * client uses it: the SCMI message header, the vendor protocol's message ids,
 * the `{le32 ext_id; le32 algo_low; le32 algo_high; le32 param_id; buf}`
 * body, and the client's message structs (node_msg, scalar_param_msg,
 * map_param_msg, ev_map_msg), all little-endian.
 */
import { Sym } from '../core/values';
import { namedConstant } from '../scenario/constants';
import { EACCES, EBUSY, EINVAL, EIO, ENOENT, EOPNOTSUPP, ERANGE } from '../core/errno';

/** QCOM_SCMI_VENDOR_PROTOCOL. */
export const QCOM_SCMI_VENDOR_PROTOCOL = 0x80;
/** SCMI message types (header bits 8-9). */
export const MSG_TYPE_COMMAND = 0;

/** The vendor protocol's message ids, as SCENARIO.md §7 names them. */
export const QCOM_SCMI_SET_PARAM = namedConstant('SET_PARAM');
export const QCOM_SCMI_GET_PARAM = namedConstant('GET_PARAM');
export const QCOM_SCMI_START_ACTIVITY = namedConstant('START_ACTIVITY');
export const QCOM_SCMI_STOP_ACTIVITY = namedConstant('STOP_ACTIVITY');

/** The commands every SCMI protocol implements (the SCMI specification makes them mandatory; the core sends PROTOCOL_VERSION at protocol init). */
export const PROTOCOL_VERSION = 0x0;
export const PROTOCOL_ATTRIBUTES = 0x1;
export const PROTOCOL_MESSAGE_ATTRIBUTES = 0x2;

/** Every message id protocol 0x80 answers; any other gets SCMI_ERR_SUPPORT. */
export const MESSAGE_NAMES: ReadonlyMap<number, string> = new Map([
  [PROTOCOL_VERSION, 'PROTOCOL_VERSION'],
  [PROTOCOL_ATTRIBUTES, 'PROTOCOL_ATTRIBUTES'],
  [PROTOCOL_MESSAGE_ATTRIBUTES, 'PROTOCOL_MESSAGE_ATTRIBUTES'],
  [QCOM_SCMI_SET_PARAM, 'SET_PARAM'],
  [QCOM_SCMI_GET_PARAM, 'GET_PARAM'],
  [QCOM_SCMI_START_ACTIVITY, 'START_ACTIVITY'],
  [QCOM_SCMI_STOP_ACTIVITY, 'STOP_ACTIVITY'],
]);

/** The vendor messages: their payload is the `{ext_id, algo_low, algo_high, param_id, buf}` body. */
export function isVendorMessage(msgId: number): boolean {
  return msgId >= QCOM_SCMI_SET_PARAM && msgId <= QCOM_SCMI_STOP_ACTIVITY;
}

/** The param_id a payload carries, if it is a vendor message long enough to carry one. */
export function vendorParamId(msgId: number, tx: Uint8Array): number | null {
  return isVendorMessage(msgId) && tx.length >= 16 ? rd32(tx, 12) : null;
}

export const EXTENDED_MSG_ID = 0;
/** The vendor protocol's four header words before the client's buffer. */
export const PROTOCOL_PAYLOAD_SIZE = 16;
/** Largest message the vendor protocol allocates. */
export const SCMI_MAX_TX_RX_SIZE = 128;

export const MEMLAT_ALGO_STR = 0x74616c6d656dn;

/** Reference 001's constants, by the names its code uses. */
const c = namedConstant;

export const MAX_MEMORY_TYPES = c('MAX_MEMORY_TYPES');
export const MAX_MONITOR_CNT = c('MAX_MONITOR_CNT');
export const MAX_MAP_ENTRIES = c('MAX_MAP_ENTRIES');
export const MAX_NAME_LEN = c('MAX_NAME_LEN');
export const INVALID_IDX = c('INVALID_IDX');
export const EV_CPU_CYCLES = c('EV_CPU_CYCLES');
export const EV_INST_RETIRED = c('EV_INST_RETIRED');
export const EV_L2_D_RFILL = c('EV_L2_D_RFILL');
export const NUM_COMMON_EVS = 4;
export const NUM_GRP_EVS = 3;

/** enum scmi_memlat_protocol_cmd, in the reference's order. */
export const PARAM_NAMES: readonly string[] = [
  'MEMLAT_SET_LOG_LEVEL', 'MEMLAT_FLUSH_LOGBUF', 'MEMLAT_SET_MEM_GROUP', 'MEMLAT_SET_MONITOR',
  'MEMLAT_SET_COMMON_EV_MAP', 'MEMLAT_SET_GRP_EV_MAP', 'MEMLAT_ADAPTIVE_LOW_FREQ', 'MEMLAT_ADAPTIVE_HIGH_FREQ',
  'MEMLAT_GET_ADAPTIVE_CUR_FREQ', 'MEMLAT_IPM_CEIL', 'MEMLAT_FE_STALL_FLOOR', 'MEMLAT_BE_STALL_FLOOR',
  'MEMLAT_WB_PCT', 'MEMLAT_IPM_FILTER', 'MEMLAT_FREQ_SCALE_PCT', 'MEMLAT_FREQ_SCALE_CEIL_MHZ',
  'MEMLAT_FREQ_SCALE_FLOOR_MHZ', 'MEMLAT_SAMPLE_MS', 'MEMLAT_MON_FREQ_MAP', 'MEMLAT_SET_MIN_FREQ',
  'MEMLAT_SET_MAX_FREQ', 'MEMLAT_GET_CUR_FREQ', 'MEMLAT_START_TIMER', 'MEMLAT_STOP_TIMER',
  'MEMLAT_GET_TIMESTAMP',
];
export const P: Readonly<Record<string, number>> = Object.fromEntries(PARAM_NAMES.map((n) => [n.replace(/^MEMLAT_/, ''), c(n)]));

const PARAM_BY_ID: ReadonlyMap<number, string> = new Map(PARAM_NAMES.map((n) => [c(n), n]));

export function paramSym(id: number): Sym {
  return new Sym(PARAM_BY_ID.get(id) ?? `param_${id}`, BigInt(id));
}

export function messageSym(id: number): Sym {
  return new Sym(MESSAGE_NAMES.get(id) ?? `msg_${id}`, BigInt(id));
}

// ---- statuses ----------------------------------------------------------------

export const SCMI_SUCCESS = 0;
export const SCMI_ERR_SUPPORT = -1;
export const SCMI_ERR_PARAMS = -2;
export const SCMI_ERR_ACCESS = -3;
export const SCMI_ERR_ENTRY = -4;
export const SCMI_ERR_RANGE = -5;
export const SCMI_ERR_BUSY = -6;

const STATUS_NAMES: ReadonlyMap<number, string> = new Map([
  [SCMI_SUCCESS, 'SCMI_SUCCESS'],
  [SCMI_ERR_SUPPORT, 'SCMI_ERR_SUPPORT'],
  [SCMI_ERR_PARAMS, 'SCMI_ERR_PARAMS'],
  [SCMI_ERR_ACCESS, 'SCMI_ERR_ACCESS'],
  [SCMI_ERR_ENTRY, 'SCMI_ERR_ENTRY'],
  [SCMI_ERR_RANGE, 'SCMI_ERR_RANGE'],
  [SCMI_ERR_BUSY, 'SCMI_ERR_BUSY'],
]);

export function statusSym(s: number): Sym {
  return new Sym(STATUS_NAMES.get(s) ?? `SCMI_STATUS_${s}`, BigInt(s));
}

/** drivers/firmware/arm_scmi/common.h scmi_to_linux_errno(): what do_xfer returns to the client. */
export function scmiToLinuxErrno(status: number): number {
  switch (status) {
    case SCMI_SUCCESS: return 0;
    case SCMI_ERR_SUPPORT: return -EOPNOTSUPP;
    case SCMI_ERR_PARAMS: return -EINVAL;
    case SCMI_ERR_ACCESS: return -EACCES;
    case SCMI_ERR_ENTRY: return -ENOENT;
    case SCMI_ERR_RANGE: return -ERANGE;
    case SCMI_ERR_BUSY: return -EBUSY;
    default: return -EIO;
  }
}

// ---- header ------------------------------------------------------------------

export interface Header {
  readonly messageId: number;
  readonly type: number;
  readonly protocolId: number;
  readonly token: number;
}

/** pack_scmi_header(): message_id bits 0-7, type 8-9, protocol_id 10-17, token 18-27. */
export function packHeader(h: Header): number {
  return ((h.messageId & 0xff) | ((h.type & 0x3) << 8) | ((h.protocolId & 0xff) << 10) | ((h.token & 0x3ff) << 18)) >>> 0;
}

export function unpackHeader(w: number): Header {
  return { messageId: w & 0xff, type: (w >>> 8) & 0x3, protocolId: (w >>> 10) & 0xff, token: (w >>> 18) & 0x3ff };
}

// ---- little-endian struct writers --------------------------------------------

/** A C struct being filled: bytes never written stay "uninitialized" (see `uninit`). */
export class CStruct {
  readonly bytes: Uint8Array;
  readonly written: Uint8Array;
  constructor(size: number) {
    this.bytes = new Uint8Array(size);
    this.written = new Uint8Array(size);
  }
  u32(off: number, v: number | bigint): this {
    const n = BigInt.asUintN(32, BigInt(v));
    for (let i = 0; i < 4; i++) {
      this.bytes[off + i] = Number((n >> BigInt(8 * i)) & 0xffn);
      this.written[off + i] = 1;
    }
    return this;
  }
  u16(off: number, v: number | bigint): this {
    const n = BigInt.asUintN(16, BigInt(v));
    this.bytes[off] = Number(n & 0xffn);
    this.bytes[off + 1] = Number(n >> 8n);
    this.written[off] = 1;
    this.written[off + 1] = 1;
    return this;
  }
  /** strscpy(dst, src, size): copies, NUL-terminates, leaves the rest of dst as it was. */
  str(off: number, size: number, s: string): this {
    const n = Math.min(s.length, size - 1);
    for (let i = 0; i < n; i++) {
      this.bytes[off + i] = s.charCodeAt(i) & 0xff;
      this.written[off + i] = 1;
    }
    this.bytes[off + n] = 0;
    this.written[off + n] = 1;
    return this;
  }
  /** Bytes the code wrote from a variable it never set: as much stack garbage as bytes it never wrote. */
  garbage(off: number, len: number): this {
    this.written.fill(0, off, off + len);
    return this;
  }
  /** Byte ranges [from, to) the code never wrote: stack garbage on a real kernel. */
  uninit(): Array<[number, number]> {
    const out: Array<[number, number]> = [];
    for (let i = 0; i < this.written.length; i++) {
      if (this.written[i]) continue;
      const from = i;
      while (i < this.written.length && !this.written[i]) i++;
      out.push([from, i]);
      i--;
    }
    return out;
  }
}

export function rd32(b: Uint8Array, off: number): number {
  if (off + 4 > b.length) return 0;
  return ((b[off] as number) | ((b[off + 1] as number) << 8) | ((b[off + 2] as number) << 16) | ((b[off + 3] as number) << 24)) >>> 0;
}

export function rd16(b: Uint8Array, off: number): number {
  if (off + 2 > b.length) return 0;
  return (b[off] as number) | ((b[off + 1] as number) << 8);
}

export function le32(v: number | bigint): number[] {
  const n = BigInt.asUintN(32, BigInt(v));
  return [0, 1, 2, 3].map((i) => Number((n >> BigInt(8 * i)) & 0xffn));
}

/** sizeof(struct node_msg): 4 u32 + char[MAX_NAME_LEN] = 36. */
export const NODE_MSG_SIZE = 16 + MAX_NAME_LEN;
/** sizeof(struct scalar_param_msg) = 12. */
export const SCALAR_MSG_SIZE = 12;
/** sizeof(struct map_param_msg), __packed: 3 u32 + 6 × {u16, u16} = 36. */
export const MAP_MSG_SIZE = 12 + 4 * MAX_MAP_ENTRIES;
/** sizeof(struct ev_map_msg): 2 u32 + u32 cid[NUM_COMMON_EVS] = 24. */
export const EV_MAP_MSG_SIZE = 8 + 4 * NUM_COMMON_EVS;

export function nodeMsg(f: { cpumask?: number; hw_type: number; mon_type: number; mon_idx: number; name?: string }): CStruct {
  const s = new CStruct(NODE_MSG_SIZE);
  if (f.cpumask !== undefined) s.u32(0, f.cpumask);
  s.u32(4, f.hw_type).u32(8, f.mon_type).u32(12, f.mon_idx);
  if (f.name !== undefined) s.str(16, MAX_NAME_LEN, f.name);
  return s;
}

export function scalarMsg(hw: number | bigint, mon: number | bigint, val: number | bigint): CStruct {
  return new CStruct(SCALAR_MSG_SIZE).u32(0, hw).u32(4, mon).u32(8, val);
}

/** struct ev_map_msg; a hand-written message with more cids than cid[] holds carries them past its end. */
export function evMapMsg(numEvs: number, hw: number | bigint, cids: ReadonlyArray<number | bigint | undefined>): CStruct {
  const s = new CStruct(EV_MAP_MSG_SIZE + 4 * Math.max(0, cids.length - NUM_COMMON_EVS)).u32(0, numEvs).u32(4, hw);
  cids.forEach((v, i) => {
    if (v !== undefined) s.u32(8 + 4 * i, v);
  });
  return s;
}

/** struct map_param_msg; a hand-written message with more rows than tbl[] holds carries them past its end. */
export function mapMsg(hw: number | bigint, mon: number | bigint, nrRows: number | bigint, rows: ReadonlyArray<readonly [number | bigint, number | bigint]>): CStruct {
  const s = new CStruct(MAP_MSG_SIZE + 4 * Math.max(0, rows.length - MAX_MAP_ENTRIES)).u32(0, hw).u32(4, mon).u32(8, nrRows);
  rows.forEach(([v1, v2], i) => s.u16(12 + 4 * i, v1).u16(14 + 4 * i, v2));
  return s;
}

/** The vendor protocol's tx buffer: `{le32 ext_id; le32 algo_low; le32 algo_high; le32 param_id; buf}`. */
export function vendorBody(algo: bigint, paramId: number, buf: Uint8Array): Uint8Array {
  const out = new Uint8Array(PROTOCOL_PAYLOAD_SIZE + buf.length);
  out.set(le32(EXTENDED_MSG_ID), 0);
  out.set(le32(algo & 0xffffffffn), 4);
  out.set(le32(algo >> 32n), 8);
  out.set(le32(paramId), 12);
  out.set(buf, 16);
  return out;
}

// ---- the shared-memory mailbox (arm,scmi-shmem) ------------------------------

/** struct scmi_shared_mem: reserved, channel_status, reserved1[2], flags, length, msg_header, msg_payload[]. */
export const SHMEM = {
  channelStatus: 0x04,
  flags: 0x10,
  length: 0x14,
  header: 0x18,
  payload: 0x1c,
  size: 0x1c + SCMI_MAX_TX_RX_SIZE,
} as const;
export const SCMI_SHMEM_CHAN_STAT_CHANNEL_FREE = 1;
/**
 * shmem_tx_prepare() writes this into `flags` unless the transfer polls for
 * completion; the mailbox transport never polls (xfer_get_init sets
 * poll_completion false), so every message asks for the platform's interrupt.
 */
export const SCMI_SHMEM_FLAG_INTR_ENABLED = namedConstant('SCMI_SHMEM_FLAG_INTR_ENABLED');

/**
 * Extra function-breakpoint names: each message's firmware frame
 * (memlat_handle_msg) also answers to its message name (`SET_PARAM`, ...)
 * and its parameter name (`MEMLAT_IPM_CEIL`, ...).
 */
export const SCMI_BREAKPOINT_NAMES: readonly string[] = [...MESSAGE_NAMES.values(), ...PARAM_NAMES];
