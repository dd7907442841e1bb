import type { HugetlbSections } from './hugetlb/picture';
import type { HypervSections } from './hyperv/picture';
import type { MmSections } from './mm/picture';
import type { Simulation } from './registry';
import type { MemlatSections } from './scmi/picture';

/**
 * What the editor's state picture draws at a stop: one section per
 * mechanism (resv_map regions, SynIC slots and timers, memlat votes, page
 * maps), each drawn by its mechanism from its own model (sim/<m>/picture.ts).
 * A section the scenario has not used is an empty list, which the page
 * skips. Everything is plain numbers and strings: it goes over DAP as JSON.
 */
export interface PictureData extends HugetlbSections, HypervSections, MemlatSections, MmSections {
  readonly step: number;
  readonly timeNs: string;
  readonly line: number | undefined;
  /**
   * The subsystems holding state (their `active()`), so the page never says
   * there is nothing to draw when a mechanism is in use but none of its
   * sections has an entry yet (a memlat memory declared but not probed, a
   * task with no VMA left).
   */
  readonly inUse: readonly string[];
}

/**
 * Every section empty, in the order the picture has always sent them: the
 * mechanisms' sections overwrite these in place, so the JSON keeps its key
 * order whatever order the mechanisms are listed in, and a registry without
 * one of them still sends its (empty) section.
 */
const NO_SECTIONS = { hugetlbPool: [], hugetlb: [], hyperv: [], memlat: [], mm: [] } as const satisfies Omit<PictureData, 'step' | 'timeNs' | 'line' | 'inUse'>;

/** The state picture at the simulation's current step point. */
export function statePicture(sim: Simulation): PictureData {
  const m = sim.machine;
  const inUse = m.subsystems.filter((s) => s.active?.() === true).map((s) => s.name);
  return { step: m.step, timeNs: m.now.toString(), line: m.statement?.line, ...NO_SECTIONS, ...sim.picture(), inUse } as PictureData;
}
