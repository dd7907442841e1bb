/**
 * SCENARIO.md §7 firmware rules: statuses of every vendor message, the
 * `scmi.log`, `last.scmi`, the scmi_error exception, and the vote model
 * driven by `cpu` and `advance`.
 */
import { describe, expect, it } from 'vitest';
import { memlat_handle_msg } from '../../src/sim/scmi/memlat_fw';
import { Memlat } from '../../src/sim/scmi/subsystem';
import { cli, run, scenario, sim, subsystem } from '../support/kit';
import { body, scalarMsg } from './encoder';

const BASIC = `
  memlat memory 0 min=200000 max=3000000
  memlat monitor 0 cpus=[0..3] map=[[1200000, 800000], [2400000, 1600000]]
  scmi probe
`;

function passes(lines: string): void {
  const r = cli(scenario(lines));
  expect(r.err).toEqual([]);
  expect(r.code).toBe(0);
}

describe('statuses', () => {
  it('a start while running and a stop while stopped are SCMI_ERR_SUPPORT; the others succeed', () => {
    passes(`${BASIC}
      scmi start
      expect last.scmi.status == SCMI_ERR_SUPPORT
      expect last.scmi.status == -1
      expect memlat.running
      scmi stop
      expect last.scmi.status == SCMI_SUCCESS
      expect !memlat.running
      scmi stop
      expect last.scmi.status == SCMI_ERR_SUPPORT
      scmi start
      expect last.scmi.status == SCMI_SUCCESS && memlat.running
    `);
  });

  it('bad hw_type, mon_idx and nr_rows are SCMI_ERR_PARAMS', () => {
    passes(`${BASIC}
      scmi set_param MEMLAT_SET_MEM_GROUP hw=3
      expect last.scmi.status == SCMI_ERR_PARAMS
      scmi set_param MEMLAT_SET_MONITOR hw=2 mon=0 val=[0]
      expect last.scmi.status == SCMI_ERR_PARAMS
      scmi set_param MEMLAT_SET_MONITOR hw=0 mon=4 val=[0]
      expect last.scmi.status == SCMI_ERR_PARAMS
      scmi set_param MEMLAT_IPM_CEIL hw=0 mon=1 val=5
      expect last.scmi.status == SCMI_ERR_PARAMS
      scmi set_param MEMLAT_IPM_CEIL hw=1 mon=0 val=5
      expect last.scmi.status == SCMI_ERR_PARAMS
      scmi set_param MEMLAT_MON_FREQ_MAP hw=0 mon=0 val=[[1,1],[2,2],[3,3],[4,4],[5,5],[6,6],[7,7]]
      expect last.scmi.status == SCMI_ERR_PARAMS
      scmi set_param MEMLAT_MON_FREQ_MAP hw=0 mon=0 val=[]
      expect last.scmi.status == SCMI_ERR_PARAMS
      scmi set_param MEMLAT_MON_FREQ_MAP hw=0 mon=0 val=[[1,1],[2,2],[3,3],[4,4],[5,5],[6,6]]
      expect last.scmi.status == SCMI_SUCCESS
      expect memlat.memory[0].monitor[0].map == [[1,1],[2,2],[3,3],[4,4],[5,5],[6,6]]
      scmi set_param MEMLAT_SET_GRP_EV_MAP hw=0 val=[1,2,3,4]
      expect last.scmi.status == SCMI_ERR_PARAMS
      scmi set_param MEMLAT_SAMPLE_MS val=0
      expect last.scmi.status == SCMI_ERR_PARAMS
    `);
  });

  it('a parameter the message does not take is SCMI_ERR_SUPPORT', () => {
    passes(`${BASIC}
      scmi set_param MEMLAT_GET_CUR_FREQ hw=0
      expect last.scmi.status == SCMI_ERR_SUPPORT
      scmi set_param 99
      expect last.scmi.status == SCMI_ERR_SUPPORT
      scmi get_param MEMLAT_WB_PCT
      expect last.scmi.status == SCMI_ERR_SUPPORT
    `);
  });

  it('an unknown algo is SCMI_ERR_SUPPORT, whatever the message', () => {
    const s = run(scenario(BASIC));
    const ml = subsystem(s, Memlat);
    const tx = Uint8Array.from(body(23, scalarMsg(0, 0, 7)));
    tx[4] = 0x41; // algo "memlaA"
    for (const id of [0x10, 0x11, 0x12, 0x13]) {
      const r = s.machine.drain(memlat_handle_msg(s.machine, ml, id, tx));
      expect(r.status).toBe(-1);
    }
    const good = Uint8Array.from(body(23, scalarMsg(0, 0, 7)));
    expect(s.machine.drain(memlat_handle_msg(s.machine, ml, 0x10, good)).status).toBe(0);
    expect(s.machine.drain(memlat_handle_msg(s.machine, ml, 0x14, good)).status).toBe(-1);
    expect(s.machine.drain(memlat_handle_msg(s.machine, ml, 0x10, good.subarray(0, 12))).status).toBe(-2);
  });

  it('GET_PARAM answers cur_khz, sample_ms, ipm_ceil, min and max', () => {
    passes(`${BASIC}
      scmi get_param MEMLAT_GET_CUR_FREQ hw=0
      expect last.scmi.status == SCMI_SUCCESS && last.scmi.value == 0 && last.scmi.ret == 0
      cpu 1 freq=1000 inst=100 l2_refill=10
      advance 8ms
      scmi get_param MEMLAT_GET_CUR_FREQ hw=0
      expect last.scmi.value == 800000 && last.scmi.value == memlat.memory[0].cur_khz
      scmi get_param MEMLAT_SAMPLE_MS
      expect last.scmi.value == 8
      scmi get_param MEMLAT_IPM_CEIL hw=0 mon=0
      expect last.scmi.value == 20000000
      scmi get_param MEMLAT_SET_MIN_FREQ hw=0 mon=0
      expect last.scmi.value == 200000
      scmi get_param MEMLAT_SET_MAX_FREQ hw=0 mon=0
      expect last.scmi.value == 3000000
      scmi get_param MEMLAT_GET_CUR_FREQ hw=2
      expect last.scmi.status == SCMI_ERR_PARAMS && last.scmi.value == 0
    `);
  });

  it('keeps every message in scmi.log as {msg_id, param_id, status}', () => {
    passes(`${BASIC}
      expect len(scmi.log) == 10
      expect scmi.log[0].msg_id == SET_PARAM && scmi.log[0].param_id == MEMLAT_SET_COMMON_EV_MAP && scmi.log[0].status == SCMI_SUCCESS
      expect scmi.log[9].msg_id == START_ACTIVITY && scmi.log[9].msg_id == 0x12
      expect scmi.log[9].param_id == MEMLAT_START_TIMER
      scmi get_param MEMLAT_GET_CUR_FREQ hw=7
      expect len(scmi.log) == 11
      expect scmi.log[10].msg_id == GET_PARAM && scmi.log[10].param_id == MEMLAT_GET_CUR_FREQ && scmi.log[10].status == SCMI_ERR_PARAMS
      expect scmi.log[10].status == -2 && last.scmi.ret == -EINVAL
      expect scmi.messages[10].message_id == GET_PARAM && scmi.messages[10].protocol_id == 0x80 && scmi.messages[10].token == 10
      expect scmi.messages[10].algo == MEMLAT_ALGO_STR && scmi.messages[10].ext_id == 0
      expect scmi.messages[10].buf == [7,0,0,0, 0,0,0,0, 0,0,0,0]
      expect len(scmi.messages) == 11 && scmi.messages[10].msg_id == GET_PARAM
    `);
  });

  it('a status other than SCMI_SUCCESS raises scmi_error at the firmware frame', () => {
    const s = sim(scenario(`${BASIC}\nscmi start\nexpect true`));
    s.machine.breakpoints.setExceptions([{ kind: 'scmi_error' }]);
    const stop = s.machine.resume('continue');
    expect(stop.reason).toBe('exception');
    expect(stop.exception?.kind).toBe('scmi_error');
    expect(stop.exception?.message).toMatch(/START_ACTIVITY MEMLAT_START_TIMER: SCMI_ERR_SUPPORT/);
    expect(stop.exception?.line).toBe(5);
    expect(s.machine.frames.map((f) => f.fn.name)).toEqual(['start_activity', 'do_xfer', 'memlat_handle_msg']);
    expect(s.machine.resume('continue').reason).toBe('end');
  });
});

describe('the vote model', () => {
  const TWO = `
    memlat memory 0 min=200000 max=1400000
    memlat monitor 0 cpus=[0..3] map=[[1000000, 400000], [1800000, 1000000], [2400000, 1600000]]
    memlat monitor 0 cpus=[4..7] compute map=[[1000000, 300000], [2000000, 1200000]]
    scmi probe
  `;

  it('votes nothing before the first sample_ms, then at every sample while started', () => {
    passes(`${TWO}
      cpu 0 freq=1500 inst=1000 l2_refill=10
      advance 7ms
      expect memlat.memory[0].cur_khz == 0 && memlat.memory[0].monitor[0].vote_khz == 0
      advance 1ms
      expect memlat.memory[0].monitor[0].vote_khz == 1000000 && memlat.memory[0].cur_khz == 1000000
      cpu 0 freq=900
      advance 7ms
      expect memlat.memory[0].cur_khz == 1000000
      advance 1ms
      expect memlat.memory[0].cur_khz == 400000
      expect time.ns == 16000000
    `);
  });

  it('first row at or above the highest counting CPU, the last row above the table, clamped to max', () => {
    passes(`${TWO}
      cpu 0 freq=1800 inst=1000 l2_refill=10
      cpu 1 freq=1200 inst=1000 l2_refill=10
      advance 8ms
      expect memlat.memory[0].monitor[0].vote_khz == 1000000
      cpu 2 freq=3000 inst=1000 l2_refill=10
      advance 8ms
      expect memlat.memory[0].monitor[0].vote_khz == 1600000
      expect memlat.memory[0].cur_khz == 1400000
    `);
  });

  it('a CPU counts only when it ran and is under the ipm ceiling; compute monitors count every CPU that ran', () => {
    passes(`${TWO}
      cpu 0 freq=2400 inst=0 l2_refill=0
      cpu 1 freq=2400 inst=40000002 l2_refill=2
      cpu 2 freq=1000 inst=40000000 l2_refill=2
      advance 8ms
      expect memlat.memory[0].monitor[0].vote_khz == 400000
      cpu 2 freq=1000 inst=0
      cpu 4 freq=3000 inst=900000000 l2_refill=0
      advance 8ms
      expect memlat.memory[0].monitor[0].vote_khz == 0
      expect memlat.memory[0].monitor[1].vote_khz == 1200000
      expect memlat.memory[0].cur_khz == 1200000
      cpu 4 freq=3000 inst=0
      advance 8ms
      expect memlat.memory[0].monitor[1].vote_khz == 0
      expect memlat.memory[0].cur_khz == 200000
    `);
  });

  it('l2_refill 0 counts as 1 and the division is an integer one', () => {
    passes(`${TWO}
      scmi set_param MEMLAT_IPM_CEIL hw=0 mon=0 val=5
      cpu 0 freq=1000 inst=11 l2_refill=2
      advance 8ms
      expect memlat.memory[0].monitor[0].vote_khz == 400000
      cpu 0 freq=1000 inst=12
      advance 8ms
      expect memlat.memory[0].monitor[0].vote_khz == 0
      cpu 0 freq=1000 inst=5 l2_refill=0
      advance 8ms
      expect memlat.memory[0].monitor[0].vote_khz == 400000
    `);
  });

  it('stops voting after scmi stop and follows a new sample_ms', () => {
    passes(`${TWO}
      cpu 0 freq=1000 inst=10 l2_refill=1
      advance 8ms
      expect memlat.memory[0].cur_khz == 400000
      scmi stop
      cpu 0 freq=2400
      advance 100ms
      expect memlat.memory[0].cur_khz == 400000
      scmi set_param MEMLAT_SAMPLE_MS val=20
      expect memlat.sample_ms == 20
      scmi start
      advance 19ms
      expect memlat.memory[0].cur_khz == 400000
      advance 1ms
      expect memlat.memory[0].cur_khz == 1400000
    `);
  });

  it('min above the vote raises cur_khz to min; SET_MIN_FREQ/SET_MAX_FREQ move the clamp', () => {
    passes(`${TWO}
      scmi set_param MEMLAT_SET_MIN_FREQ hw=0 mon=1 val=500000
      scmi set_param MEMLAT_SET_MAX_FREQ hw=0 mon=1 val=600000
      expect memlat.memory[0].min_khz == 500000 && memlat.memory[0].max_khz == 600000
      cpu 0 freq=1000 inst=10 l2_refill=1
      advance 8ms
      expect memlat.memory[0].cur_khz == 500000
      cpu 0 freq=2400
      advance 8ms
      expect memlat.memory[0].cur_khz == 600000
    `);
  });

  it('each sample is its own frame: memlat_timer_fn -> memlat_mon_vote', () => {
    const s = run(scenario(`${TWO}\nadvance 16ms`));
    expect(s.machine.now).toBe(16_000_000n);
    const t = sim(scenario(`${TWO}\nadvance 16ms`));
    t.machine.breakpoints.setFunctions([{ id: 1, name: 'memlat_timer_fn', hits: 0 }]);
    expect(t.machine.resume('continue').reason).toBe('function breakpoint');
    expect(t.machine.now).toBe(8_000_000n);
    // The first group's iteration, then its first monitor's vote.
    expect(t.machine.resume('in').reason).toBe('step');
    expect(t.machine.frames.map((f) => f.fn.name)).toEqual(['memlat_timer_fn']);
    expect(t.machine.resume('in').reason).toBe('step');
    expect(t.machine.frames.map((f) => f.fn.name)).toEqual(['memlat_timer_fn', 'memlat_mon_vote']);
    expect(t.machine.resume('continue').reason).toBe('function breakpoint');
    expect(t.machine.now).toBe(16_000_000n);
  });
});
