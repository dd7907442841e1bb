import type { MemorySpace, Subsystem } from '../core/machine';
import type { StateNode } from '../core/state';
import { fixedRecord, leaf, list, record, valueNode } from '../core/state';
import type { Value } from '../core/values';
import { Sym } from '../core/values';
import type { CowIntsSnapshot } from './cow';
import { CowInts, CowMap, CowStack, CowU64, nextEpoch } from './cow';
import { Hugetlb } from '../hugetlb/subsystem';

export const PAGE_SHIFT = 12;
export const PAGE_SIZE = 4096;
/** The first system pfn handed out; pfns below are never used. */
export const SYS_BASE = 0x1000;
/** The shared zero page: anonymous read faults map it read-only (is_zero_pfn); never refcounted by mappings. */
export const ZERO_PFN = SYS_BASE - 1;
/** Huge pages (2 MiB, 512 pfns each) are handed out from here up to DEV_BASE. */
export const HUGE_BASE = 0x0400_0000;
export const HPAGE_NR = 512;
/** ZONE_DEVICE ranges start here (pte pfns must stay below 2^28). */
export const DEV_BASE = 0x0800_0000;
export const PFN_LIMIT = 0x1000_0000;

/** PTE encoding in one int32: bits 0-1 kind, bit 2 write, bits 3.. pfn. */
export const PTE_NONE = 0;
export const PTE_PRESENT = 1;
export const PTE_DEVICE_PRIVATE = 2;
export const PTE_MIGRATION = 3;
export const PTE_WRITE = 4;
export const PTE_KIND_NAMES = ['none', 'present', 'device_private', 'migration'] as const;

/** A page's address for messages and frames: vpn in hex then the page offset, no slow double-to-radix conversion. */
export const vpnHex = (vpn: number): string => `0x${vpn.toString(16)}000`;

export function mkpte(kind: number, write: boolean, pfn: number): number {
  return pfn * 8 + (write ? PTE_WRITE : 0) + kind;
}
export const pteKind = (p: number): number => p & 3;
export const pteWrite = (p: number): boolean => (p & PTE_WRITE) !== 0;
export const ptePfn = (p: number): number => p >>> 3;

/** struct page flags kept per pfn. */
export const PG_USED = 1;
export const PG_LRU = 2;
export const PG_ANON = 4;
/** A huge page's head in use (PageHuge). */
export const PG_HUGETLB = 8;
/** PagePrivate on a huge page: its allocation consumed a reservation (restored if freed unmapped). */
export const PG_PRIVATE = 16;

/** The head pfn of the compound page holding pfn (itself for a small page). */
export const compoundHead = (pfn: number): number => (pfn >= HUGE_BASE && pfn < DEV_BASE ? pfn - ((pfn - HUGE_BASE) % HPAGE_NR) : pfn);

export const PROT_READ = 1;
export const PROT_WRITE = 2;
export const PROT_EXEC = 4;
export const PROT_NAMES: Readonly<Record<string, number>> = { none: 0, r: 1, rw: 3, rwx: 7 };

export function protName(p: number): string {
  return p === 0 ? 'none' : `${p & PROT_READ ? 'r' : '-'}${p & PROT_WRITE ? 'w' : '-'}${p & PROT_EXEC ? 'x' : '-'}`.replace(/-+$/, '');
}

/** What a hugetlbfs mapping adds to its VMA. */
export interface HugeVma {
  readonly file: string;
  /** The vpn file offset 0 is mapped at (vma_hugecache_offset = (vpn - base) / 512). */
  readonly base: number;
  /** The private reserve map this VMA owns (HPAGE_RESV_OWNER): an id in Hugetlb.privateMaps. */
  readonly resv?: number;
  /** HPAGE_RESV_UNMAPPED: the owner took a page back from this (child's) mapping. */
  readonly unmapped?: boolean;
}

export interface Vma {
  /** Page indexes [start, end). */
  readonly start: number;
  readonly end: number;
  readonly prot: number;
  readonly shared: boolean;
  readonly locked: boolean;
  readonly huge?: HugeVma;
}

function sameHuge(a: HugeVma | undefined, b: HugeVma | undefined): boolean {
  if (!a || !b) return a === b;
  return a.file === b.file && a.base === b.base && a.resv === b.resv && a.unmapped === b.unmapped;
}

export type DeviceType = 'private' | 'coherent' | 'host';

export interface Device {
  readonly name: string;
  readonly type: DeviceType;
  readonly base: number;
  readonly npages: number;
  /** Free pages, the next one to hand out on top (dmirror's free_pages list). */
  free: CowStack;
  failed: boolean;
}

export class Task {
  vmas: Vma[] = [];
  pt = new CowInts();
  rss = 0;
  /** mm->hugetlb_usage in base pages: huge pages are not rss. */
  hugetlbUsage = 0;
  constructor(readonly name: string) {}

  /** Replaces the parts of VMAs inside [start, end) by f(part) (undefined removes it); the parts outside stay. */
  splitVmas(start: number, end: number, f: (v: Vma) => Vma | undefined): void {
    const out: Vma[] = [];
    for (const v of this.vmas) {
      if (v.end <= start || v.start >= end) {
        out.push(v);
        continue;
      }
      if (v.start < start) out.push({ ...v, end: start });
      const mid = f({ ...v, start: Math.max(v.start, start), end: Math.min(v.end, end) });
      if (mid) out.push(mid);
      if (v.end > end) out.push({ ...v, start: end });
    }
    this.vmas = out;
    this.mergeVmas();
  }

  /** vma_merge: neighbours with the same flags become one VMA again. */
  mergeVmas(): void {
    this.vmas.sort((a, b) => a.start - b.start);
    const out: Vma[] = [];
    for (const v of this.vmas) {
      const prev = out[out.length - 1];
      if (prev && prev.end === v.start && prev.prot === v.prot && prev.shared === v.shared && prev.locked === v.locked && sameHuge(prev.huge, v.huge)) {
        out[out.length - 1] = { ...prev, end: v.end };
      } else out.push(v);
    }
    this.vmas = out;
  }

  findVma(vpn: number): Vma | undefined {
    // Few VMAs per task: a linear scan keeps it simple and ordered.
    for (const v of this.vmas) if (vpn >= v.start && vpn < v.end) return v;
    return undefined;
  }
}

interface TaskSnap {
  readonly name: string;
  readonly vmas: readonly Vma[];
  readonly pt: CowIntsSnapshot;
  readonly rss: number;
  readonly hugetlbUsage: number;
}

type DeviceSnap = Omit<Device, 'free'> & { readonly free: ReturnType<CowStack['snapshot']> };

interface MmSnapshot {
  readonly tasks: readonly TaskSnap[];
  readonly current: string;
  readonly devices: readonly DeviceSnap[];
  readonly refcount: CowIntsSnapshot;
  readonly mapcount: CowIntsSnapshot;
  readonly flags: CowIntsSnapshot;
  readonly word0: ReturnType<CowU64['snapshot']>;
  readonly values: ReturnType<CowMap<ReadonlyMap<number, bigint>>['snapshot']>;
  readonly sysFree: CowIntsSnapshot;
  readonly sysFreeLen: number;
  readonly sysNext: number;
  readonly devNext: number;
  readonly hugeFree: ReturnType<CowStack['snapshot']>;
  readonly hugeNext: number;
}

/**
 * Memory: physical pages (system and ZONE_DEVICE), dev_pagemaps, tasks with
 * VMAs and page tables. Roots: `task`, `page`, `dev`.
 */
export class Mm implements Subsystem {
  readonly name = 'mm';
  tasks = new Map<string, Task>([['init', new Task('init')]]);
  current = 'init';
  devices = new Map<string, Device>();
  refcount = new CowInts();
  mapcount = new CowInts();
  flags = new CowInts(true);
  /** The first u64 of every page (where scenarios read and write) in a flat chunked array... */
  word0 = new CowU64();
  /** ...and the other words of a page that were ever written, per pfn. */
  values = new CowMap<ReadonlyMap<number, bigint>>();
  sysFree = new CowInts();
  sysFreeLen = 0;
  sysNext = SYS_BASE;
  devNext = DEV_BASE;
  /** Huge page frames: the pool's counters say how many pages exist; frames exist only for pages in use. */
  hugeFree = new CowStack();
  hugeNext = HUGE_BASE;

  /** hugetlb mappings fault through the hstate pool and the inodes' maps. */
  constructor(readonly hugetlb: Hugetlb = new Hugetlb()) {
    // The zero page is reserved: one reference of its own, on no LRU list.
    this.refcount.set(ZERO_PFN, 1);
    this.flags.set(ZERO_PFN, PG_USED);
  }

  /** Physical memory by byte address (pfn << 12): the debugger's memory view of page[pfn]. */
  readonly memory: Readonly<Record<string, MemorySpace>> = {
    phys: {
      read: (addr, length) => {
        const out = new Uint8Array(length);
        for (let i = 0; i < length; ) {
          const a = addr + BigInt(i);
          const word = this.readVal(Number(a >> 12n), Number((a & 0xfffn) >> 3n));
          const off = Number(a & 7n);
          for (let b = off; b < 8 && i < length; b++, i++) out[i] = Number((word >> BigInt(8 * b)) & 0xffn);
        }
        return out;
      },
      write: (addr, bytes) => {
        for (let i = 0; i < bytes.length; ) {
          const a = addr + BigInt(i);
          const pfn = Number(a >> 12n);
          const slot = Number((a & 0xfffn) >> 3n);
          let word = this.readVal(pfn, slot);
          for (let b = Number(a & 7n); b < 8 && i < bytes.length; b++, i++) {
            const sh = BigInt(8 * b);
            word = (word & ~(0xffn << sh)) | (BigInt(bytes[i] as number) << sh);
          }
          this.writeVal(pfn, slot, word);
        }
      },
    },
  };

  /** Whether the scenario has used memory yet (the debugger shows the Memory scope first then). */
  active(): boolean {
    const init = this.tasks.get('init');
    return this.devices.size > 0 || this.tasks.size !== 1 || !init || init.vmas.length > 0 || this.sysNext > SYS_BASE || this.current !== 'init';
  }

  // ---- physical pages ------------------------------------------------------

  /** `devices` as an array, for the map it was made from: devices are only added or the map replaced (restore). */
  private deviceList: { of: ReadonlyMap<string, Device>; list: Device[] } = { of: new Map(), list: [] };

  deviceOf(pfn: number): Device | undefined {
    if (pfn < DEV_BASE) return undefined;
    let c = this.deviceList;
    if (c.of !== this.devices || c.list.length !== this.devices.size) c = this.deviceList = { of: this.devices, list: [...this.devices.values()] };
    const list = c.list;
    for (let i = 0; i < list.length; i++) {
      const d = list[i] as Device;
      if (pfn >= d.base && pfn < d.base + d.npages) return d;
    }
    return undefined;
  }

  /** alloc_page(): a system page with refcount 1, or undefined. */
  allocSys(): number {
    let pfn: number;
    if (this.sysFreeLen > 0) pfn = this.sysFree.get(--this.sysFreeLen);
    else {
      if (this.sysNext >= HUGE_BASE) throw new Error('out of simulated system memory');
      pfn = this.sysNext++;
    }
    this.refcount.set(pfn, 1);
    this.flags.set(pfn, PG_USED);
    return pfn;
  }

  /** A frame for a huge page leaving the pool's free list: refcount 1, its data zeroed. */
  allocHugeFrame(): number {
    let head = this.hugeFree.pop();
    if (head === undefined) {
      if (this.hugeNext + HPAGE_NR > DEV_BASE) throw new Error('out of simulated huge page frames');
      head = this.hugeNext;
      this.hugeNext += HPAGE_NR;
    }
    this.refcount.set(head, 1);
    this.mapcount.set(head, 0);
    this.flags.set(head, PG_USED | PG_HUGETLB);
    return head;
  }

  /** The frame of a huge page going back to the pool (or freed as surplus). */
  freeHugeFrame(head: number): void {
    this.flags.set(head, 0);
    for (let i = 0; i < HPAGE_NR; i++) this.clearVals(head + i);
    this.hugeFree.push(head);
  }

  /** dmirror_devmem_alloc_page(): a free device page, refcount 1 -> 2. */
  allocDev(d: Device): number | undefined {
    const pfn = d.free.pop();
    if (pfn === undefined) return undefined;
    this.refcount.set(pfn, 2);
    this.flags.set(pfn, PG_USED);
    return pfn;
  }

  /**
   * put_page() without a frame. Returns 'free' when a system page went back
   * to the allocator, 'page_free' when a ZONE_DEVICE page reached refcount 1.
   */
  putPage(pfn: number): 'free' | 'page_free' | undefined {
    const d = this.deviceOf(pfn);
    const r = this.refcount.add(pfn, -1);
    if (d) {
      if (r !== 1) return undefined;
      this.flags.set(pfn, 0);
      this.clearVals(pfn);
      d.free.push(pfn);
      return 'page_free';
    }
    if (r !== 0) return undefined;
    this.flags.set(pfn, 0);
    this.clearVals(pfn);
    this.sysFree.set(this.sysFreeLen++, pfn);
    return 'free';
  }

  readVal(pfn: number, slot: number): bigint {
    if (slot === 0) return this.word0.get(pfn);
    return this.values.get(pfn)?.get(slot) ?? 0n;
  }

  writeVal(pfn: number, slot: number, v: bigint): void {
    if (slot === 0) {
      this.word0.set(pfn, v);
      return;
    }
    const old = this.values.get(pfn);
    if (v === 0n && !old?.has(slot)) return;
    const n = new Map(old ?? []);
    if (v === 0n) n.delete(slot);
    else n.set(slot, v);
    this.values.set(pfn, n.size ? n : undefined);
  }

  copyVals(from: number, to: number): void {
    this.word0.set(to, this.word0.get(from));
    this.values.set(to, this.values.get(from));
  }

  clearVals(pfn: number): void {
    this.word0.set(pfn, 0n);
    this.values.set(pfn, undefined);
  }

  // ---- snapshots -----------------------------------------------------------

  snapshot(): { data: MmSnapshot; size: number } {
    const data: MmSnapshot = {
      tasks: [...this.tasks.values()].map((t) => ({ name: t.name, vmas: t.vmas.slice(), pt: t.pt.snapshot(), rss: t.rss, hugetlbUsage: t.hugetlbUsage })),
      current: this.current,
      devices: [...this.devices.values()].map((d) => ({ ...d, free: d.free.snapshot() })),
      refcount: this.refcount.snapshot(),
      mapcount: this.mapcount.snapshot(),
      flags: this.flags.snapshot(),
      word0: this.word0.snapshot(),
      values: this.values.snapshot(),
      sysFree: this.sysFree.snapshot(),
      sysFreeLen: this.sysFreeLen,
      sysNext: this.sysNext,
      devNext: this.devNext,
      hugeFree: this.hugeFree.snapshot(),
      hugeNext: this.hugeNext,
    };
    nextEpoch();
    return { data, size: 1 + this.tasks.size + this.devices.size };
  }

  restore(raw: unknown): void {
    const s = raw as MmSnapshot;
    nextEpoch();
    this.tasks = new Map(
      s.tasks.map((ts) => {
        const t = new Task(ts.name);
        t.vmas = ts.vmas.slice();
        t.pt = CowInts.restore(ts.pt);
        t.rss = ts.rss;
        t.hugetlbUsage = ts.hugetlbUsage;
        return [ts.name, t];
      }),
    );
    this.current = s.current;
    this.devices = new Map(s.devices.map((d) => [d.name, { ...d, free: CowStack.restore(d.free) }]));
    this.refcount = CowInts.restore(s.refcount);
    this.mapcount = CowInts.restore(s.mapcount);
    this.flags = CowInts.restore(s.flags);
    this.word0 = CowU64.restore(s.word0);
    this.values = CowMap.restore(s.values);
    this.sysFree = CowInts.restore(s.sysFree);
    this.sysFreeLen = s.sysFreeLen;
    this.sysNext = s.sysNext;
    this.devNext = s.devNext;
    this.hugeFree = CowStack.restore(s.hugeFree);
    this.hugeNext = s.hugeNext;
  }

  // ---- state tree ----------------------------------------------------------

  roots(): Readonly<Record<string, StateNode>> {
    const task = record(() => {
      const out: Record<string, StateNode> = {};
      for (const t of this.tasks.values()) out[t.name] = this.taskNode(t.name);
      return out;
    });
    const devCount = (): number => [...this.devices.values()].reduce((n, d) => n + d.npages, 0);
    const hugeCount = (): number => (this.hugeNext - HUGE_BASE) / HPAGE_NR;
    const pfnAt = (i: number): number => {
      const sys = this.sysNext - ZERO_PFN;
      if (i < sys) return ZERO_PFN + i;
      if (i < sys + hugeCount()) return HUGE_BASE + (i - sys) * HPAGE_NR;
      let k = i - sys - hugeCount();
      for (const d of this.devices.values()) {
        if (k < d.npages) return d.base + k;
        k -= d.npages;
      }
      return -1;
    };
    const page = list(
      () => this.sysNext - ZERO_PFN + hugeCount() + devCount(),
      (i) => this.pageNode(pfnAt(i)),
      {
        keyAt: (i) => BigInt(pfnAt(i)),
        lookup: (key) => {
          const pfn = Number(key);
          if (key < 0n || key >= BigInt(PFN_LIMIT)) return undefined;
          if ((pfn >= ZERO_PFN && pfn < this.sysNext) || (pfn >= HUGE_BASE && pfn < this.hugeNext) || this.deviceOf(pfn)) return this.pageNode(pfn);
          return undefined;
        },
        format: 'hex',
      },
    );
    const dev = record(() => {
      const out: Record<string, StateNode> = {};
      for (const d of this.devices.values()) out[d.name] = this.devNode(d.name);
      return out;
    });
    return { task, page, dev };
  }

  private devNode(name: string): StateNode {
    const d = (): Device => this.devices.get(name) as Device;
    return fixedRecord({
      type: leaf(() => new Sym(d().type)),
      pages: leaf(() => BigInt(d().npages)),
      free: leaf(() => BigInt(d().free.length)),
      used: leaf(() => BigInt(d().npages - d().free.length)),
      failed: leaf(() => d().failed),
      base_pfn: leaf(() => BigInt(d().base), { format: 'hex' }),
    });
  }

  private pageNode(pfn: number): StateNode {
    const d = (): Device | undefined => this.deviceOf(pfn);
    // A tail page of a huge page answers with its head's counts, as page_count() does.
    const head = compoundHead(pfn);
    return fixedRecord({
      zone: leaf(() => new Sym(d() ? 'DEVICE' : 'NORMAL')),
      pgmap: leaf(() => new Sym(d()?.type ?? 'none')),
      refcount: leaf(() => BigInt(this.refcount.get(head))),
      mapcount: leaf(() => BigInt(this.mapcount.get(head))),
      lru: leaf(() => (this.flags.get(head) & PG_LRU) !== 0),
      anon: leaf(() => (this.flags.get(head) & PG_ANON) !== 0),
      device: leaf(() => d()?.name ?? ''),
      hugetlb: leaf(() => (this.flags.get(head) & PG_HUGETLB) !== 0),
      compound_head: leaf(() => BigInt(head), { format: 'hex' }),
    }, { memory: { space: 'phys', base: BigInt(pfn) << 12n, size: PAGE_SIZE } });
  }

  /** The present (non-none) entries of a page table in address order, cached per table version. */
  private ptIndex = new WeakMap<CowInts, { version: number; vpns: Float64Array }>();

  presentVpns(t: Task): Float64Array {
    const c = this.ptIndex.get(t.pt);
    if (c && c.version === t.pt.version) return c.vpns;
    const vpns = t.pt.nonZeroIndexes();
    this.ptIndex.set(t.pt, { version: t.pt.version, vpns });
    return vpns;
  }

  private taskNode(name: string): StateNode {
    const t = (): Task => this.tasks.get(name) as Task;
    const pteNode = (vpn: number): StateNode =>
      fixedRecord({
        kind: leaf(() => new Sym(PTE_KIND_NAMES[pteKind(t().pt.get(vpn))] as string)),
        write: leaf(() => pteWrite(t().pt.get(vpn))),
        pfn: leaf(() => BigInt(ptePfn(t().pt.get(vpn))), { format: 'hex' }),
      });
    const pteValue = (vpn: number): Value => {
      const p = t().pt.get(vpn);
      return { addr: BigInt(vpn) << 12n, kind: new Sym(PTE_KIND_NAMES[pteKind(p)] as string), write: pteWrite(p), pfn: BigInt(ptePfn(p)) };
    };
    const pte = list(
      () => this.presentVpns(t()).length,
      (i) => pteNode(this.presentVpns(t())[i] as number),
      {
        keyAt: (i) => BigInt(this.presentVpns(t())[i] as number) << 12n,
        lookup: (key) => (key < 0n || key >= 1n << 57n ? undefined : pteNode(Number(key >> 12n))),
        all: () => Array.from(this.presentVpns(t()), pteValue),
        format: 'hex',
      },
    );
    const vma = list(
      () => t().vmas.length,
      (i) => valueNode(this.vmaValue(t().vmas[i] as Vma), 'hex'),
      { all: () => t().vmas.map((v) => this.vmaValue(v)) },
    );
    return fixedRecord({
      vma,
      pte,
      rss: leaf(() => BigInt(t().rss)),
      hugetlb_usage: leaf(() => BigInt(t().hugetlbUsage)),
      current: leaf(() => this.current === name),
    });
  }

  /** A VMA as a value; a hugetlb one also shows its file and, when it owns one, its private reserve map. */
  vmaValue(v: Vma): Value {
    const out: Record<string, Value> = {
      start: BigInt(v.start) << 12n,
      end: BigInt(v.end) << 12n,
      prot: new Sym(protName(v.prot)),
      shared: v.shared,
      anon: !v.huge,
      locked: v.locked,
    };
    if (v.huge) {
      out.hugetlb = v.huge.file;
      out.owner = v.huge.resv !== undefined;
      out.unmapped = v.huge.unmapped === true;
      const r = v.huge.resv === undefined ? undefined : this.hugetlb.privateMaps.get(v.huge.resv);
      if (r) out.resv = r.regions.toArray().map(([f, t]) => [BigInt(f), BigInt(t)]);
    }
    return out;
  }
}
