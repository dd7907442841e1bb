/**
 * The memory model the kernel functions change: physical pages (system, huge
 * and ZONE_DEVICE) with their counts, flags and contents, the dev_pagemaps,
 * and the tasks. Its state-tree view is state_view.ts; subsystem.ts joins
 * the two for the machine.
 */
import type { CowIntsSnapshot } from './cow';
import { CowInts, CowMap, CowStack, CowU64, nextEpoch } from './cow';
import { Hugetlb } from '../hugetlb/subsystem';
import { DEV_BASE, HPAGE_NR, HUGE_BASE, PG_HUGETLB, PG_USED, SYS_BASE, ZERO_PFN } from './page';
import type { Vma } from './task';
import { Task } from './task';
import type { PageCacheSnapshot } from './pagecache';
import { PageCache } from './pagecache';

export type DeviceType = 'private' | 'coherent' | 'host';

export interface Device {
  readonly name: string;
  readonly type: DeviceType;
  readonly base: number;
  readonly npages: number;
  /** Free pages, the next one to hand out on top (dmirror's free_pages list). */
  free: CowStack;
  failed: boolean;
  /** The mirror's entries tagged DPT_XA_TAG_ATOMIC (dmirror_atomic_map), as `task:vpn`; replaced, never changed in place. */
  atomic?: ReadonlySet<string>;
}

/** A page reference a `gup` statement holds until `unpin`: FOLL_PIN (GUP_PIN_COUNTING_BIAS) or FOLL_GET (one). */
export interface Held {
  readonly task: string;
  readonly vpn: number;
  readonly pfn: number;
  readonly pin: boolean;
}

interface TaskSnap {
  readonly name: string;
  readonly vmas: readonly Vma[];
  readonly pt: CowIntsSnapshot;
  readonly rss: number;
  readonly hugetlbUsage: number;
  readonly hasPinned?: boolean;
}

type DeviceSnap = Omit<Device, 'free'> & { readonly free: ReturnType<CowStack['snapshot']> };

export interface MmSnapshot {
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
  readonly cache: PageCacheSnapshot;
  readonly held: readonly Held[];
}

export class MmModel {
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
  /** Page-cache files (`file <name>`) and the mapping of their pages. */
  cache = new PageCache();
  /** References taken by `gup` and not yet released by `unpin`, oldest first; replaced, never changed in place. */
  held: readonly Held[] = [];

  /** hugetlb mappings fault through the hstate pool and the inodes' maps. */
  constructor(readonly hugetlb: Hugetlb = new Hugetlb()) {
    // The zero page is reserved: one reference of its own, on no LRU list.
    this.refcount.set(ZERO_PFN, 1);
    this.flags.set(ZERO_PFN, PG_USED);
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
      // fsdax (MEMORY_DEVICE_HOST): at refcount 1 free_devmap_managed_page only wakes a waiter; the page never left the device
      if (r !== 1 || d.type === 'host') return undefined;
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
      tasks: [...this.tasks.values()].map((t) => ({ name: t.name, vmas: t.vmas.slice(), pt: t.pt.snapshot(), rss: t.rss, hugetlbUsage: t.hugetlbUsage, hasPinned: t.hasPinned })),
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
      cache: this.cache.snapshot(),
      held: this.held,
    };
    nextEpoch();
    return { data, size: 1 + this.tasks.size + this.devices.size + this.cache.files.size };
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
        t.hasPinned = ts.hasPinned === true;
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
    this.cache.restore(s.cache);
    this.held = s.held;
  }
}
