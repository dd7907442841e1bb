/** The mm/mlock.c function kstep runs: `mlock` locks the VMAs, then walks their pages. */
import type { KGen } from '../core/frames';
import { fnOf } from '../core/frames';
import type { Machine } from '../core/machine';
import { MLOCK_C } from './mlock_c';
import type { MmModel } from './model';
import { vpnHex as hex } from './page';
import type { LruWalk } from './pagewalk';
import { lruWalk } from './pagewalk';
import type { Task } from './task';

const MLOCK_PTE_RANGE = fnOf(MLOCK_C, 'mlock_pte_range');

export function* mlock_pte_range(m: Machine, mm: MmModel, t: Task, start: number, end: number, args: Record<string, string>): KGen<LruWalk> {
  const fr = m.enter(MLOCK_PTE_RANGE, { addr: hex(start), end: hex(end), ...args });
  yield fr.at('locked');
  t.splitVmas(start, end, (v) => ({ ...v, locked: true }));
  const r = lruWalk(mm, t, start, end);
  fr.locals.skipped = r.skipped;
  fr.locals.pages = r.pages;
  yield fr.at('done');
  m.leave(fr);
  return r;
}
