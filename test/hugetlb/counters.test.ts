/**
 * libhugetlbfs tests/counters.c, step for step. The C emulates the kernel's
 * counter changes for each operation (set_nr_hugepages, map, touch, unmap)
 * and compares HugePages_{Total,Free,Rsvd,Surp} after each; its emulation is
 * ported here as it is written, each operation becomes kstep statements, and
 * verify_counters becomes `expect`s (its invariant checks included).
 *
 * Each map uses a fresh hugetlbfs file, as hugetlbfs_unlinked_fd() does;
 * unmap is munmap then close() of that unlinked file, whose last close
 * evicts the inode (remove_inode_hugepages(inode, 0, LLONG_MAX)), which
 * `hugetlb truncate <file> 0` runs. The kernel has private reservations
 * (private_resv = 1). nr_overcommit_hugepages is 3: the C needs it non-zero
 * (verify_dynamic_pool_support) and "should require a maximum of 3 huge pages".
 */
import { describe, it } from 'vitest';
import { run } from '../support/kit';

const MAP_SHARED = 1;
const MAP_PRIVATE = 2;
const SL_SETUP = 0;
const SL_TEST = 1;
const PRIVATE_RESV = true;
const ADDR = ['0x40000000', '0x80000000'];

/** counters.c's globals, its memory operations and verify_counters, writing the scenario as it goes. */
class Counters {
  readonly lines: string[] = ['hugetlb overcommit pages=3'];
  private prevTotal = 0;
  private prevFree = 0;
  private prevResv = 0;
  private prevSurp = 0;
  private readonly touched = [0, 0];
  private readonly mapFile = ['', ''];
  private nextFile = 0;

  private verifyCounters(where: string, et: number, ef: number, er: number, es: number): void {
    this.lines.push(
      `# ${where}`,
      'expect hugetlb.total >= 0 && hugetlb.free >= 0 && hugetlb.rsvd >= 0 && hugetlb.surp >= 0',
      'expect hugetlb.free >= hugetlb.rsvd',
      `expect [hugetlb.total, hugetlb.free, hugetlb.rsvd, hugetlb.surp] == [${et}, ${ef}, ${er}, ${es}]`,
    );
    this.prevTotal = et;
    this.prevFree = ef;
    this.prevResv = er;
    this.prevSurp = es;
  }

  setNrHugepages(count: number): void {
    this.lines.push(`hugetlb pool pages=${count}`);
    let es = this.prevSurp;
    let et = this.prevTotal;
    let ef = this.prevFree;
    const er = this.prevResv;
    const persistent = (): number => et - es;
    while (es && count > persistent()) es--;
    while (count > persistent()) {
      et++;
      ef++;
    }
    if (count < persistent()) {
      const minSize = Math.max(count, er + et - ef);
      while (minSize < persistent()) {
        ef--;
        et--;
      }
      while (count < persistent()) es++;
    }
    this.verifyCounters(`set_nr_hugepages(${count})`, et, ef, er, es);
  }

  map(s: number, hpages: number, flags: number): void {
    const file = `f${this.nextFile++}`;
    this.mapFile[s] = file;
    this.lines.push(`hugetlb file ${file}`, `mmap ${ADDR[s]} ${hpages * 2}M hugetlb=${file} ${flags === MAP_SHARED ? 'shared' : 'private'}`, 'expect last.ret == 0');
    this.touched[s] = 0;
    let et = this.prevTotal;
    let ef = this.prevFree;
    let er = this.prevResv;
    let es = this.prevSurp;
    if (flags & MAP_SHARED || PRIVATE_RESV) {
      let shortfall = 0;
      if (hpages + this.prevResv > this.prevFree) shortfall = hpages - this.prevFree + this.prevResv;
      et += shortfall;
      ef = this.prevFree + shortfall;
      er = this.prevResv + hpages;
      es = this.prevSurp + shortfall;
    }
    this.verifyCounters(`map(${s}, ${hpages}, ${flags === MAP_SHARED ? 'MAP_SHARED' : 'MAP_PRIVATE'})`, et, ef, er, es);
  }

  unmap(s: number, hpages: number, flags: number): void {
    this.lines.push(`munmap ${ADDR[s]} ${hpages * 2}M`, `hugetlb truncate ${this.mapFile[s]} 0`);
    let et = this.prevTotal;
    let ef = this.prevFree;
    let er = this.prevResv;
    let es = this.prevSurp;
    for (let i = 0; i < (this.touched[s] as number); i++) {
      if (es) {
        et--;
        es--;
      } else ef++;
    }
    if (flags & MAP_SHARED || PRIVATE_RESV) {
      const unusedSurplus = Math.min(hpages - (this.touched[s] as number), es);
      et -= unusedSurplus;
      ef -= unusedSurplus;
      er -= hpages - (this.touched[s] as number);
      es -= unusedSurplus;
    }
    this.verifyCounters(`unmap(${s}, ${hpages})`, et, ef, er, es);
  }

  touch(s: number, hpages: number, flags: number): void {
    // *c = (char)(nr % 2) for each huge page: a store faults the page in.
    for (let i = 0, nr = hpages; i < hpages; i++, nr--) this.lines.push(`write ${ADDR[s]} + ${i * 2}M ${nr % 2}`, 'expect last.signal == none');
    this.touched[s] = Math.max(this.touched[s] as number, hpages);
    let et: number;
    let ef: number;
    let er: number;
    let es: number;
    if (flags & MAP_SHARED || PRIVATE_RESV) {
      et = this.prevTotal;
      ef = this.prevFree - hpages;
      er = this.prevResv - hpages;
      es = this.prevSurp;
    } else {
      et = hpages + this.prevResv > this.prevFree ? this.prevTotal + (hpages - this.prevFree + this.prevResv) : this.prevTotal;
      er = this.prevResv;
      es = this.prevSurp + et - this.prevTotal;
      ef = this.prevFree - hpages + et - this.prevTotal;
    }
    this.verifyCounters(`touch(${s}, ${hpages})`, et, ef, er, es);
  }

  runTest(desc: string, baseNr: number): void {
    this.lines.push(`print "${desc}..."`);
    this.setNrHugepages(baseNr);
    // untouched, shared mmap
    this.map(SL_TEST, 1, MAP_SHARED);
    this.unmap(SL_TEST, 1, MAP_SHARED);
    // untouched, private mmap
    this.map(SL_TEST, 1, MAP_PRIVATE);
    this.unmap(SL_TEST, 1, MAP_PRIVATE);
    // touched, shared mmap
    this.map(SL_TEST, 1, MAP_SHARED);
    this.touch(SL_TEST, 1, MAP_SHARED);
    this.unmap(SL_TEST, 1, MAP_SHARED);
    // touched, private mmap
    this.map(SL_TEST, 1, MAP_PRIVATE);
    this.touch(SL_TEST, 1, MAP_PRIVATE);
    this.unmap(SL_TEST, 1, MAP_PRIVATE);
    // Explicit resizing during outstanding surplus
    // Consume surplus when growing pool
    this.map(SL_TEST, 2, MAP_SHARED);
    this.setNrHugepages(Math.max(baseNr, 1));
    // Add pages once surplus is consumed
    this.setNrHugepages(Math.max(baseNr, 3));
    // Release free huge pages first
    this.setNrHugepages(Math.max(baseNr, 2));
    // When shrinking beyond committed level, increase surplus
    this.setNrHugepages(baseNr);
    // Upon releasing the reservation, reduce surplus counts
    this.unmap(SL_TEST, 2, MAP_SHARED);
  }
}

type Step = (c: Counters, baseNr: number) => void;

/** main()'s loop body: run_test on a clean slate, then with each kind of pre-existing mapping. */
const RUNS: ReadonlyArray<readonly [string, Step]> = [
  ['Clean', (c, b) => c.runTest('Clean', b)],
  [
    'Untouched, shared',
    (c, b) => {
      c.map(SL_SETUP, 1, MAP_SHARED);
      c.runTest('Untouched, shared', b);
      c.unmap(SL_SETUP, 1, MAP_SHARED);
    },
  ],
  [
    'Untouched, private',
    (c, b) => {
      c.map(SL_SETUP, 1, MAP_PRIVATE);
      c.runTest('Untouched, private', b);
      c.unmap(SL_SETUP, 1, MAP_PRIVATE);
    },
  ],
  [
    'Touched, shared',
    (c, b) => {
      c.map(SL_SETUP, 1, MAP_SHARED);
      c.touch(SL_SETUP, 1, MAP_SHARED);
      c.runTest('Touched, shared', b);
      c.unmap(SL_SETUP, 1, MAP_SHARED);
    },
  ],
  [
    'Touched, private',
    (c, b) => {
      c.map(SL_SETUP, 1, MAP_PRIVATE);
      c.touch(SL_SETUP, 1, MAP_PRIVATE);
      c.runTest('Touched, private', b);
      c.unmap(SL_SETUP, 1, MAP_PRIVATE);
    },
  ],
];

/** The scenario of main() up to and including run `upTo` of base pool size `base`. */
function scenarioUpTo(base: number, upTo: number): string {
  const c = new Counters();
  for (let b = 0; b <= base; b++) {
    c.lines.push(`print "Base pool size: ${b}"`);
    RUNS.forEach(([, step], i) => {
      if (b < base || i <= upTo) step(c, b);
    });
  }
  return `${c.lines.join('\n')}\n`;
}

describe('libhugetlbfs counters.c', () => {
  for (let base = 0; base <= 3; base++) {
    describe(`Base pool size: ${base}`, () => {
      RUNS.forEach(([desc], i) => {
        it(desc, () => {
          run(scenarioUpTo(base, i));
        });
      });
    });
  }
});
