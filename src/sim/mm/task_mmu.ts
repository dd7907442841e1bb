/** The fs/proc/task_mmu.c function kstep runs: `numa_stats` reads /proc/<pid>/numa_maps. */
import { fnOf } from '../core/frames';
import type { KGen } from '../core/frames';
import type { Machine } from '../core/machine';
import type { MmModel } from './model';
import type { LruWalk } from './pagewalk';
import { lruWalkFrame } from './pagewalk';
import type { Task } from './task';
import { TASK_MMU_C } from './task_mmu_c';

const GATHER_PTE_STATS = fnOf(TASK_MMU_C, 'gather_pte_stats');

export function gather_pte_stats(m: Machine, mm: MmModel, t: Task, start: number, end: number, args: Record<string, string>): KGen<LruWalk> {
  return lruWalkFrame(m, mm, t, GATHER_PTE_STATS, start, end, args);
}
