import { createSimulation, loadScenario } from '../src/sim';
import { region_add, region_chg, region_count, region_del } from '../src/sim/hugetlb/region_ops';
import { ResvMap } from '../src/sim/hugetlb/resv_map';
import { Hugetlb } from '../src/sim/hugetlb/subsystem';
import { RegionList } from '../src/sim/hugetlb/region_list';
import { LiteralResvMap } from '../test/hugetlb/literal_resv_map';
import { report, time } from './report';
import { mulberry32 } from '../test/support/rng';

const REGIONS = 100_000;


/** One operation of the mix: reserve a free page (chg + add), release a reserved one, or count a window. */
type Op = { kind: 'reserve' | 'release' | 'count'; at: number };

function ops(n: number, seed: number): Op[] {
  const rand = mulberry32(seed);
  const out: Op[] = [];
  for (let i = 0; i < n; i++) {
    const at = 2 * Math.floor(rand() * REGIONS);
    const r = rand();
    // Reserve the odd page next to an even one and release it again, so the map stays near 100,000 regions.
    out.push(r < 0.4 ? { kind: 'reserve', at: at + 1 } : r < 0.8 ? { kind: 'release', at: at + 1 } : { kind: 'count', at });
  }
  return out;
}

/**
 * resv_map operations per second at 100,000 regions: the simulator's
 * kernel functions over the chunked RegionList against the literal port of
 * the kernel's linked-list code, the same operations on the same map.
 */
export function benchResvMap(): void {
  const initial: Array<[number, number]> = [];
  for (let i = 0; i < REGIONS; i++) initial.push([2 * i, 2 * i + 1]);

  const sim = createSimulation(loadScenario('bench.kstep', '').program);
  const m = sim.machine;
  const hugetlb = sim.subsystem(Hugetlb);
  const resv = new ResvMap('f');
  resv.regions = RegionList.from(initial);
  hugetlb.files.set('f', resv);

  const fastOps = ops(200_000, 1);
  // Each side is timed on a quiet heap: the other side's 100,000-node list would make its GCs slower.
  global.gc?.();
  const fastMs = time(() => {
    for (const op of fastOps) {
      if (op.kind === 'reserve') {
        const r = m.drain(region_chg(m, hugetlb, resv, op.at, op.at + 1));
        m.drain(region_add(m, hugetlb, resv, op.at, op.at + 1, r.out_regions_needed));
      } else if (op.kind === 'release') m.drain(region_del(m, hugetlb, resv, op.at, op.at + 1));
      else m.drain(region_count(m, resv, op.at, op.at + 64));
    }
  });
  global.gc?.();
  const lit = new LiteralResvMap();
  for (const [f, t] of initial) {
    const out = { value: 0 };
    lit.region_chg(lit.resv, f, t, out);
    lit.region_add(lit.resv, f, t, out.value);
  }

  const litOps = ops(1_000, 1);
  const litMs = time(() => {
    for (const op of litOps) {
      if (op.kind === 'reserve') {
        const out = { value: 0 };
        lit.region_chg(lit.resv, op.at, op.at + 1, out);
        lit.region_add(lit.resv, op.at, op.at + 1, out.value);
      } else if (op.kind === 'release') lit.region_del(lit.resv, op.at, op.at + 1);
      else lit.region_count(lit.resv, op.at, op.at + 64);
    }
  });
  report({
    name: 'resv_map_ops_per_second_at_100k_regions',
    value: (fastOps.length / fastMs) * 1000,
    unit: 'ops/s',
    baseline: { name: 'literal linked-list port of the kernel code', value: (litOps.length / litMs) * 1000 },
    goal: 'ratio >= 100',
    note: `fast map ended with ${resv.regions.length} regions; a reserve is region_chg + region_add`,
  });
}

/**
 * Memory under the debugger: n regions added one statement pair at a time
 * with history on. Linear growth is the goal: bytes per region at 300,000
 * about those at 100,000.
 */
export function benchResvMapHistory(): void {
  const grow = (n: number): number => {
    const { program } = loadScenario('history.kstep', `hugetlb file f\nrepeat ${n} {\n  region_chg f time.ns*2 time.ns*2+1\n  region_add f time.ns*2 time.ns*2+1\n  advance 1ns\n}\n`);
    global.gc?.();
    const before = used();
    const m = createSimulation(program, { history: true }).machine;
    if (m.resume('continue').reason !== 'end') throw new Error('did not run to the end');
    global.gc?.();
    return (used() - before) / n;
  };
  const small = grow(100_000);
  const big = grow(300_000);
  report({
    name: 'resv_map_history_bytes_per_region_300k',
    value: big,
    unit: 'bytes/region',
    baseline: { name: 'the same at 100,000 regions', value: small },
    goal: 'ratio ~1 (linear)',
  });
}

function used(): number {
  const u = process.memoryUsage();
  return u.heapUsed + u.arrayBuffers;
}
