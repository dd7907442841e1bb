/**
 * Reference 001's review comments that point at a check the driver lacks,
 * one describe each, named after the comment: a scenario gives the unpatched
 * driver that input, and the test shows what its code does with it
 * (SCENARIO.md §7.1). Then the other inputs §7.1 names: a memory node
 * without `reg`, and two memory nodes with the same `reg`.
 */
import { describe, expect, it } from 'vitest';
import { Memlat } from '../../src/sim/scmi/subsystem';
import { cli, ev, run, scenario, sim, subsystem } from '../support/kit';
import type { CliRun } from '../support/kit';

const P = { SET_MEM_GROUP: 16, SET_MONITOR: 17, SET_COMMON_EV_MAP: 18, SET_GRP_EV_MAP: 19, IPM_CEIL: 23, SAMPLE_MS: 31, MON_FREQ_MAP: 32, SET_MIN_FREQ: 33, SET_MAX_FREQ: 34, START_TIMER: 36 };
const MON = [P.SET_MONITOR, P.IPM_CEIL, P.MON_FREQ_MAP, P.SET_MIN_FREQ, P.SET_MAX_FREQ];

/** `kstep run`, which stops at a kernel BUG (exit 1): the driver's console lines, then the BUG line (its backtrace left off). */
function bugs(src: string): string[] {
  const r: CliRun = cli(scenario(src));
  expect(r.code).toBe(1);
  return r.err.filter((e) => !/^\s+at /.test(e));
}

/** The frames a scenario's `scmi probe` steps through, as `a>b>c` stacks, deduplicated in order. */
function stacks(src: string): string[] {
  const s = sim(scenario(src));
  const seen = new Set<string>();
  while (s.machine.resume('in').reason !== 'end') seen.add(s.machine.frames.map((f) => f.fn.name).join('>'));
  return [...seen];
}

describe('"There is of_cpu_node_to_id(). No need to reinvent it." — get_mask() passes over a cpulist CPU that is not possible', () => {
  it('a CPU that is not possible is dropped without a word; the monitor goes on with the others', () => {
    const s = run(scenario(`
      memlat memory 0 min=100000 max=900000
      memlat monitor 0 cpus=[2, 9, 100] map=[[1000000, 300000]]
      scmi probe
      expect memlat.dt.memory[0].monitor[0].cpus == [2, 9, 100]
      expect memlat.memory[0].monitor[0].cpus == [2] && memlat.memory[0].monitor[0].cpumask == 0x4
      expect last.ret == 0
    `));
    expect(s.out).toEqual([]);
  });

  it('get_mask() is a frame: each phandle is looked for among the possible CPUs', () => {
    const src = `
      memlat memory 0 min=1 max=2
      memlat monitor 0 cpus=[1, 8] map=[[1000000, 300000]]
      scmi probe
    `;
    expect(stacks(src)).toContain('cpucp_memlat_init>process_scmi_memlat_of_node>get_mask');
    const s = sim(scenario(src));
    const lines: string[] = [];
    while (s.machine.resume('in').reason !== 'end') {
      const top = s.machine.frames[s.machine.frames.length - 1];
      if (top?.fn.name === 'get_mask') lines.push(`${String(top.locals.dev_phandle)}:${(top.fn.source.lines[top.line - 1] ?? '').trim()}`);
    }
    expect(lines).toEqual([
      '&CPU1:dev_phandle = of_parse_phandle(np, "qcom,cpulist", i++);',
      '&CPU1:ret = 0;',
      '&CPU8:dev_phandle = of_parse_phandle(np, "qcom,cpulist", i++);',
      '&CPU8:/* a phandle that is no possible CPU\'s node is passed over without a word */',
      '&CPU8:return ret;   /* 0 if any phandle matched, else -ENODEV */',
    ]);
  });

  it('no possible CPU at all: -ENODEV, "Failed to populate cpu mask 0", the parse reports success, then a NULL monitor', () => {
    const err = bugs(`
      memlat memory 0 min=1 max=2
      memlat monitor 0 cpus=[8, 12] map=[[1000000, 300000]]
      scmi probe
    `);
    expect(err).toEqual([
      'Failed to populate cpu mask 0',
      't.kstep:3: BUG: NULL pointer dereference: memory->monitor[0] is NULL in configure_cpucp_mon (its DT node was never parsed) (3 SCMI messages sent so far)',
    ]);
  });
});

describe('"This looks like a lame version of the OPP table." — init_cpufreq_memfreq_map() checks neither the row count nor the pairing', () => {
  it('an odd-length (ragged) table gives no map: freq_map_len stays 0, nr_rows 0 is refused, min and max are never sent', () => {
    const s = run(scenario(`
      memlat memory 0 min=200000 max=900000
      memlat monitor 0 cpus=[0] map=[[1000000, 300000], [2000000]]
      memlat monitor 0 cpus=[1] map=[[1000000, 300000], [2000000, 600000]]
      scmi probe
      expect memlat.dt.memory[0].monitor[0].map == [[1000000, 300000], [2000000]]
      expect memlat.memory[0].monitor[0].map == [] && memlat.memory[0].monitor[1].map == [[1000, 300], [2000, 600]]
      expect scmi.log[5].param_id == MEMLAT_MON_FREQ_MAP && scmi.log[5].status == SCMI_ERR_PARAMS
      expect scmi.messages[5].buf[8] == 0 && scmi.messages[5].uninit == [[12, 36]]
      expect scmi.log[6].param_id == MEMLAT_SET_MONITOR && memlat.memory[0].min_khz == 200000
    `));
    expect(s.out).toEqual(['Failed to configure freq_map for monitor-0', 'Failed to configure monitor: -22']);
    expect(subsystem(s, Memlat).messages.map((m) => m.paramId)).toEqual([
      P.SET_COMMON_EV_MAP, P.SET_MEM_GROUP, P.SET_GRP_EV_MAP, P.SET_MONITOR, P.IPM_CEIL, P.MON_FREQ_MAP, ...MON, P.SAMPLE_MS, P.START_TIMER,
    ]);
  });

  it('the cells are the property, not the rows: [[a, b, c], [d]] is two pairs', () => {
    run(scenario(`
      memlat memory 0 min=1 max=2000000
      memlat monitor 0 cpus=[0] map=[[1000000, 300000, 2000000], [600000]]
      scmi probe
      expect memlat.memory[0].monitor[0].map == [[1000, 300], [2000, 600]]
    `));
  });

  it('init_cpufreq_memfreq_map() is a frame that returns NULL on the odd length', () => {
    const src = `
      memlat memory 0 min=1 max=2
      memlat monitor 0 cpus=[0] map=[[1000000]]
      scmi probe
    `;
    expect(stacks(src)).toContain('cpucp_memlat_init>process_scmi_memlat_of_node>init_cpufreq_memfreq_map');
    const s = sim(scenario(src));
    s.machine.breakpoints.setFunctions([{ id: 1, name: 'init_cpufreq_memfreq_map', hits: 0 }]);
    expect(s.machine.resume('continue').reason).toBe('function breakpoint');
    expect(s.machine.resume('over').reason).toBe('step');
    const top = s.machine.frames[s.machine.frames.length - 1];
    expect(top?.fn.source.lines[top.line - 1]).toMatch(/return NULL;\s+\/\* odd or empty/);
    expect(String(top?.locals.ret)).toBe('NULL');
  });

  it('more rows than MAX_MAP_ENTRIES: nf is taken as it comes, and configure_cpucp_mon writes map_msg.tbl[6] past the stack buffer', () => {
    const err = bugs(`
      memlat memory 0 min=1 max=2
      memlat monitor 0 cpus=[0] map=[[1,1],[2,2],[3,3],[4,4],[5,5],[6,6],[7,7]]
      scmi probe
    `);
    expect(err).toEqual([
      't.kstep:3: BUG: map_msg.tbl[6] written out of bounds (MAX_MAP_ENTRIES 6, freq_map_len 7): stack buffer overflow in configure_cpucp_mon for monitor-0 (5 SCMI messages sent so far)',
    ]);
  });
});

describe('"foo-min-frequency and foo-max-frequency please." — a missing freq-table-khz is let through with memfreq[] as it was', () => {
  it('the first node without it sends min and max from a memfreq[] nothing wrote (stack contents: 0 here, listed as uninit)', () => {
    const s = run(scenario(`
      memlat memory 0 no_freq_table
      memlat monitor 0 cpus=[0] map=[[1000000, 300000]]
      scmi probe
      expect memlat.dt.memory[0].freq_table_khz == none && memlat.dt.memory[0].min_khz == none
      expect scmi.log[6].param_id == MEMLAT_SET_MIN_FREQ && scmi.messages[6].buf == [0,0,0,0, 0,0,0,0, 0,0,0,0]
      expect scmi.messages[6].uninit == [[8, 12]] && scmi.messages[7].uninit == [[8, 12]]
      expect memlat.memory[0].min_khz == 0 && memlat.memory[0].max_khz == 0
      cpu 0 freq=900 inst=100 l2_refill=10
      advance 8ms
      expect memlat.memory[0].monitor[0].vote_khz == 300000 && memlat.memory[0].cur_khz == 0
    `));
    expect(s.out).toEqual([]);
  });

  it('a later node without it gets the previous node\'s min and max', () => {
    run(scenario(`
      memlat memory 0 min=100000 max=800000
      memlat monitor 0 cpus=[0] map=[[1000000, 300000]]
      memlat memory 1 no_freq_table
      memlat monitor 1 cpus=[1] map=[[1000000, 300000]]
      scmi probe
      expect memlat.memory[1].hw_type == 1 && memlat.memory[1].min_khz == 100000 && memlat.memory[1].max_khz == 800000
      expect scmi.log[13].param_id == MEMLAT_SET_MIN_FREQ && scmi.messages[13].uninit == [] && scmi.messages[13].buf[8] == 0xa0
    `));
  });

  it('the -EINVAL it leaves in ret is what a later cpulist failure prints and returns', () => {
    const err = bugs(`
      memlat memory 0 no_freq_table
      memlat monitor 0 cpus=[9] map=[[1000000, 300000]]
      scmi probe
    `);
    expect(err).toEqual([
      'Failed to populate cpu mask -22',
      'Failed to configure common events: -22',
      't.kstep:3: BUG: NULL pointer dereference: memory->monitor[0] is NULL in configure_cpucp_mon (its DT node was never parsed) (3 SCMI messages sent so far)',
    ]);
  });
});

describe('"So this table goes 1:1 to the firmware?" — configure_cpucp_mon() copies the table into u16 fields without a check', () => {
  it('a cpu frequency or a mem frequency past 65535 MHz is cut to 16 bits on the wire', () => {
    run(scenario(`
      memlat memory 0 min=1 max=4000000000
      memlat monitor 0 cpus=[0] map=[[70000000, 65537000]]
      scmi probe
      expect memlat.memory[0].monitor[0].map == [[70000 & 0xffff, 1]]
      expect scmi.messages[5].buf[12] == 0x70 && scmi.messages[5].buf[13] == 0x11 && scmi.messages[5].buf[14] == 1 && scmi.messages[5].buf[15] == 0
    `));
  });

  it('six rows fill map_msg.tbl exactly; a seventh is written past it (see the OPP-table comment)', () => {
    run(scenario(`
      memlat memory 0 min=1 max=2000000
      memlat monitor 0 cpus=[0] map=[[1000000,1000],[2000000,2000],[3000000,3000],[4000000,4000],[5000000,5000],[6000000,6000]]
      scmi probe
      expect len(memlat.memory[0].monitor[0].map) == 6 && scmi.messages[5].uninit == []
    `));
  });
});

describe('a memory node without reg: "Failed to read memory type", and the count still includes it', () => {
  it('nodes before it are parsed; at its index configure_cpucp_grp dereferences a NULL info->memory[i]', () => {
    const err = bugs(`
      memlat memory 0 min=1 max=2
      memlat monitor 0 cpus=[0] map=[[1000000, 300000]]
      memlat memory min=1 max=2
      memlat monitor cpus=[1] map=[[1000000, 300000]]
      scmi probe
    `);
    expect(err).toEqual([
      'Failed to read memory type',
      'Failed to configure common events: -22',
      't.kstep:5: BUG: NULL pointer dereference: info->memory[1] is NULL in configure_cpucp_grp (its DT node was never parsed) (8 SCMI messages sent so far)',
    ]);
  });

  it('the state tree shows the node with hw_type none', () => {
    const s = run(scenario('memlat memory min=5 max=6'));
    expect(ev(s, 'memlat.dt.memory[0].hw_type == none && memlat.dt.memory[0].freq_table_khz == [5, 6]')).toBe(true);
  });
});

describe('two memory nodes with the same reg', () => {
  it('both are configured in turn: the second SET_MEM_GROUP finds the group, its monitor 0 replaces the first one\'s, its min/max win', () => {
    const s = run(scenario(`
      memlat memory 0 min=100000 max=200000
      memlat monitor 0 cpus=[0] map=[[1000000, 300000]]
      memlat memory 0 min=300000 max=400000
      memlat monitor 0 cpus=[1] compute map=[[1000000, 500000]]
      scmi probe
      expect len(memlat.dt.memory) == 2 && memlat.dt.memory[1].monitor[0].cpus == [1]
      expect len(memlat.memory) == 1 && len(memlat.memory[0].monitor) == 1
      expect memlat.memory[0].monitor[0].cpus == [1] && memlat.memory[0].monitor[0].mon_type == compute
      expect memlat.memory[0].min_khz == 300000 && memlat.memory[0].max_khz == 400000
    `));
    const msgs = subsystem(s, Memlat).messages;
    expect(msgs.map((m) => m.paramId)).toEqual([
      P.SET_COMMON_EV_MAP, P.SET_MEM_GROUP, P.SET_GRP_EV_MAP, ...MON, P.SET_MEM_GROUP, P.SET_GRP_EV_MAP, ...MON, P.SAMPLE_MS, P.START_TIMER,
    ]);
    expect(msgs.every((m) => m.status === 0)).toBe(true);
    expect(s.out).toEqual([]);
  });
});
