/**
 * walk_page_range as the LRU walkers (madvise, mlock, numa_maps) use it:
 * VMA by VMA, calling vm_normal_lru_page on present entries. Frameless, so
 * a walk over many entries costs no step point per PTE.
 */
import type { KernelFn, KGen } from '../core/frames';
import type { Machine } from '../core/machine';
import { normalPage } from './memory';
import type { MmModel } from './model';
import { vpnHex as hex, ZERO_PFN } from './page';
import { PTE_PRESENT, pteKind, ptePfn } from './pte';
import type { Task } from './task';

/** What a walk saw: pages vm_normal_lru_page refused (not on an LRU) and pages it returned. */
export interface LruWalk {
  skipped: number;
  pages: number;
}

/** One walk of [start, end) calling vm_normal_lru_page on present entries; returns pages refused as not LRU. */
export function lruWalk(mm: MmModel, t: Task, start: number, end: number, visit?: (pfn: number) => void): LruWalk {
  let skipped = 0;
  let pages = 0;
  const each = (_vpn: number, pte: number): void => {
    if (pteKind(pte) !== PTE_PRESENT || ptePfn(pte) === ZERO_PFN) return;
    const p = normalPage(mm, pte, true);
    if (!p) skipped++;
    else {
      pages++;
      visit?.(p);
    }
  };
  // VMA by VMA, as walk_page_range goes: the pte-level walkers do not see hugetlb VMAs (their pages are never on an LRU).
  for (const v of t.vmas) if (!v.huge && v.end > start && v.start < end) t.pt.forEach(Math.max(start, v.start), Math.min(end, v.end), each);
  return { skipped, pages };
}

/** The frame of a pte_range walker whose listing has `walk` and `done`: the walk between the two. */
export function* lruWalkFrame(m: Machine, mm: MmModel, t: Task, fn: KernelFn, start: number, end: number, args: Record<string, string>): KGen<LruWalk> {
  const fr = m.enter(fn, { addr: hex(start), end: hex(end), ...args });
  yield fr.at('walk');
  const r = lruWalk(mm, t, start, end);
  fr.locals.skipped = r.skipped;
  fr.locals.pages = r.pages;
  yield fr.at('done');
  return m.leave(fr, r);
}
