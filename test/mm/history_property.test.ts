/**
 * History exactness (goto back and forth gives identical state) and a
 * property test over random scenarios: refcounts, mapcounts, rss and device
 * free lists stay consistent after every statement (device-exclusive entries,
 * snapshots and gup references included).
 */
import { describe, expect, it } from 'vitest';
import { Mm } from '../../src/sim/mm/subsystem';
import { expectGotoExact, observe, sim, statements, subsystem } from '../support/kit';
import { mulberry32, rngInt } from '../support/rng';
import { checkInvariants } from './invariants';

const BASE = 0x7f0000000000n;
const NPAGES = 12;
/** Page-cache file f and pmem device pm are mapped here: FBASE shared, FBASE + 8 pages private, DBASE shared dax. */
const FBASE = 0x7e0000000000n;
const DBASE = 0x7d0000000000n;

function randomScenario(seed: number, n: number): string {
  const r = mulberry32(seed);
  const addr = (): string => `0x${(BASE + BigInt(rngInt(r, 0, NPAGES - 1)) * 0x1000n).toString(16)}`;
  const len = (): string => `${rngInt(r, 1, 4) * 4}K`;
  const faddr = (): string => `0x${(FBASE + BigInt(rngInt(r, 0, 15)) * 0x1000n).toString(16)}`;
  const daddr = (): string => `0x${(DBASE + BigInt(rngInt(r, 0, 3)) * 0x1000n).toString(16)}`;
  const anyAddr = (): string => [addr, faddr, daddr][rngInt(r, 0, 2)]?.() ?? addr();
  const tasks = ['init'];
  const lines = [
    'device gpu type=private pages=6',
    'device cxl type=coherent pages=3',
    `mmap 0x${BASE.toString(16)} ${NPAGES * 4}K`,
    'file f size=28K',
    'device pm type=host pages=4',
    `mmap 0x${FBASE.toString(16)} 32K shared file=f`,
    `mmap 0x${(FBASE + 0x8000n).toString(16)} 32K private file=f`,
    `mmap 0x${DBASE.toString(16)} 16K shared dax=pm`,
  ];
  let forks = 0;
  for (let i = 0; i < n; i++) {
    const k = rngInt(r, 0, 41);
    switch (k) {
      case 0: case 1: case 2:
        lines.push(`write ${addr()} ${rngInt(r, 1, 99)}`);
        break;
      case 3: case 4:
        lines.push(`read ${addr()}`);
        break;
      case 5: case 6:
        lines.push(`migrate ${addr()} ${len()} to=gpu`);
        break;
      case 7:
        lines.push(`migrate ${addr()} ${len()} to=cxl`);
        break;
      case 8:
        lines.push(`migrate ${addr()} ${len()} to=system`);
        break;
      case 9:
        if (forks < 4) {
          const name = `t${forks++}`;
          lines.push(`fork as ${name}`);
          tasks.push(name);
        }
        break;
      case 10:
        lines.push(`task ${tasks[rngInt(r, 0, tasks.length - 1)]}`);
        break;
      case 11:
        lines.push(`mprotect ${addr()} ${len()} ${['r', 'rw', 'rw', 'none'][rngInt(r, 0, 3)]}`);
        break;
      case 12:
        lines.push(`munmap ${addr()} ${len()}`);
        lines.push(`mmap ${addr()} ${len()}`);
        break;
      case 13:
        lines.push(`device gpu fail=${rngInt(r, 0, 2) === 0 ? 'on' : 'off'}`);
        break;
      case 14:
        lines.push(`device_access gpu ${rngInt(r, 0, 1) ? 'write' : 'read'} ${addr()}`);
        break;
      case 15:
        if (tasks.length > 1) {
          const t = tasks.splice(rngInt(r, 1, tasks.length - 1), 1)[0] as string;
          lines.push(`exit ${t}`);
          lines.push('task init');
        }
        break;
      case 16:
        lines.push(`follow_page ${addr()} flags=FOLL_LRU`);
        break;
      case 17:
        lines.push(`khugepaged ${addr()}`);
        break;
      case 18:
        lines.push(`madvise ${addr()} ${len()} MADV_COLD`);
        break;
      case 19:
        lines.push(`mlock ${addr()} ${len()}`);
        break;
      case 20:
        lines.push(rngInt(r, 0, 1) ? `mprotect ${addr()} 0 r` : `migrate ${addr()} 0 to=gpu`);
        break;
      case 22: case 23:
        lines.push(`${rngInt(r, 0, 1) ? 'write' : 'read'} ${rngInt(r, 0, 3) ? faddr() : daddr()} ${rngInt(r, 1, 99)}`.replace(/^read (\S+) \d+$/, 'read $1'));
        break;
      case 24:
        lines.push(`file write f ${rngInt(r, 0, 7) * 0x1000 + 8 * rngInt(r, 0, 3)} ${rngInt(r, 1, 99)}`);
        break;
      case 25:
        lines.push(`device_access gpu ${rngInt(r, 0, 1) ? 'write' : 'read'} ${faddr()}`);
        break;
      case 26: {
        const a = faddr();
        lines.push(`munmap ${a} 8K`);
        lines.push(`mmap ${a} 8K ${rngInt(r, 0, 1) ? 'shared' : 'private'} file=f`);
        break;
      }
      case 27:
        lines.push(`move_pages ${anyAddr()} node=${rngInt(r, 0, 1)}`);
        break;
      case 28:
        lines.push(`mbind ${addr()} ${len()} node=${rngInt(r, 0, 1)}`);
        break;
      case 29:
        lines.push(`numa_fault ${anyAddr()}`);
        break;
      case 30:
        lines.push(`munlock ${addr()} ${len()}`);
        break;
      case 31:
        lines.push(rngInt(r, 0, 1) ? `pagemap ${anyAddr()}` : `smaps ${rngInt(r, 0, 1) ? faddr() : daddr()}`);
        break;
      case 32:
        lines.push(`madvise ${rngInt(r, 0, 2) ? addr() : faddr()} ${len()} MADV_DONTNEED`);
        break;
      case 33:
        lines.push(`follow_page ${daddr()} flags=${['FOLL_GET', 'FOLL_GET|FOLL_LRU', 'FOLL_LRU', 'FOLL_PIN'][rngInt(r, 0, 3)]}`);
        break;
      case 34:
        lines.push(`migrate ${faddr()} ${len()} to=gpu`);
        break;
      case 35:
        if (rngInt(r, 0, 3)) lines.push(rngInt(r, 0, 1) ? `file truncate f ${rngInt(r, 0, 28) * 1024}` : 'file invalidate f');
        else lines.push('file truncate f 28K');
        break;
      case 36:
        lines.push(`device_exclusive ${['gpu', 'cxl'][rngInt(r, 0, 1)]} ${rngInt(r, 0, 3) ? addr() : faddr()} ${len()}`);
        break;
      case 37:
        lines.push(`device_check_exclusive gpu ${addr()} ${len()}`);
        break;
      case 38:
        lines.push(`device_snapshot ${['gpu', 'cxl'][rngInt(r, 0, 1)]} ${addr()} ${len()}`);
        break;
      case 39:
        lines.push(`gup ${rngInt(r, 0, 2) ? addr() : anyAddr()} ${len()} flags=${['FOLL_PIN|FOLL_LONGTERM|FOLL_WRITE', 'FOLL_WRITE', 'FOLL_PIN', '0', 'FOLL_LONGTERM'][rngInt(r, 0, 4)]}`);
        break;
      case 40:
        lines.push(`unpin ${rngInt(r, 0, 2) ? addr() : anyAddr()} ${len()}`);
        break;
      default:
        lines.push(`write ${addr()}`);
    }
  }
  return lines.join('\n') + '\n';
}

describe('mm property test (fixed seeds)', () => {
  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
    it(`seed ${seed}: counts stay consistent after every statement`, () => {
      const s = sim(randomScenario(seed, 120), { history: false });
      const mm = subsystem(s, Mm);
      let stmts = 0;
      for (const _ of statements(s)) {
        checkInvariants(mm);
        stmts++;
      }
      expect(stmts).toBeGreaterThan(100);
    });
  }
});

describe('mm history exactness', () => {
  for (const seed of [11, 12, 13]) {
    it(`seed ${seed}: goto back and forth gives identical state at every step point`, () => {
      expectGotoExact(sim(randomScenario(seed, 60)), seed, 80);
    });
  }

  it('stepBack over a migrate and fault restores the page table exactly', () => {
    const s = sim(`
device gpu type=private pages=4
mmap 0x7f0000000000 16K
write 0x7f0000000000 42
migrate 0x7f0000000000 16K to=gpu
read 0x7f0000000000
`);
    const m = s.machine;
    const atStmt: string[] = [];
    while (!m.ended) {
      atStmt.push(observe(s));
      m.resume('over');
    }
    atStmt.push(observe(s));
    for (let i = atStmt.length - 2; i >= 0; i--) {
      m.stepBack();
      expect(observe(s)).toBe(atStmt[i]);
    }
  });
});
