/**
 * Property test over random scenarios mixing hugetlb mappings with ordinary
 * and device memory: after every statement the pool counters, page-cache and
 * mapping references, rss/hugetlb_usage and device free lists agree
 * (test/mm/invariants.ts), and no counter goes negative or below rsvd.
 */
import { describe, expect, it } from 'vitest';
import { Mm } from '../../src/sim/mm/subsystem';
import { expectGotoExact, sim, statements, subsystem } from '../support/kit';
import { checkInvariants } from '../mm/invariants';
import { Rng } from '../support/rng';
import { PG_HUGETLB } from '../../src/sim/mm/page';

const HUGE = [0x40000000n, 0x80000000n, 0xc0000000n];
const SMALL = 0x7f0000000000n;

/**
 * Two kinds of scenario, by seed: odd seeds raise nr_overcommit_hugepages
 * (surplus pages) and never inject -ENOMEM; even seeds keep overcommit 0 and
 * may give their mount a min_size. The kernel itself breaks free >= rsvd when
 * a freed page restores a reservation while surplus pages exist
 * (free_huge_page: restore_reserve, then the page goes back to the buddy
 * allocator) — reachable through restore_reserve_on_error (-ENOMEM) or a
 * subpool under its minimum — so the invariant holds only apart from those.
 */
function randomScenario(seed: number, n: number): string {
  const r = new Rng(seed);
  const overcommit = seed % 2 === 1;
  const hex = (v: bigint): string => `0x${v.toString(16)}`;
  const hugeAddr = (): string => hex((r.pick(HUGE)) + BigInt(r.int(0, 3)) * 0x200000n + BigInt(r.int(0, 511)) * 0x1000n);
  const files = ['f', 'g', 'h'];
  let pool = r.int(0, 6);
  const size = r.int(2, 6);
  const mount = overcommit ? `hugetlb mount m size=${size}` : `hugetlb mount m size=${size} min_size=${r.int(0, Math.min(2, pool))}`;
  const setup = [`hugetlb pool pages=${pool}`, mount, 'hugetlb file h mount=m'];
  if (overcommit) setup.push(`hugetlb overcommit pages=${r.int(0, 3)}`);
  const lines = ['device gpu type=private pages=4', `mmap ${hex(SMALL)} 32K`];
  const tasks = ['init'];
  let forks = 0;
  for (let i = 0; i < n; i++) {
    switch (r.int(0, 20)) {
      case 0: case 1:
        lines.push(`mmap ${hex(r.pick(HUGE))} ${r.int(1, 4) * 2}M hugetlb=${r.pick(files)}${r.int(0, 1) ? ' shared' : ' private'}${r.int(0, 4) === 0 ? ' prot=r' : ''}`);
        break;
      case 17:
        lines.push(`mmap ${hex(r.pick(HUGE))} ${r.int(1, 4) * 2}M hugetlb=${r.pick(files)}${r.int(0, 1) ? ' shared' : ' private'}${r.int(0, 1) ? ' noreserve' : ''} offset=${r.int(0, 3) * 2}M`);
        break;
      case 18:
        lines.push(`hugetlb punch ${r.pick(files)} ${r.int(0, 8)}M ${r.int(1, 8)}M`);
        break;
      case 19:
        if (overcommit) lines.push(`hugetlb overcommit pages=${r.int(0, 4)}`);
        else lines.push(`hugetlb reserve h 0 ${r.int(1, 4)}`);
        break;
      case 20:
        lines.push(`write ${hugeAddr()} ${r.int(1, 99)}`);
        break;
      case 2: case 3: case 4:
        lines.push(`write ${hugeAddr()} ${r.int(1, 99)}`);
        break;
      case 5: case 6:
        lines.push(`read ${hugeAddr()}`);
        break;
      case 7:
        if (forks < 3) {
          const name = `t${forks++}`;
          lines.push(`fork as ${name}`);
          tasks.push(name);
        }
        break;
      case 8:
        lines.push(`task ${r.pick(tasks)}`);
        break;
      case 9:
        lines.push(`munmap ${hex(r.pick(HUGE) + BigInt(r.int(0, 3)) * 0x200000n)} ${r.int(1, 2) * 2}M`);
        break;
      case 10:
        // The pool only grows here: a shrink below the pages in use plus reserved makes them
        // surplus, and the kernel's free_huge_page can then restore a reserve while freeing
        // the surplus page (free < rsvd); mapping.test.ts covers shrinking on its own.
        pool += r.int(0, 3);
        lines.push(`hugetlb pool pages=${pool}`);
        break;
      case 11:
        lines.push(`mprotect ${hex(r.pick(HUGE))} 2M ${r.pick(['r', 'rw'])}`);
        break;
      case 12:
        if (tasks.length > 1) {
          const t = tasks.splice(r.int(1, tasks.length - 1), 1)[0] as string;
          lines.push(`exit ${t}`, 'task init');
        }
        break;
      case 13:
        lines.push([overcommit ? 'hugetlb overcommit pages=1' : `inject enomem count=${r.int(1, 3)}`, `hugetlb reserve ${r.pick(files)} 0 ${r.int(1, 3)}`, `hugetlb truncate ${r.pick(files)} ${r.int(0, 4) * 2}M`][r.int(0, 2)] as string);
        break;
      case 14:
        lines.push(`write ${hex(SMALL + BigInt(r.int(0, 7)) * 0x1000n)} 1`, `migrate ${hex(SMALL)} 32K to=${r.pick(['gpu', 'system'])}`);
        break;
      case 15:
        // mlock faults every page in: huge pages through hugetlb_fault, device pages back from gpu
        lines.push(r.int(0, 1) ? `mlock ${hex(r.pick(HUGE))} 2M` : `mlock ${hex(SMALL)} 32K`);
        break;
      default:
        lines.push(`region_del ${r.pick(['f', 'g'])} ${r.int(0, 3)} ${r.int(4, 8)}`);
    }
  }
  // Files must exist before a region_* or reserve statement names them.
  return ['hugetlb file f', 'hugetlb file g', ...setup, ...lines].join('\n') + '\n';
}

/** Each subpool stays within its limits, and only pages in use remember the subpool they were charged to. */
function checkSubpools(mm: Mm): void {
  for (const sp of mm.hugetlb.mounts.values()) {
    if (sp.maxHpages !== -1 && (sp.usedHpages < 0 || sp.usedHpages > sp.maxHpages)) throw new Error(`invariant broken: subpool ${sp.name} used_hpages ${sp.usedHpages} outside 0..${sp.maxHpages}`);
    if (sp.minHpages !== -1 && (sp.rsvHpages < 0 || sp.rsvHpages > sp.minHpages)) throw new Error(`invariant broken: subpool ${sp.name} rsv_hpages ${sp.rsvHpages} outside 0..${sp.minHpages}`);
  }
  for (const head of mm.hugetlb.pageSpool.keys()) {
    if (!(mm.flags.get(head) & PG_HUGETLB)) throw new Error(`invariant broken: free huge page ${head} still charged to a subpool`);
  }
}

describe('hugetlb + mm property test (1,000 fixed-seed scenarios)', () => {
  it('counts stay consistent after every statement', () => {
    let stmts = 0;
    const signals = new Set<string>();
    for (let seed = 1; seed <= 1000; seed++) {
      const src = randomScenario(seed, 30);
      const s = sim(src, { history: false });
      const mm = subsystem(s, Mm);
      try {
        for (const m of statements(s)) {
          try {
            checkInvariants(mm);
            checkSubpools(mm);
          } catch (e) {
            throw new Error(`before line ${m.statement?.line ?? 'end'}: ${(e as Error).message}`);
          }
          stmts++;
          const last = m.last as Record<string, unknown> | undefined;
          if (last && typeof last === 'object' && 'signal' in last) signals.add(String(last.signal));
        }
      } catch (e) {
        throw new Error(`seed ${seed} ${(e as Error).message}\n${src}`);
      }
    }
    expect(stmts).toBeGreaterThan(30_000);
    // The scenarios reach faults that succeed and faults that end in SIGBUS.
    expect(signals.size).toBeGreaterThan(1);
  });
});

describe('hugetlb mapping history exactness', () => {
  for (const seed of [21, 22, 23]) {
    it(`seed ${seed}: goto back and forth gives identical state at every step point`, () => {
      expectGotoExact(sim(randomScenario(seed, 25)), seed, 60);
    });
  }
});
