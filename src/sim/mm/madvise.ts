/** The mm/madvise.c functions kstep runs: `madvise` with MADV_COLD / MADV_PAGEOUT or MADV_FREE. */
import { fnOf } from '../core/frames';
import type { KGen } from '../core/frames';
import type { Machine } from '../core/machine';
import { MADVISE_C } from './madvise_c';
import type { MmModel } from './model';
import type { LruWalk } from './pagewalk';
import { lruWalkFrame } from './pagewalk';
import type { Task } from './task';

const MADVISE_COLD_OR_PAGEOUT_PTE_RANGE = fnOf(MADVISE_C, 'madvise_cold_or_pageout_pte_range');
const MADVISE_FREE_PTE_RANGE = fnOf(MADVISE_C, 'madvise_free_pte_range');

export function madvise_cold_or_pageout_pte_range(m: Machine, mm: MmModel, t: Task, start: number, end: number, args: Record<string, string>): KGen<LruWalk> {
  return lruWalkFrame(m, mm, t, MADVISE_COLD_OR_PAGEOUT_PTE_RANGE, start, end, args);
}

export function madvise_free_pte_range(m: Machine, mm: MmModel, t: Task, start: number, end: number, args: Record<string, string>): KGen<LruWalk> {
  return lruWalkFrame(m, mm, t, MADVISE_FREE_PTE_RANGE, start, end, args);
}
