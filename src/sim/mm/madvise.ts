/** The mm/madvise.c functions kstep runs: `madvise` with MADV_COLD / MADV_PAGEOUT or MADV_FREE. */
import { fnOf } from '../core/frames';
import type { KGen } from '../core/frames';
import type { Machine } from '../core/machine';
import { EINVAL, ENOMEM } from '../core/errno';
import { MADVISE_C } from './madvise_c';
import { zap_pte_range } from './memory';
import { vpnHex as hex } from './page';
import type { MmModel } from './model';
import type { LruWalk } from './pagewalk';
import { lruWalkFrame } from './pagewalk';
import type { Task } from './task';
import { covered, vmaIsAnonymous } from './task';

const MADVISE_COLD_OR_PAGEOUT_PTE_RANGE = fnOf(MADVISE_C, 'madvise_cold_or_pageout_pte_range');
const MADVISE_FREE_PTE_RANGE = fnOf(MADVISE_C, 'madvise_free_pte_range');

export function madvise_cold_or_pageout_pte_range(m: Machine, mm: MmModel, t: Task, start: number, end: number, args: Record<string, string>): KGen<LruWalk> {
  return lruWalkFrame(m, mm, t, MADVISE_COLD_OR_PAGEOUT_PTE_RANGE, start, end, args);
}

export function madvise_free_pte_range(m: Machine, mm: MmModel, t: Task, start: number, end: number, args: Record<string, string>): KGen<LruWalk> {
  return lruWalkFrame(m, mm, t, MADVISE_FREE_PTE_RANGE, start, end, args);
}

/**
 * madvise_walk_vmas for MADV_COLD / MADV_PAGEOUT / MADV_FREE: VMA by VMA in address order, up to the first
 * one the advice refuses with -EINVAL, which ends the walk there (can_madv_lru_vma: VM_LOCKED, VM_HUGETLB;
 * MADV_FREE also wants vma_is_anonymous). The pages before it are walked; a hole is -ENOMEM only when
 * nothing refused. Returns where the walk ends and what madvise returns.
 */
export function madviseLruStop(t: Task, start: number, end: number, advice: string): { end: number; ret: number } {
  const parts = t.vmas.filter((v) => v.end > start && v.start < end).sort((a, b) => a.start - b.start);
  for (const v of parts) {
    if (v.locked || v.huge || (advice === 'MADV_FREE' && !vmaIsAnonymous(v))) return { end: Math.max(start, v.start), ret: -EINVAL };
  }
  return { end, ret: covered(t, start, end) ? 0 : -ENOMEM };
}

// ---- MADV_DONTNEED ---------------------------------------------------------------------

const MADVISE_DONTNEED_FREE = fnOf(MADVISE_C, 'madvise_dontneed_free');

/**
 * madvise(MADV_DONTNEED) as madvise_walk_vmas runs it: VMA by VMA,
 * zap_page_range with no zap_details (device-private entries free their
 * device pages); a locked or hugetlb VMA stops the walk with -EINVAL, a hole
 * is -ENOMEM once the rest is done.
 */
export function* madvise_dontneed(m: Machine, mm: MmModel, t: Task, start: number, end: number): KGen<number> {
  const parts = t.vmas.filter((v) => v.end > start && v.start < end).sort((a, b) => a.start - b.start);
  for (const v of parts) {
    const s = Math.max(start, v.start);
    const e = Math.min(end, v.end);
    const fr = m.enter(MADVISE_DONTNEED_FREE, { start: hex(s), end: hex(e), behavior: 'MADV_DONTNEED' });
    if (v.locked || v.huge) {
      fr.locals.ret = -EINVAL;
      yield fr.at('einval');
      return m.leave(fr, -EINVAL);
    }
    yield fr.at('zap');
    yield* zap_pte_range(m, mm, t, s, e, undefined, 'MMU_NOTIFY_CLEAR');
    yield fr.at('done');
    m.leave(fr);
  }
  return covered(t, start, end) ? 0 : -ENOMEM;
}
