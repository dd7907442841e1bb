/** The fs/proc/task_mmu.c functions kstep runs: `numa_stats` (numa_maps), `pagemap` and `smaps`. */
import { fnOf } from '../core/frames';
import type { KGen } from '../core/frames';
import type { Machine } from '../core/machine';
import type { MmModel } from './model';
import type { LruWalk } from './pagewalk';
import { lruWalkFrame } from './pagewalk';
import { vm_normal_page } from './memory';
import { compoundHead, PAGE_SIZE, PG_ANON, vpnHex as hex } from './page';
import { PTE_DEVICE_EXCLUSIVE, PTE_DEVICE_PRIVATE, PTE_MIGRATION, PTE_PRESENT, pteKind, ptePfn, ptePreview, pteWrite } from './pte';
import { MAX_SWAPFILES_SHIFT, SWP_DEVICE_EXCLUSIVE_READ, SWP_DEVICE_EXCLUSIVE_WRITE, SWP_DEVICE_READ, SWP_DEVICE_WRITE, SWP_MIGRATION_READ, SWP_MIGRATION_WRITE } from './swap';
import type { Task, Vma } from './task';
import { TASK_MMU_C } from './task_mmu_c';

const GATHER_PTE_STATS = fnOf(TASK_MMU_C, 'gather_pte_stats');

export function gather_pte_stats(m: Machine, mm: MmModel, t: Task, start: number, end: number, args: Record<string, string>): KGen<LruWalk> {
  return lruWalkFrame(m, mm, t, GATHER_PTE_STATS, start, end, args);
}

// ---- /proc/<pid>/pagemap and smaps (reference 002's device-private entries) ----------

const PTE_TO_PAGEMAP_ENTRY = fnOf(TASK_MMU_C, 'pte_to_pagemap_entry');
const SMAPS_PTE_ENTRY = fnOf(TASK_MMU_C, 'smaps_pte_entry');

const PM_SOFT_DIRTY = 1n << 55n;
const PM_MMAP_EXCLUSIVE = 1n << 56n;
const PM_FILE = 1n << 61n;
const PM_SWAP = 1n << 62n;
const PM_PRESENT = 1n << 63n;
const PM_PFN_MASK = (1n << 55n) - 1n;

export interface PagemapEntry {
  readonly present: boolean;
  readonly swap: boolean;
  /** The PFN field: pte_pfn, or swp_type | swp_offset << MAX_SWAPFILES_SHIFT for a swap entry. */
  readonly pfn: bigint;
  readonly swapType: number;
  readonly swapOffset: number;
  readonly file: boolean;
  readonly exclusive: boolean;
  /** The u64 read from /proc/<pid>/pagemap (make_pme). */
  readonly entry: bigint;
}

/** swp_type of a non-present entry kstep keeps: device-private (reference 002), device-exclusive or migration; undefined for none. */
function swapTypeOf(pte: number): number | undefined {
  const k = pteKind(pte);
  if (k === PTE_DEVICE_PRIVATE) return pteWrite(pte) ? SWP_DEVICE_WRITE : SWP_DEVICE_READ;
  if (k === PTE_DEVICE_EXCLUSIVE) return pteWrite(pte) ? SWP_DEVICE_EXCLUSIVE_WRITE : SWP_DEVICE_EXCLUSIVE_READ;
  if (k === PTE_MIGRATION) return pteWrite(pte) ? SWP_MIGRATION_WRITE : SWP_MIGRATION_READ;
  return undefined;
}

/** One page's pagemap entry as a privileged reader (pm->show_pfn) gets it. Every mmap'ed VMA has VM_SOFTDIRTY: clear_refs never runs. */
export function* pte_to_pagemap_entry(m: Machine, mm: MmModel, t: Task, vpn: number): KGen<PagemapEntry> {
  const pte = t.pt.get(vpn);
  const fr = m.enter(PTE_TO_PAGEMAP_ENTRY, { addr: hex(vpn), pte: ptePreview(pte) });
  const vma = t.findVma(vpn);
  let frame = 0n;
  let flags = 0n;
  let page = 0;
  let swapType = 0;
  let swapOffset = 0;
  const type = swapTypeOf(pte);
  if (pteKind(pte) === PTE_PRESENT) {
    frame = BigInt(ptePfn(pte));
    flags |= PM_PRESENT;
    yield fr.at('present');
    page = vma?.huge ? compoundHead(ptePfn(pte)) : ((yield vm_normal_page(m, mm, pte, false)) as number);
  } else if (type !== undefined) {
    swapType = type;
    swapOffset = ptePfn(pte);
    frame = BigInt(swapType) | (BigInt(swapOffset) << BigInt(MAX_SWAPFILES_SHIFT));
    flags |= PM_SWAP;
    yield fr.at('swap');
    page = swapOffset;
    if (pteKind(pte) === PTE_DEVICE_PRIVATE) yield fr.at('device_private');
    if (pteKind(pte) === PTE_DEVICE_EXCLUSIVE) yield fr.at('device_exclusive');
  }
  // kstep keeps no PG_ANON on huge pages: a private hugetlb page is anonymous (hugepage_add_new_anon_rmap), a shared one is not
  const file = page !== 0 && (vma?.huge ? vma.shared : !(mm.flags.get(page) & PG_ANON));
  const exclusive = page !== 0 && mm.mapcount.get(page) === 1;
  if (file) flags |= PM_FILE;
  if (exclusive) flags |= PM_MMAP_EXCLUSIVE;
  if (vma) flags |= PM_SOFT_DIRTY;
  const entry = (frame & PM_PFN_MASK) | flags;
  fr.locals.pme = `0x${entry.toString(16)}`;
  yield fr.at('out');
  return m.leave(fr, { present: (flags & PM_PRESENT) !== 0n, swap: (flags & PM_SWAP) !== 0n, pfn: frame, swapType, swapOffset, file, exclusive, entry });
}

/** struct mem_size_stats, in bytes. */
export interface Smaps {
  rss: number;
  swap: number;
  anonymous: number;
  shared: number;
  private: number;
}

/** smap_gather_stats over one VMA: smaps_pte_entry on each entry (hugetlb VMAs count in *_Hugetlb, not here). */
export function* smap_gather_stats(m: Machine, mm: MmModel, t: Task, vma: Vma): KGen<Smaps> {
  const mss: Smaps = { rss: 0, swap: 0, anonymous: 0, shared: 0, private: 0 };
  if (vma.huge) return mss;
  const vpns: number[] = [];
  t.pt.forEach(vma.start, vma.end, (i) => vpns.push(i));
  for (const vpn of vpns) {
    const pte = t.pt.get(vpn);
    const fr = m.enter(SMAPS_PTE_ENTRY, { addr: hex(vpn), pte });
    let page = 0;
    const kind = pteKind(pte);
    if (kind === PTE_PRESENT) {
      yield fr.at('present');
      page = (yield vm_normal_page(m, mm, pte, false)) as number;
    } else if (kind === PTE_MIGRATION) {
      page = ptePfn(pte);
      yield fr.at('migration');
    } else if (kind === PTE_DEVICE_PRIVATE) {
      page = ptePfn(pte);
      yield fr.at('device_private');
    } else if (kind === PTE_DEVICE_EXCLUSIVE) {
      page = ptePfn(pte);
      yield fr.at('device_exclusive');
    }
    if (!page) {
      yield fr.at('no_page');
      m.leave(fr);
      continue;
    }
    if (mm.flags.get(page) & PG_ANON) mss.anonymous += PAGE_SIZE;
    mss.rss += PAGE_SIZE;
    if (mm.refcount.get(page) === 1 || kind === PTE_MIGRATION || mm.mapcount.get(page) < 2) mss.private += PAGE_SIZE;
    else mss.shared += PAGE_SIZE;
    fr.locals.rss = mss.rss;
    yield fr.at('account');
    m.leave(fr);
  }
  return mss;
}
