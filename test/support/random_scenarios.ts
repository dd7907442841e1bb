/**
 * Small random scenarios that run (mostly) to their end: resv_map calls in
 * the kernel's call patterns and out of them, hugetlb reservations and
 * faults, anonymous faults and migrations, time going by. For property tests
 * that need a timeline with changes on it, not the hostile inputs of the
 * fuzzers; each comes with expressions worth asking about.
 */
import { Rng } from './rng';

export interface RandomScenario {
  readonly text: string;
  /** Values to follow through the timeline. */
  readonly values: readonly string[];
  /** Conditions that hold somewhere, or nowhere. */
  readonly conditions: readonly string[];
}

const BASE = 0x7f0000000000n;

export function randomScenario(seed: number, n = 14): RandomScenario {
  const r = new Rng(seed);
  const lines = ['hugetlb pool pages=8', 'hugetlb file f', 'hugetlb file g', `mmap 0x${BASE.toString(16)} 32K`, 'device gpu type=private pages=4'];
  const range = (): string => {
    const f = r.int(0, 6);
    return `${f} ${f + r.int(0, 4)}`;
  };
  const addr = (): string => `0x${(BASE + BigInt(r.int(0, 7)) * 0x1000n).toString(16)}`;
  for (let i = 0; i < n; i++) {
    const file = r.chance(0.75) ? 'f' : 'g';
    switch (r.int(0, 11)) {
      case 0: case 1: {
        const rg = range();
        lines.push(`region_chg ${file} ${rg}`, `region_add ${file} ${rg}`);
        break;
      }
      case 2:
        lines.push(`region_chg ${file} ${range()}`);
        break;
      case 3:
        lines.push(`region_del ${file} ${range()}`);
        break;
      case 4:
        lines.push(`region_count ${file} ${range()}`);
        break;
      case 5:
        lines.push(`hugetlb reserve ${file} ${range()}`);
        break;
      case 6:
        lines.push(`inject enomem count=${r.int(1, 2)}`);
        break;
      case 7:
        lines.push(`write ${addr()} ${r.int(1, 9)}`);
        break;
      case 8:
        lines.push(`migrate ${addr()} 8K to=gpu`);
        break;
      case 9:
        lines.push(`read ${addr()}`);
        break;
      case 10:
        lines.push(`advance ${r.int(1, 5)}us`);
        break;
      default:
        lines.push(`repeat ${r.int(1, 3)} {`, `region_chg ${file} ${range()}`, `region_abort ${file} ${range()}`, '}');
    }
  }
  return {
    text: `${lines.join('\n')}\n`,
    values: [
      'resv.f.adds_in_progress', 'resv.f.region_cache_count', 'resv.f.regions', 'len(resv.g.regions)', 'last.ret', 'last',
      'hugetlb.free', 'hugetlb.rsvd', 'time.ns', 'task.init.rss', `task.init.pte[${addr()}].kind`, 'dev.gpu.free',
    ],
    conditions: [
      'resv.f.adds_in_progress > 1', 'resv.f.adds_in_progress < 0', 'len(resv.f.regions) >= 3', 'last.ret == 1', 'hugetlb.rsvd > 0',
      `task.init.pte[${addr()}].kind == device_private`, 'time.ns > 3000', 'resv.f.region_cache_count == 1',
    ],
  };
}
