/**
 * Drives the simulator's real region_* kernel functions
 * (src/sim/hugetlb/region_ops.ts) outside the debugger: one Machine per map,
 * each call drained to completion. Tests use this instead of re-implementing
 * the functions, so the code under test is the code the debugger steps.
 */
import type { KGen } from '../../src/sim/core/frames';
import type { Machine } from '../../src/sim/core/machine';
import { region_abort, region_add, region_chg, region_count, region_del } from '../../src/sim/hugetlb/region_ops';
import { ResvMap } from '../../src/sim/hugetlb/resv_map';
import { Hugetlb } from '../../src/sim/hugetlb/subsystem';
import { sim } from '../support/kit';

export type Region = [number, number];

export class SimResv {
  readonly machine: Machine;
  readonly hugetlb: Hugetlb;
  readonly resv: ResvMap;

  constructor(name = 'f') {
    const s = sim('', { file: 'sim_resv.kstep', history: false, output: () => undefined });
    this.machine = s.machine;
    this.hugetlb = s.subsystem(Hugetlb);
    this.resv = new ResvMap(name);
    this.hugetlb.files.set(name, this.resv);
  }

  /** `inject enomem`: the next n file_region allocations fail. */
  get failNext(): number {
    return this.hugetlb.failNext;
  }
  set failNext(n: number) {
    this.hugetlb.failNext = n;
  }

  get regionCacheCount(): number {
    return this.resv.regionCacheCount;
  }
  get addsInProgress(): number {
    return this.resv.addsInProgress;
  }
  get list(): ResvMap['regions'] {
    return this.resv.regions;
  }
  regions(): Region[] {
    return this.resv.regions.toArray();
  }

  /**
   * Runs one kernel function to completion. A KernelBug (VM_BUG_ON)
   * propagates and leaves its frames on the machine, as the kernel would
   * leave the lock held: a map that BUGged must not be used again.
   */
  private run<T>(g: KGen<T>): T {
    if (this.machine.frames.length !== 0) throw new Error('machine is still inside a kernel function (an earlier call BUGged)');
    const r = this.machine.drain(g);
    if (this.machine.frames.length !== 0) {
      throw new Error(`kernel frames left after return: ${this.machine.frames.map((f) => f.fn.name).join(' > ')}`);
    }
    return r;
  }

  chg(f: number, t: number): { ret: number; out_regions_needed: number } {
    return this.run(region_chg(this.machine, this.hugetlb, this.resv, f, t));
  }

  add(f: number, t: number, inRegionsNeeded: number): number {
    return this.run(region_add(this.machine, this.hugetlb, this.resv, f, t, inRegionsNeeded));
  }

  abort(f: number, t: number, regionsNeeded: number): void {
    this.run(region_abort(this.machine, this.resv, f, t, regionsNeeded));
  }

  del(f: number, t: number): number {
    return this.run(region_del(this.machine, this.hugetlb, this.resv, f, t));
  }

  count(f: number, t: number): number {
    return this.run(region_count(this.machine, this.resv, f, t));
  }
}
