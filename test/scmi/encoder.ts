/**
 * An independent encoder of the SCMI memlat vendor messages, from the struct
 * layouts of reference 001: the tests check the simulator's bytes against it.
 */

/** Little-endian u32 bytes. */
export function u32(v: number): number[] {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v >>> 0, true);
  return [...b];
}

export function u16(v: number): number[] {
  const b = new Uint8Array(2);
  new DataView(b.buffer).setUint16(0, v & 0xffff, true);
  return [...b];
}

/** "memlat" = 0x74616C6D656D: algo_low 0x6C6D656D, algo_high 0x00007461. */
export const ALGO_LOW = 0x6c6d656d;
export const ALGO_HIGH = 0x7461;

/** {le32 ext_id; le32 algo_low; le32 algo_high; le32 param_id; buf} */
export function body(paramId: number, buf: number[]): number[] {
  return [...u32(0), ...u32(ALGO_LOW), ...u32(ALGO_HIGH), ...u32(paramId), ...buf];
}

/** struct node_msg { u32 cpumask, hw_type, mon_type, mon_idx; char mon_name[20]; } */
export function nodeMsg(cpumask: number, hw: number, monType: number, monIdx: number, name: string): number[] {
  const n = [...name].map((ch) => ch.charCodeAt(0));
  while (n.length < 20) n.push(0);
  return [...u32(cpumask), ...u32(hw), ...u32(monType), ...u32(monIdx), ...n];
}

/** struct scalar_param_msg { u32 hw_type, mon_idx, val; } */
export function scalarMsg(hw: number, mon: number, val: number): number[] {
  return [...u32(hw), ...u32(mon), ...u32(val)];
}

/** struct ev_map_msg { u32 num_evs, hw_type, cid[4]; } */
export function evMapMsg(num: number, hw: number, cid: number[]): number[] {
  const c = [...cid];
  while (c.length < 4) c.push(0);
  return [...u32(num), ...u32(hw), ...c.flatMap(u32)];
}

/** struct map_param_msg __packed { u32 hw_type, mon_idx, nr_rows; struct { u16 v1, v2; } tbl[6]; } */
export function mapMsg(hw: number, mon: number, rows: Array<[number, number]>): number[] {
  const tbl = rows.flatMap(([a, b]) => [...u16(a), ...u16(b)]);
  while (tbl.length < 24) tbl.push(0);
  return [...u32(hw), ...u32(mon), ...u32(rows.length), ...tbl];
}

/** SCMI header: message_id 0-7, type 8-9, protocol_id 10-17, token 18-27. */
export function header(msgId: number, token: number, type = 0, proto = 0x80): number {
  return (msgId + type * 0x100 + proto * 0x400 + token * 0x40000) >>> 0;
}
