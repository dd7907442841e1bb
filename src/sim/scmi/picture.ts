import type { FwGroup, FwMonitor, MemlatState } from './subsystem';
import { maskCpus } from './subsystem';

export interface MonitorPicture {
  readonly name: string;
  /** `memlat` or `compute`. */
  readonly type: string;
  readonly cpus: readonly number[];
  readonly voteKhz: number;
  /** The CPU frequency the vote was read off the map at (the fastest counted CPU), so the picture draws the vote there. */
  readonly voteCpuMhz: number;
  /** The freq map as steps: [cpu MHz, mem MHz] rows. */
  readonly map: ReadonlyArray<readonly [number, number]>;
}

export interface MemoryGroupPicture {
  readonly hwType: number;
  readonly minKhz: number;
  readonly maxKhz: number;
  readonly curKhz: number;
  readonly running: boolean;
  readonly monitors: readonly MonitorPicture[];
  /** The last samples, oldest first: [time ms, cur_khz]. */
  readonly history: ReadonlyArray<readonly [number, number]>;
}

/** Its sections of the state picture, by name (a type, not an interface: the picture hook returns a Record). */
export type MemlatSections = {
  /** One entry per memlat memory group, as the firmware holds it. */
  readonly memlat: readonly MemoryGroupPicture[];
};

function monitorOf(mon: FwMonitor): MonitorPicture {
  return {
    name: mon.name,
    type: mon.monType === 1 ? 'compute' : 'memlat',
    cpus: maskCpus(mon.cpumask),
    voteKhz: mon.voteKhz,
    voteCpuMhz: mon.voteCpuMhz,
    map: mon.map.map(([cpu, mem]) => [cpu, mem] as const),
  };
}

function groupOf(g: FwGroup, running: boolean): MemoryGroupPicture {
  return {
    hwType: g.hwType,
    minKhz: g.minKhz,
    maxKhz: g.maxKhz,
    curKhz: g.curKhz,
    running,
    monitors: g.monitors.map(monitorOf),
    history: g.history.map(([ms, khz]) => [ms, khz] as const),
  };
}

export function memlatPicture(st: MemlatState): MemlatSections {
  return { memlat: st.groups.map((g) => groupOf(g, st.running)) };
}
