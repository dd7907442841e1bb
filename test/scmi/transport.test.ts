/**
 * The SCMI core under the vendor protocol (SCENARIO.md §7.1): xfer_get_init's
 * size limit, another algo string, and do_xfer over the shared-memory
 * channel, each as a frame a scenario can step into.
 */
import { describe, expect, it } from 'vitest';
import { Memlat } from '../../src/sim/scmi/subsystem';
import { cli, ev, run, scenario, sim, subsystem } from '../support/kit';
import { body, scalarMsg, u32 } from './encoder';

const BASIC = `
  memlat memory 0 min=200000 max=3000000
  memlat monitor 0 cpus=[0..3] map=[[1200000, 800000], [2400000, 1600000]]
  scmi probe
`;

describe('xfer_get_init: the channel holds 128 bytes', () => {
  it('a set_param of 129 bytes fails with -ERANGE before anything is sent: no message, no token, the channel untouched', () => {
    const s = run(scenario(`${BASIC}\nscmi set_param MEMLAT_SAMPLE_MS val=4 size=129`));
    const ml = subsystem(s, Memlat);
    expect(s.machine.last).toEqual({ scmi: expect.objectContaining({ ret: -34n, value: 0n }) });
    expect(String((s.machine.last as { scmi: { status: unknown } }).scmi.status)).toBe('none');
    expect(ml.messageCount).toBe(10);
    expect(ml.st.token).toBe(10);
    expect(ev(s, 'memlat.sample_ms')).toBe(8n);
    expect(ev(s, 'scmi.shmem.length')).toBe(8n); // still START_ACTIVITY's answer
  });

  it('128 bytes is the largest message: it is sent, the buffer past the client struct read as stack contents', () => {
    const s = run(scenario(`${BASIC}\nscmi set_param MEMLAT_SAMPLE_MS val=4 size=128`));
    const msgs = subsystem(s, Memlat).messages;
    const last = msgs[msgs.length - 1];
    expect(last?.tx.length).toBe(128);
    expect([...(last?.tx.subarray(0, 20) ?? [])]).toEqual(body(31, u32(4)));
    expect(last?.uninit).toEqual([[4, 112]]);
    expect(ev(s, 'last.scmi.ret')).toBe(0n);
    expect(ev(s, 'memlat.sample_ms')).toBe(4n);
    expect(ev(s, 'scmi.shmem.flags')).toBe(1n);
  });

  it('the names SCENARIO.md §7/§7.1 give numbers stand for them: SCMI_SHMEM_FLAG_INTR_ENABLED, SET_PARAM .. STOP_ACTIVITY', () => {
    const s = run(scenario(BASIC));
    expect(ev(s, 'scmi.shmem.flags == SCMI_SHMEM_FLAG_INTR_ENABLED')).toBe(true);
    expect(ev(s, '[SET_PARAM, GET_PARAM, START_ACTIVITY, STOP_ACTIVITY] == [0x10, 0x11, 0x12, 0x13]')).toBe(true);
    expect(ev(s, 'scmi.log[0].msg_id == SET_PARAM && scmi.log[0].msg_id == 0x10')).toBe(true);
    expect(ev(s, 'scmi.log[len(scmi.log) - 1].msg_id == START_ACTIVITY')).toBe(true);
  });

  it('a smaller size cuts the buffer: the firmware refuses what it cannot read', () => {
    const s = run(scenario(`${BASIC}\nscmi set_param MEMLAT_IPM_CEIL hw=0 mon=0 val=7 size=24`));
    const msgs = subsystem(s, Memlat).messages;
    expect([...(msgs[msgs.length - 1]?.tx ?? [])]).toEqual(body(23, scalarMsg(0, 0, 7).slice(0, 8)));
    expect(ev(s, 'last.scmi.status == SCMI_ERR_PARAMS && last.scmi.ret == -EINVAL')).toBe(true);
    expect(ev(s, 'memlat.memory[0].monitor[0].ipm_ceil')).toBe(20000000n);
  });

  it('the refusal is a frame: set_param -> xfer_get_init stops on the return -ERANGE line', () => {
    const s = sim(scenario('scmi set_param MEMLAT_SAMPLE_MS val=4 size=200'));
    const m = s.machine;
    const seen: string[] = [];
    while (m.resume('in').reason !== 'end') {
      const top = m.frames[m.frames.length - 1];
      if (top) seen.push(`${m.frames.map((f) => f.fn.name).join('>')}:${top.fn.source.lines[top.line - 1]?.trim()}`);
    }
    expect(seen.some((x) => x.startsWith('set_param>xfer_get_init:return -ERANGE'))).toBe(true);
    expect(seen.some((x) => x.includes('do_xfer') || x.includes('memlat_handle_msg'))).toBe(false);
    expect(seen[seen.length - 1]).toMatch(/^set_param:return ret;/);
  });

  it('size= shorter than the vendor header, or past a u64, is a scenario error at its column', () => {
    const r = cli(scenario('scmi set_param MEMLAT_SAMPLE_MS val=4 size=15'));
    expect(r.code).toBe(2);
    expect(r.err.join('\n')).toMatch(/^t\.kstep:1:44: error: size= 15 is shorter than the vendor header/);
    const big = cli(scenario('scmi set_param MEMLAT_SAMPLE_MS size=(1 << 64)'));
    expect(big.code).toBe(2);
    expect(big.err.join('\n')).toMatch(/^t\.kstep:1:38: error: size= 18446744073709551616 does not fit a u64/);
  });
});

describe('another algo string', () => {
  it('the firmware answers SCMI_ERR_SUPPORT (-EOPNOTSUPP) and the message carries the algo as written', () => {
    const s = run(scenario(`${BASIC}\nscmi set_param MEMLAT_SAMPLE_MS val=4 algo=0x6d656d`), { exceptions: ['scmi_error'] });
    expect(ev(s, 'last.scmi.status == SCMI_ERR_SUPPORT && last.scmi.ret == -95')).toBe(true);
    expect(ev(s, 'scmi.messages[10].algo')).toBe(0x6d656dn);
    expect(ev(s, 'memlat.sample_ms')).toBe(8n);
  });

  it('algo= that does not fit a u64 is a scenario error', () => {
    const r = cli(scenario('scmi set_param MEMLAT_SAMPLE_MS algo=-1'));
    expect(r.code).toBe(2);
    expect(r.err.join('\n')).toMatch(/^t\.kstep:1:38: error: algo= -1 does not fit a u64/);
  });
});

describe('do_xfer', () => {
  it('every message goes set_param -> do_xfer -> the firmware, do_xfer waiting on its line while the platform runs', () => {
    const s = sim(scenario(BASIC));
    const m = s.machine;
    while (m.resume('in').reason !== 'end') {
      const top = m.frames[m.frames.length - 1];
      if (top?.fn.name !== 'memlat_handle_msg') continue;
      const caller = m.frames[m.frames.length - 2];
      expect(caller?.fn.name).toBe('do_xfer');
      expect(caller?.fn.source.lines[(caller?.line ?? 0) - 1]).toMatch(/scmi_wait_for_message_response/);
      return;
    }
    throw new Error('no firmware frame');
  });
});

describe('scmi message: any message of protocol 0x80', () => {
  it('an id the protocol does not define gets SCMI_ERR_SUPPORT (-EOPNOTSUPP), and is kept like any other message', () => {
    const s = run(scenario(`
      scmi message 0x42 payload=[1, 2, 3]
      expect last.scmi.status == SCMI_ERR_SUPPORT && last.scmi.ret == -95 && last.scmi.rx == []
      expect len(scmi.log) == 1 && scmi.log[0].msg_id == 0x42 && scmi.log[0].param_id == none
      expect scmi.messages[0].msg_id == 0x42 && scmi.messages[0].token == 0 && scmi.messages[0].payload == [1, 2, 3]
      expect scmi.messages[0].protocol_id == 0x80 && scmi.messages[0].header == 0x42 | (0x80 << 10)
      expect scmi.shmem.msg_header == scmi.messages[0].header && scmi.shmem.flags == 1 && scmi.shmem.channel_status == 1
      expect scmi.shmem.length == 8 && scmi.shmem.msg_payload == [0xff, 0xff, 0xff, 0xff]
    `), { exceptions: ['scmi_error'] });
    expect(subsystem(s, Memlat).messages[0]?.msgId).toBe(0x42);
  });

  it('the vendor messages as raw bytes: a SET_PARAM of MEMLAT_SAMPLE_MS works as set_param would send it', () => {
    run(scenario(`
      scmi message SET_PARAM payload=[0,0,0,0, 0x6d,0x65,0x6d,0x6c, 0x61,0x74,0,0, 31,0,0,0, 4,0,0,0]
      expect last.scmi.status == SCMI_SUCCESS && memlat.sample_ms == 4
      expect scmi.log[0].param_id == MEMLAT_SAMPLE_MS && scmi.messages[0].algo == MEMLAT_ALGO_STR && scmi.messages[0].buf == [4, 0, 0, 0]
      scmi message 0x12 payload=[0,0,0,0]
      expect last.scmi.status == SCMI_ERR_PARAMS && scmi.log[1].param_id == none
    `));
  });

  it('PROTOCOL_VERSION, PROTOCOL_ATTRIBUTES and PROTOCOL_MESSAGE_ATTRIBUTES, which every SCMI protocol answers', () => {
    run(scenario(`
      scmi message PROTOCOL_VERSION
      expect last.scmi.status == SCMI_SUCCESS && last.scmi.value == 0x10000 && last.scmi.rx == [0, 0, 1, 0]
      scmi message 1
      expect last.scmi.status == SCMI_SUCCESS && last.scmi.value == 0
      scmi message 2 payload=[0x13, 0, 0, 0]
      expect last.scmi.status == SCMI_SUCCESS
      scmi message 2 payload=[0x14, 0, 0, 0]
      expect last.scmi.status == SCMI_ERR_ENTRY && last.scmi.ret == -ENOENT
    `));
  });

  it('xfer_get_init refuses a payload past 128 bytes: -ERANGE, nothing sent, no token taken', () => {
    const s = run(scenario(`
      scmi message 0x42 payload=[0..128]
      expect last.scmi.ret == -34 && last.scmi.status == none && len(scmi.log) == 0 && scmi.next_token == 0
      scmi message 0x42 payload=[0..127]
      expect last.scmi.status == SCMI_ERR_SUPPORT && len(scmi.log) == 1 && len(scmi.messages[0].payload) == 128
    `));
    expect(s.machine.frames).toEqual([]);
  });

  it('steps in as xfer_get_init, then do_xfer -> memlat_handle_msg', () => {
    const s = sim(scenario('scmi message 0x42'));
    const stacks = new Set<string>();
    while (s.machine.resume('in').reason !== 'end') stacks.add(s.machine.frames.map((f) => f.fn.name).join('>'));
    expect([...stacks]).toEqual(['xfer_get_init', 'do_xfer', 'do_xfer>memlat_handle_msg']);
  });

  it.each([
    ['scmi message 256', /^t\.kstep:1:14: error: <msg_id> 256 does not fit a u8/],
    ['scmi message -1', /^t\.kstep:1:14: error: <msg_id> -1 does not fit a u8/],
    ['scmi message 0x42 payload=[1, 0x100]', /^t\.kstep:1:27: error: payload= 256 does not fit a u8/],
  ])('a value that does not fit its field is a scenario error: %s', (src, re) => {
    const r = cli(scenario(src));
    expect(r.code).toBe(2);
    expect(r.err.join('\n')).toMatch(re);
  });
});

describe('a value that does not fit its field is a scenario error at file:line:col, never cut to fit', () => {
  it.each([
    ['scmi set_param MEMLAT_SET_MONITOR hw=0 mon=0 val=[0, 32]', /^t\.kstep:1:50: error: val=: 32 does not fit the u32 cpumask/],
    ['scmi set_param MEMLAT_MON_FREQ_MAP hw=0 mon=0 val=[[65536, 1]]', /^t\.kstep:1:51: error: val=: 65536 does not fit a u16 of struct map_table/],
    ['scmi set_param MEMLAT_MON_FREQ_MAP val=[[1, 2, 3]]', /^t\.kstep:1:40: error: val=: every row is \[cpu_MHz, mem_MHz\]/],
    ['scmi set_param MEMLAT_SET_COMMON_EV_MAP val=[1, 0x1_0000_0000]', /^t\.kstep:1:45: error: val=: 4294967296 does not fit a u32/],
    ['scmi set_param MEMLAT_SAMPLE_MS val=0x1_0000_0000', /^t\.kstep:1:37: error: val= 4294967296 does not fit a u32/],
    ['scmi set_param MEMLAT_IPM_CEIL hw=-1', /^t\.kstep:1:35: error: hw= -1 does not fit a u32/],
    ['scmi set_param 0x1_0000_0000', /^t\.kstep:1:16: error: <PARAM> 4294967296 does not fit a u32/],
    ['scmi get_param MEMLAT_IPM_CEIL mon=0x1_0000_0000', /^t\.kstep:1:36: error: mon= 4294967296 does not fit a u32/],
  ])('%s', (src, re) => {
    const r = cli(scenario(src));
    expect(r.code).toBe(2);
    expect(r.err.join('\n')).toMatch(re);
  });

  it('a list longer than the struct\'s array makes a longer message; the firmware refuses the count', () => {
    const s = run(scenario(`
      ${BASIC}
      scmi set_param MEMLAT_MON_FREQ_MAP hw=0 mon=0 val=[[1,1],[2,2],[3,3],[4,4],[5,5],[6,6],[7,7]]
      expect last.scmi.status == SCMI_ERR_PARAMS && len(scmi.messages[10].buf) == 40 && scmi.messages[10].buf[8] == 7
      expect scmi.messages[10].buf[36] == 7 && scmi.messages[10].buf[38] == 7
      scmi set_param MEMLAT_SET_COMMON_EV_MAP val=[1, 2, 3, 4, 5]
      expect last.scmi.status == SCMI_ERR_PARAMS && len(scmi.messages[11].buf) == 28 && scmi.messages[11].buf[24] == 5
    `));
    expect(ev(s, 'memlat.common_events')).toEqual([2n, 0n, 255n, 255n]);
  });
});
