/**
 * SCENARIO.md §7 wire format: the SCMI header, the vendor body and the
 * byte-exact encoding of every message `scmi probe` sends, computed here
 * independently from reference 001's struct layouts.
 */
import { describe, expect, it } from 'vitest';
import { packHeader, unpackHeader } from '../../src/sim/scmi/protocol';
import { Memlat } from '../../src/sim/scmi/subsystem';
import { ev, run, scenario, sim, subsystem } from '../support/kit';
import { body, evMapMsg, header, mapMsg, nodeMsg, scalarMsg, u32 } from './encoder';

// enum scmi_memlat_protocol_cmd of reference 001, counted by hand.
const ID = {
  SET_MEM_GROUP: 16, SET_MONITOR: 17, SET_COMMON_EV_MAP: 18, SET_GRP_EV_MAP: 19, IPM_CEIL: 23,
  SAMPLE_MS: 31, MON_FREQ_MAP: 32, SET_MIN_FREQ: 33, SET_MAX_FREQ: 34, GET_CUR_FREQ: 35, START_TIMER: 36, STOP_TIMER: 37,
};
const SET_PARAM = 0x10;
const GET_PARAM = 0x11;
const START_ACTIVITY = 0x12;
const STOP_ACTIVITY = 0x13;

const BASIC = `
  memlat memory 0 min=200000 max=3000000
  memlat monitor 0 cpus=[0..3] map=[[1200000, 800000], [2400000, 1600000]]
  scmi probe
`;

describe('SCMI header', () => {
  it('packs message_id bits 0-7, type 8-9, protocol_id 10-17, token 18-27', () => {
    expect(packHeader({ messageId: 0x10, type: 0, protocolId: 0x80, token: 5 })).toBe(0x10 | (0x80 << 10) | (5 << 18));
    expect(packHeader({ messageId: 0x10, type: 0, protocolId: 0x80, token: 5 })).toBe(0x160010);
    expect(packHeader({ messageId: 0xff, type: 3, protocolId: 0xff, token: 0x3ff })).toBe(0x0fffffff);
    expect(packHeader({ messageId: 0x13, type: 0, protocolId: 0x80, token: 0x3ff })).toBe(header(0x13, 0x3ff));
  });

  it('masks every field to its width and unpacks what it packed', () => {
    expect(packHeader({ messageId: 0x1ff, type: 4, protocolId: 0x180, token: 0x400 })).toBe(0xff | (0x80 << 10));
    for (const h of [
      { messageId: 0x11, type: 0, protocolId: 0x80, token: 0 },
      { messageId: 0x12, type: 2, protocolId: 0x13, token: 777 },
    ]) {
      expect(unpackHeader(packHeader(h))).toEqual(h);
    }
  });
});

describe('scmi probe, message for message (byte-exact)', () => {
  it('sends the ten messages of cpucp_memlat_init in the driver order with the struct bytes of reference 001', () => {
    const s = run(scenario(BASIC));
    const msgs = subsystem(s, Memlat).messages;
    const expected: Array<[number, number, number[]]> = [
      // configure_cpucp_common_events: ev_map_msg {NUM_COMMON_EVS, INVALID_IDX, {INST_RETIRED, CPU_CYCLES, 0xFF, 0xFF}}
      [SET_PARAM, ID.SET_COMMON_EV_MAP, evMapMsg(4, 0xff, [2, 0, 0xff, 0xff])],
      // configure_cpucp_grp: node_msg {0, hw_type, 0, 0, mon_name never written (zero here)}
      [SET_PARAM, ID.SET_MEM_GROUP, nodeMsg(0, 0, 0, 0, '')],
      // ev_map_msg {NUM_GRP_EVS, hw_type, {L2_D_RFILL, 0xFF, 0xFF, cid[3] never written}}
      [SET_PARAM, ID.SET_GRP_EV_MAP, evMapMsg(3, 0, [5, 0xff, 0xff])],
      // configure_cpucp_mon: node_msg {mask 0xF, hw 0, mon_type 0, mon_idx 0, "monitor-0"}
      [SET_PARAM, ID.SET_MONITOR, nodeMsg(0xf, 0, 0, 0, 'monitor-0')],
      [SET_PARAM, ID.IPM_CEIL, scalarMsg(0, 0, 20000000)],
      // cpufreq_mhz = kHz / 1000; memfreq = kHz / 1000 (MHz) on the wire
      [SET_PARAM, ID.MON_FREQ_MAP, mapMsg(0, 0, [[1200, 800], [2400, 1600]])],
      [SET_PARAM, ID.SET_MIN_FREQ, scalarMsg(0, 0, 200000)],
      [SET_PARAM, ID.SET_MAX_FREQ, scalarMsg(0, 0, 3000000)],
      // u32 cpucp_sample_ms = 8
      [SET_PARAM, ID.SAMPLE_MS, u32(8)],
      // start_activity(ph, NULL, ..., 0)
      [START_ACTIVITY, ID.START_TIMER, []],
    ];
    expect(msgs.length).toBe(expected.length);
    expected.forEach(([msgId, param, buf], i) => {
      const m = msgs[i];
      expect(m?.msgId).toBe(msgId);
      expect(m?.paramId).toBe(param);
      expect(m?.header).toBe(header(msgId, i));
      expect([...(m?.tx ?? [])]).toEqual(body(param, buf));
      expect(m?.status).toBe(0);
    });
    // Sizes: sizeof(ev_map_msg) 24, node_msg 36, scalar 12, map_param_msg (packed) 36.
    expect(msgs.map((m) => m.tx.length - 16)).toEqual([24, 36, 24, 36, 12, 36, 12, 12, 4, 0]);
  });

  it('records which bytes the driver never wrote: mon_name of SET_MEM_GROUP, cid[3] of GRP_EV_MAP, unused map rows', () => {
    const s = run(scenario(BASIC));
    const [ev, grp, grpEv, mon, , map] = subsystem(s, Memlat).messages;
    expect(ev?.uninit).toEqual([]);
    expect(grp?.uninit).toEqual([[16, 36]]);
    expect(grpEv?.uninit).toEqual([[20, 24]]);
    expect(mon?.uninit).toEqual([[26, 36]]); // strscpy writes "monitor-0" + NUL, the rest stays
    expect(map?.uninit).toEqual([[20, 36]]);
  });

  it('encodes a compute monitor, several monitors and memories with their own hw_type, mon_idx and names', () => {
    const s = run(scenario(`
      memlat memory 1 min=100000 max=900000
      memlat monitor 1 cpus=[4, 6] compute map=[[1000000, 300000]]
      memlat monitor 1 cpus=[0..7] map=[[1500000, 500000], [2000000, 700000], [3000000, 900000]]
      scmi probe
    `));
    const sent = subsystem(s, Memlat).messages.map((m) => [m.paramId, [...m.tx.subarray(16)]]);
    expect(sent).toEqual([
      [ID.SET_COMMON_EV_MAP, evMapMsg(4, 0xff, [2, 0, 0xff, 0xff])],
      [ID.SET_MEM_GROUP, nodeMsg(0, 1, 0, 0, '')],
      [ID.SET_GRP_EV_MAP, evMapMsg(3, 1, [5, 0xff, 0xff])],
      [ID.SET_MONITOR, nodeMsg(0x50, 1, 1, 0, 'monitor-0')],
      [ID.IPM_CEIL, scalarMsg(1, 0, 0)],
      [ID.MON_FREQ_MAP, mapMsg(1, 0, [[1000, 300]])],
      [ID.SET_MIN_FREQ, scalarMsg(1, 0, 100000)],
      [ID.SET_MAX_FREQ, scalarMsg(1, 0, 900000)],
      [ID.SET_MONITOR, nodeMsg(0xff, 1, 0, 1, 'monitor-1')],
      [ID.IPM_CEIL, scalarMsg(1, 1, 20000000)],
      [ID.MON_FREQ_MAP, mapMsg(1, 1, [[1500, 500], [2000, 700], [3000, 900]])],
      [ID.SET_MIN_FREQ, scalarMsg(1, 1, 100000)],
      [ID.SET_MAX_FREQ, scalarMsg(1, 1, 900000)],
      [ID.SAMPLE_MS, u32(8)],
      [ID.START_TIMER, []],
    ]);
  });

  it('truncates as the driver does: cpu kHz / 1000 and mem kHz / 1000 into u16', () => {
    const s = run(scenario(`
      memlat memory 0 min=0 max=4000000000
      memlat monitor 0 cpus=[0] map=[[1999999, 70000000], [4000000000, 65536000]]
      scmi probe
    `));
    const map = subsystem(s, Memlat).messages.find((m) => m.paramId === ID.MON_FREQ_MAP);
    // 1999999/1000 = 1999; 70000000/1000 = 70000 -> 70000 & 0xffff = 4464; 4000000000/1000 = 4000000 -> & 0xffff = 2304; 65536 -> 0
    expect([...(map?.tx.subarray(16) ?? [])]).toEqual(mapMsg(0, 0, [[1999, 4464], [4000000 & 0xffff, 0]]));
  });

  it('puts the last exchange in the shared-memory channel: header, length and the status the firmware wrote back', () => {
    const s = run(scenario(`${BASIC}\nadvance 8ms\nscmi get_param MEMLAT_GET_CUR_FREQ hw=0`));
    const bytes = s.machine.memorySpace('scmi-shmem')?.read(0n, 0x1c + 8) as Uint8Array;
    expect([...bytes.subarray(0x04, 0x08)]).toEqual(u32(1)); // channel free
    expect([...bytes.subarray(0x14, 0x18)]).toEqual(u32(4 + 4 + 4)); // header + status + value
    expect([...bytes.subarray(0x18, 0x1c)]).toEqual(u32(header(GET_PARAM, 10)));
    expect([...bytes.subarray(0x1c, 0x24)]).toEqual([...u32(0), ...u32(200000)]);
  });

  it('asks for the completion interrupt: the mailbox transport never polls, so flags is SCMI_SHMEM_FLAG_INTR_ENABLED', () => {
    const before = run(scenario('memlat memory 0 min=1 max=2'));
    expect(ev(before, 'scmi.shmem.flags')).toBe(0n);
    expect(ev(before, 'scmi.shmem.channel_status')).toBe(1n); // the platform hands it over free
    const s = run(scenario(`${BASIC}\nscmi stop`));
    expect(ev(s, 'scmi.shmem.flags')).toBe(1n);
    const bytes = s.machine.memorySpace('scmi-shmem')?.read(0x10n, 4) as Uint8Array;
    expect([...bytes]).toEqual(u32(1));
  });

  it('sends STOP_ACTIVITY with MEMLAT_STOP_TIMER and an empty buffer', () => {
    const s = run(scenario(`${BASIC}\nscmi stop`));
    const last = subsystem(s, Memlat).messages[subsystem(s, Memlat).messages.length - 1];
    expect(last?.header).toBe(header(STOP_ACTIVITY, 10));
    expect([...(last?.tx ?? [])]).toEqual(body(ID.STOP_TIMER, []));
  });

  it('holds the request in the channel while the firmware runs (memory view of scmi-shmem)', () => {
    const s = sim(scenario(BASIC));
    const m = s.machine;
    expect(m.memorySpaceNames()).toContain('scmi-shmem');
    const node = m.root('scmi');
    const shmem = node?.kind === 'record' ? node.child('shmem') : undefined;
    expect(shmem?.memory).toEqual({ space: 'scmi-shmem', base: 0n, size: 0x1c + 128 });
    while (m.resume('in').reason !== 'end') {
      const top = m.frames[m.frames.length - 1];
      if (top?.fn.name === 'memlat_handle_msg') break;
    }
    const bytes = m.memorySpace('scmi-shmem')?.read(0n, 0x1c + 40) as Uint8Array;
    expect([...bytes.subarray(0x04, 0x08)]).toEqual(u32(0)); // busy: the platform owns the channel
    expect([...bytes.subarray(0x10, 0x14)]).toEqual(u32(1)); // flags: SCMI_SHMEM_FLAG_INTR_ENABLED
    expect([...bytes.subarray(0x14, 0x18)]).toEqual(u32(4 + 16 + 24));
    expect([...bytes.subarray(0x18, 0x1c)]).toEqual(u32(header(SET_PARAM, 0)));
    expect([...bytes.subarray(0x1c, 0x1c + 40)]).toEqual(body(ID.SET_COMMON_EV_MAP, evMapMsg(4, 0xff, [2, 0, 0xff, 0xff])));
  });
});
