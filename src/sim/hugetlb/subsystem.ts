import type { Subsystem } from '../core/machine';
import type { StateNode } from '../core/state';
import { fixedRecord, leaf, list, record, valueNode } from '../core/state';
import type { Value } from '../core/values';
import { formatValue, toBig } from '../core/values';
import { ScenarioError } from '../scenario/diagnostics';
import type { RegionAllocator } from './region_ops';
import type { Pool } from './pool_ops';
import type { ResvMapSnapshot } from './resv_map';
import { ResvMap, restoreResvMap, snapshotResvMap } from './resv_map';

interface HugetlbSnapshot {
  readonly files: readonly ResvMapSnapshot[];
  readonly failNext: number;
  readonly pool: Pool;
}

/**
 * hugetlbfs inodes and their resv_maps. Roots: `resv.<file>` and `hugetlb`.
 */
export class Hugetlb implements Subsystem, RegionAllocator {
  readonly name = 'hugetlb';
  files = new Map<string, ResvMap>();
  /** `inject enomem`: how many file_region allocations still fail. */
  failNext = 0;
  /** The hstate's pool counters. */
  pool: Pool = { total: 0, free: 0, rsvd: 0, surp: 0 };

  active(): boolean {
    return this.files.size > 0 || this.failNext > 0 || this.pool.total > 0;
  }

  kmallocFileRegion(): boolean {
    if (this.failNext > 0) {
      this.failNext--;
      return false;
    }
    return true;
  }

  roots(): Readonly<Record<string, StateNode>> {
    const resv = record(() => {
      const out: Record<string, StateNode> = {};
      for (const [name, r] of this.files) out[name] = resvNode(r);
      return out;
    });
    const counter_ = (k: keyof Pool): StateNode => leaf(() => BigInt(this.pool[k]));
    const hugetlb = fixedRecord({
      total: counter_('total'),
      free: counter_('free'),
      rsvd: counter_('rsvd'),
      surp: counter_('surp'),
      files: list(() => this.files.size, (i) => valueNode([...this.files.keys()][i] as string)),
      inject_enomem: leaf(() => BigInt(this.failNext), { set: (v) => (this.failNext = counter(v, 'inject_enomem')) }),
    });
    return { resv, hugetlb };
  }

  snapshot(): { data: HugetlbSnapshot; size: number } {
    let size = 1;
    const files: ResvMapSnapshot[] = [];
    for (const r of this.files.values()) {
      // A copy shares the list's chunks: it costs one pointer per chunk.
      if (!r.cleanCopy) size += r.regions.chunkCount;
      files.push(snapshotResvMap(r));
    }
    return { data: { files, failNext: this.failNext, pool: { ...this.pool } }, size };
  }

  restore(data: unknown): void {
    const s = data as HugetlbSnapshot;
    this.files = new Map(s.files.map((f) => [f.name, restoreResvMap(f)]));
    this.failNext = s.failNext;
    this.pool = { ...s.pool };
  }
}

/** A `long` counter set from the debugger. */
function counter(v: Value, what: string): number {
  const n = toBig(v);
  if (n === undefined || n > BigInt(Number.MAX_SAFE_INTEGER) || n < -BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new ScenarioError(`${what} must be an integer, not ${formatValue(v)}`);
  }
  return Number(n);
}

function resvNode(r: ResvMap): StateNode {
  const regions = list(
    () => r.regions.length,
    (i) => {
      const [from, to] = r.regions.at(i);
      return valueNode([BigInt(from), BigInt(to)]);
    },
    { all: () => r.regions.toArray().map(([from, to]) => [BigInt(from), BigInt(to)]) },
  );
  return fixedRecord({
    regions,
    adds_in_progress: leaf(() => BigInt(r.addsInProgress), { set: (v) => (r.addsInProgress = counter(v, 'adds_in_progress')) }),
    region_cache_count: leaf(() => BigInt(r.regionCacheCount), { set: (v) => (r.regionCacheCount = counter(v, 'region_cache_count')) }),
  });
}
