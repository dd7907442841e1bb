/**
 * `scmi probe` = cpucp_memlat_init of reference 001 as written: its order,
 * its "log and continue" error handling, its messages, and the places where
 * the code as written breaks (no bounds checks, NULL memory/monitor entries).
 */
import { describe, expect, it } from 'vitest';
import { Memlat } from '../../src/sim/scmi/subsystem';
import { cli, run, scenario, sim, subsystem } from '../support/kit';

const P = {
  SET_MEM_GROUP: 16, SET_MONITOR: 17, SET_COMMON_EV_MAP: 18, SET_GRP_EV_MAP: 19, IPM_CEIL: 23,
  SAMPLE_MS: 31, MON_FREQ_MAP: 32, SET_MIN_FREQ: 33, SET_MAX_FREQ: 34, START_TIMER: 36,
};
const MON = [P.SET_MONITOR, P.IPM_CEIL, P.MON_FREQ_MAP, P.SET_MIN_FREQ, P.SET_MAX_FREQ];
const GRP = [P.SET_MEM_GROUP, P.SET_GRP_EV_MAP];

describe('probe order', () => {
  it('common events, then per memory its group and each monitor, then sample_ms and the timer', () => {
    const s = run(scenario(`
      memlat memory 0 min=1 max=2
      memlat monitor 0 cpus=[0] map=[[1000000, 100000]]
      memlat monitor 0 cpus=[1] map=[[1000000, 100000]]
      memlat memory 2 min=1 max=2
      memlat monitor 2 cpus=[2] compute map=[[1000000, 100000]]
      scmi probe
    `));
    expect(subsystem(s, Memlat).messages.map((m) => m.paramId)).toEqual([P.SET_COMMON_EV_MAP, ...GRP, ...MON, ...MON, ...GRP, ...MON, P.SAMPLE_MS, P.START_TIMER]);
    expect(subsystem(s, Memlat).messages.every((m) => m.status === 0)).toBe(true);
    expect(s.out).toEqual([]);
    expect(s.machine.last).toEqual({ ret: 0n });
  });

  it('fills the firmware state the way the messages say', () => {
    const r = cli(scenario(`
      memlat memory 2 min=100 max=200
      memlat monitor 2 cpus=[0, 2] map=[[1000000, 100000]]
      memlat monitor 2 cpus=[5..7] compute map=[[1000000, 100000], [2000000, 300000]]
      scmi probe
      expect len(memlat.memory) == 1 && memlat.memory[0].hw_type == 2
      expect memlat.memory[0].min_khz == 100 && memlat.memory[0].max_khz == 200 && memlat.memory[0].cur_khz == 0
      expect memlat.memory[0].monitor[0].cpus == [0, 2] && memlat.memory[0].monitor[0].ipm_ceil == 20000000
      expect memlat.memory[0].monitor[1].cpus == [5, 6, 7] && memlat.memory[0].monitor[1].ipm_ceil == 0
      expect memlat.memory[0].monitor[1].mon_type == compute && memlat.memory[0].monitor[1].name == "monitor-1"
      expect memlat.memory[0].monitor[1].map == [[1000, 100], [2000, 300]]
      expect memlat.memory[0].events == [5, 255, 255] && memlat.common_events == [2, 0, 255, 255]
      expect memlat.sample_ms == 8 && memlat.running
      expect memlat.dt.memory[0].monitor[1].map == [[1000000, 100000], [2000000, 300000]]
    `));
    expect(r.err).toEqual([]);
    expect(r.code).toBe(0);
  });

  it('steps in as cpucp_memlat_init -> configure_cpucp_mon -> set_param -> xfer_get_init / do_xfer -> memlat_handle_msg, one frame per message', () => {
    const s = sim(scenario(`
      memlat memory 0 min=1 max=2
      memlat monitor 0 cpus=[0] map=[[1000000, 100000]]
      scmi probe
    `));
    const m = s.machine;
    const stacks: string[] = [];
    let messages = 0;
    while (m.resume('in').reason !== 'end') {
      const names = m.frames.map((f) => f.fn.name);
      stacks.push(names.join('>'));
      const top = m.frames[m.frames.length - 1];
      if (top?.fn.name === 'memlat_handle_msg' && top.line === top.fn.labels.get('decode')) messages++;
    }
    expect(messages).toBe(10);
    expect(stacks).toContain('cpucp_memlat_init>configure_cpucp_mon>set_param>xfer_get_init');
    expect(stacks).toContain('cpucp_memlat_init>configure_cpucp_mon>set_param>do_xfer>memlat_handle_msg');
    expect(stacks).toContain('cpucp_memlat_init>process_scmi_memlat_of_node');
    expect(stacks).toContain('cpucp_memlat_init>configure_cpucp_grp>set_param');
    expect(stacks).toContain('cpucp_memlat_init>start_activity>do_xfer>memlat_handle_msg');
  });

  it('a function breakpoint on a parameter name or message name stops at its message frame', () => {
    const s = sim(scenario(`
      memlat memory 0 min=1 max=2
      memlat monitor 0 cpus=[0] map=[[1000000, 100000]]
      scmi probe
    `));
    s.machine.breakpoints.setFunctions([{ id: 7, name: 'MEMLAT_MON_FREQ_MAP', hits: 0 }]);
    const stop = s.machine.resume('continue');
    expect(stop.reason).toBe('function breakpoint');
    const top = s.machine.frames[s.machine.frames.length - 1];
    expect(top?.fn.name).toBe('memlat_handle_msg');
    expect(String(top?.args.param_id)).toBe('MEMLAT_MON_FREQ_MAP');
  });
});

describe('log and continue', () => {
  it('a hw_type the firmware refuses: every message of that memory fails, each logged, and the probe goes on', () => {
    const s = run(scenario(`
      memlat memory 5 min=1 max=2
      memlat monitor 5 cpus=[0] map=[[1000000, 100000]]
      memlat memory 1 min=1 max=2
      memlat monitor 1 cpus=[0] map=[[1000000, 100000]]
      scmi probe
    `));
    expect(s.out).toEqual([
      'Failed to configure mem type 5',
      'Failed to configure mem group: -22',
      'Failed to configure monitor monitor-0',
      'Failed to configure monitor: -22',
    ]);
    expect(subsystem(s, Memlat).messages.map((m) => [m.paramId, m.status])).toEqual([
      [P.SET_COMMON_EV_MAP, 0],
      [P.SET_MEM_GROUP, -2],
      [P.SET_MONITOR, -2],
      ...GRP.map((p) => [p, 0]),
      ...MON.map((p) => [p, 0]),
      [P.SAMPLE_MS, 0],
      [P.START_TIMER, 0],
    ]);
    expect(s.machine.last).toEqual({ ret: 0n });
  });

  it('an empty freq table: nr_rows 0 is refused, min/max of that monitor are never sent', () => {
    const r = cli(scenario(`
      memlat memory 0 min=300000 max=900000
      memlat monitor 0 cpus=[0] map=[]
      scmi probe
      expect scmi.log[5].param_id == MEMLAT_MON_FREQ_MAP && scmi.log[5].status == SCMI_ERR_PARAMS
      expect scmi.log[6].param_id == MEMLAT_SAMPLE_MS
      expect memlat.memory[0].min_khz == 0 && memlat.memory[0].max_khz == 0
      cpu 0 freq=1000 inst=1 l2_refill=1
      advance 8ms
      expect memlat.memory[0].cur_khz == 0
    `));
    expect(r.err).toEqual(['Failed to configure freq_map for monitor-0', 'Failed to configure monitor: -22']);
    expect(r.code).toBe(0);
  });

  it('a second probe re-sends everything and fails only to start the running timer (-EOPNOTSUPP)', () => {
    const s = run(scenario(`
      memlat memory 0 min=1 max=2
      memlat monitor 0 cpus=[0] map=[[1000000, 100000]]
      scmi probe
      scmi probe
    `));
    expect(s.out).toEqual(['Error in starting the mem group timer -95']);
    expect(subsystem(s, Memlat).messages.length).toBe(20);
    expect(s.machine.last).toEqual({ ret: -95n });
  });

  it('no memory nodes: logs it and still sends common events, sample_ms and the start', () => {
    const s = run(scenario('scmi probe'));
    expect(s.out).toEqual(['No memory nodes present']);
    expect(subsystem(s, Memlat).messages.map((m) => m.paramId)).toEqual([P.SET_COMMON_EV_MAP, P.SAMPLE_MS, P.START_TIMER]);
  });
});

describe('where the code as written breaks', () => {
  const bug = (src: string, re: RegExp, out: string[] = []): void => {
    const r = cli(scenario(src));
    expect(r.code).toBe(1);
    // The driver's console messages come first on stderr, then the BUG line.
    expect(r.err.slice(0, out.length)).toEqual(out);
    expect(r.err[out.length]).toMatch(re);
    const s = sim(scenario(src));
    s.machine.resume('continue');
    expect(s.out).toEqual(out);
  };

  it('a 4th memory node is written past info->memory[MAX_MEMORY_TYPES]', () => {
    bug(
      `
      memlat memory 0 min=1 max=2
      memlat monitor 0 cpus=[0] map=[[1, 1]]
      memlat memory 1 min=1 max=2
      memlat monitor 1 cpus=[0] map=[[1, 1]]
      memlat memory 2 min=1 max=2
      memlat monitor 2 cpus=[0] map=[[1, 1]]
      memlat memory 3 min=1 max=2
      memlat monitor 3 cpus=[0] map=[[1, 1]]
      scmi probe
    `,
      /^t\.kstep:9: BUG: info->memory\[3\] written out of bounds \(MAX_MEMORY_TYPES 3\)/,
    );
  });

  it('a 5th monitor is written past memory->monitor[MAX_MONITOR_CNT]', () => {
    bug(
      `
      memlat memory 0 min=1 max=2
      repeat 5 {
        memlat monitor 0 cpus=[0] map=[[1, 1]]
      }
      scmi probe
    `,
      /BUG: memory->monitor\[4\] written out of bounds \(MAX_MONITOR_CNT 4\)/,
    );
  });

  it('a 7-row map overflows map_msg.tbl on the stack', () => {
    bug(
      `
      memlat memory 0 min=1 max=2
      memlat monitor 0 cpus=[0] map=[[1,1],[2,2],[3,3],[4,4],[5,5],[6,6],[7,7]]
      scmi probe
    `,
      /BUG: map_msg\.tbl\[6\] written out of bounds \(MAX_MAP_ENTRIES 6, freq_map_len 7\)/,
    );
  });

  it('a memory node without monitors: the wrong message, then a NULL info->memory[i]', () => {
    bug(
      `
      memlat memory 0 min=1 max=2
      scmi probe
    `,
      /BUG: NULL pointer dereference: info->memory\[0\] is NULL in configure_cpucp_grp/,
      ['No monitor nodes present', 'Failed to configure common events: -22'],
    );
  });

  it('an empty cpulist: "Failed to populate cpu mask 0", success returned, then a NULL monitor', () => {
    bug(
      `
      memlat memory 0 min=1 max=2
      memlat monitor 0 cpus=[] map=[[1, 1]]
      scmi probe
    `,
      /BUG: NULL pointer dereference: memory->monitor\[0\] is NULL in configure_cpucp_mon/,
      ['Failed to populate cpu mask 0'],
    );
  });
});

describe('scenario errors', () => {
  it.each([
    ['memlat monitor 0 cpus=[0] map=[[1, 1]]', /^t\.kstep:1:16: error: no memory node with hw_type 0/],
    ['memlat monitor cpus=[0] map=[[1, 1]]', /^t\.kstep:1:21: error: no memory node yet/],
    ['memlat memory 0 min=1 max=2\nmemlat monitor 1 cpus=[0] map=[[1, 1]]', /^t\.kstep:2:16: error: no memory node with hw_type 1/],
    ['memlat memory 0 min=-1 max=2', /^t\.kstep:1:21: error: min= -1 does not fit a u32/],
    ['memlat memory 0x1_0000_0000', /^t\.kstep:1:15: error: <hw_type> 4294967296 does not fit a u32/],
    ['memlat memory 0 min=1 no_freq_table', /^t\.kstep:1:21: error: min= has nowhere to go: no_freq_table leaves out freq-table-khz/],
    ['memlat memory 0\nmemlat monitor 0 cpus=[-1] map=[[1, 1]]', /^t\.kstep:2:23: error: cpus=: -1 does not fit a u32/],
    ['memlat memory 0\nmemlat monitor 0 cpus=[0] map=[[1, 0x1_0000_0000]]', /^t\.kstep:2:31: error: map=: 4294967296 does not fit a u32/],
    ['memlat memory 0\nmemlat monitor 0 cpus=[0] map=[[1, "x"]]', /^t\.kstep:2:31: error: map=: "x" is not a number/],
    ['cpu 9 freq=1', /^t\.kstep:1:5: error: there is no CPU 9/],
    ['cpu 0 freq=-1', /^t\.kstep:1:12: error: freq= -1 must be a u64/],
  ])('%s', (src, re) => {
    const r = cli(scenario(src));
    expect(r.code).toBe(2);
    expect(r.err.join('\n')).toMatch(re);
  });
});
