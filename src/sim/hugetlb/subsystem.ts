import type { Subsystem } from '../core/machine';
import type { StateNode } from '../core/state';
import { fixedRecord, leaf, list, record, valueNode } from '../core/state';
import type { Value } from '../core/values';
import { formatValue, toBig } from '../core/values';
import { ScenarioError } from '../scenario/diagnostics';
import type { SourceRange } from '../scenario/diagnostics';
import type { RegionAllocator } from './region_ops';
import type { Pool } from './pool_ops';
import type { ResvMapSnapshot } from './resv_map';
import { ResvMap, restoreResvMap, snapshotResvMap } from './resv_map';
import type { Subpool } from './subpool';

/** What a hugetlbfs inode holds besides its resv_map: i_size and the page cache. */
export interface Inode {
  /** i_size in huge pages. */
  size: number;
  /** Page cache: file index (huge pages) -> head pfn. */
  readonly cache: Map<number, number>;
}

interface HugetlbSnapshot {
  readonly files: readonly ResvMapSnapshot[];
  readonly failNext: number;
  readonly pool: Pool;
  readonly inodes: ReadonlyArray<readonly [string, number, ReadonlyArray<readonly [number, number]>]>;
  readonly privateMaps: ReadonlyArray<readonly [number, ResvMapSnapshot]>;
  readonly nextPrivate: number;
  readonly mounts: readonly Subpool[];
  readonly fileMount: ReadonlyArray<readonly [string, string]>;
  readonly pageSpool: ReadonlyArray<readonly [number, string]>;
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
  pool: Pool = { total: 0, free: 0, rsvd: 0, surp: 0, overcommit: 0 };
  inodes = new Map<string, Inode>();
  /** The reserve maps private mappings own (HPAGE_RESV_OWNER), by id: VMA pieces after a split share one. */
  privateMaps = new Map<number, ResvMap>();
  nextPrivate = 1;
  /** hugetlbfs mounts (`hugetlb mount`) by name, each with its subpool. */
  mounts = new Map<string, Subpool>();
  /** The mount each file was created in (files not listed: the default mount, no subpool). */
  fileMount = new Map<string, string>();
  /** hugetlb_set_page_subpool: the subpool of each huge page in use that alloc_huge_page gave out from one. */
  pageSpool = new Map<number, string>();

  /** subpool_inode: the subpool of the mount the file lives in. */
  subpoolOf(file: string): Subpool | undefined {
    const mount = this.fileMount.get(file);
    return mount === undefined ? undefined : this.mounts.get(mount);
  }

  /** The resv_map of hugetlb file `name`; a scenario error at `range` naming the files there are when it does not exist. */
  file(name: string, range?: SourceRange): ResvMap {
    const r = this.files.get(name);
    if (r) return r;
    const known = [...this.files.keys()];
    throw new ScenarioError(`no hugetlb file '${name}'${known.length ? ` (files: ${known.join(', ')})` : ' (create one with: hugetlb file <name>)'}`, range);
  }

  inode(name: string): Inode {
    let i = this.inodes.get(name);
    if (!i) {
      i = { size: 0, cache: new Map() };
      this.inodes.set(name, i);
    }
    return i;
  }

  active(): boolean {
    return this.files.size > 0 || this.failNext > 0 || this.pool.total > 0 || this.pool.overcommit > 0 || this.mounts.size > 0;
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
      overcommit: counter_('overcommit'),
      files: list(() => this.files.size, (i) => valueNode([...this.files.keys()][i] as string)),
      inode: record(() => {
        const out: Record<string, StateNode> = {};
        for (const name of this.inodes.keys()) out[name] = inodeNode(() => this.inodes.get(name));
        return out;
      }),
      mount: record(() => {
        const out: Record<string, StateNode> = {};
        for (const name of this.mounts.keys()) out[name] = subpoolNode(() => this.mounts.get(name));
        return out;
      }),
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
    const inodes = [...this.inodes].map(([name, i]) => {
      size += i.cache.size >> 6;
      return [name, i.size, [...i.cache]] as const;
    });
    const privateMaps = [...this.privateMaps].map(([id, r]) => [id, snapshotResvMap(r)] as const);
    size += privateMaps.length;
    const mounts = [...this.mounts.values()].map((sp) => ({ ...sp }));
    size += mounts.length + (this.pageSpool.size >> 6);
    return {
      data: { files, failNext: this.failNext, pool: { ...this.pool }, inodes, privateMaps, nextPrivate: this.nextPrivate, mounts, fileMount: [...this.fileMount], pageSpool: [...this.pageSpool] },
      size,
    };
  }

  restore(data: unknown): void {
    const s = data as HugetlbSnapshot;
    this.files = new Map(s.files.map((f) => [f.name, restoreResvMap(f)]));
    this.failNext = s.failNext;
    this.pool = { ...s.pool };
    this.inodes = new Map(s.inodes.map(([name, size, cache]) => [name, { size, cache: new Map(cache) }]));
    this.privateMaps = new Map(s.privateMaps.map(([id, r]) => [id, restoreResvMap(r)]));
    this.nextPrivate = s.nextPrivate;
    this.mounts = new Map(s.mounts.map((sp) => [sp.name, { ...sp }]));
    this.fileMount = new Map(s.fileMount);
    this.pageSpool = new Map(s.pageSpool);
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

/** The inode's size and page cache: what faults on its mappings find. */
function inodeNode(inode: () => Inode | undefined): StateNode {
  return fixedRecord({
    i_size: leaf(() => BigInt(inode()?.size ?? 0) << 21n, { valueKind: 'size' }),
    pagecache: list(
      () => inode()?.cache.size ?? 0,
      // [index, pfn]: a page index counts, a pfn is hex
      (i) => {
        const [index, pfn] = cacheEntries(inode())[i] as [bigint, bigint];
        return list(() => 2, (j) => (j === 0 ? leaf(() => index, { valueKind: 'count' }) : leaf(() => pfn, { valueKind: 'pfn' })));
      },
      { all: () => cacheEntries(inode()) },
    ),
  });
}

/** The page cache as `[index, pfn]` pairs in index order. */
function cacheEntries(i: Inode | undefined): Value[] {
  if (!i) return [];
  return [...i.cache].sort((a, b) => a[0] - b[0]).map(([idx, pfn]) => [BigInt(idx), BigInt(pfn)]);
}

/** struct hugepage_subpool's fields, by their kernel names. */
function subpoolNode(spool: () => Subpool | undefined): StateNode {
  const field = (k: 'maxHpages' | 'usedHpages' | 'minHpages' | 'rsvHpages'): StateNode => leaf(() => BigInt(spool()?.[k] ?? 0));
  return fixedRecord({
    max_hpages: field('maxHpages'),
    used_hpages: field('usedHpages'),
    min_hpages: field('minHpages'),
    rsv_hpages: field('rsvHpages'),
  });
}
