/** The mm/mlock.c function kstep runs: `mlock` locks the VMAs, then faults the range in and mlocks its LRU pages. */
import { EAGAIN, EFAULT, ENOMEM } from '../core/errno';
import type { KGen } from '../core/frames';
import { fnOf } from '../core/frames';
import type { Machine } from '../core/machine';
import type { Mlocked } from './gup';
import { __mm_populate } from './gup';
import { MLOCK_C } from './mlock_c';
import type { MmModel } from './model';
import { vpnHex as hex } from './page';
import type { Task } from './task';

const DO_MLOCK = fnOf(MLOCK_C, 'do_mlock');

/**
 * apply_vma_lock_flags: VM_LOCKED on each VMA from start on, in order, until
 * the range is covered (0) or a hole stops it (-ENOMEM; the VMAs before the
 * hole stay locked). mlock_fixup leaves hugetlb and dax VMAs without VM_LOCKED.
 */
function applyVmaLockFlags(t: Task, start: number, end: number): number {
  const vmas = [...t.vmas].sort((a, b) => a.start - b.start);
  let at = start;
  for (const v of vmas) {
    if (v.end <= at) continue;
    if (v.start > at) return -ENOMEM;
    const to = Math.min(end, v.end);
    if (!v.huge && !v.dax && !v.locked) t.splitVmas(at, to, (x) => ({ ...x, locked: true }));
    at = to;
    if (at >= end) return 0;
  }
  return -ENOMEM;
}

export interface MlockResult extends Mlocked {
  ret: number;
}

export function* do_mlock(m: Machine, mm: MmModel, t: Task, start: number, end: number): KGen<MlockResult> {
  const fr = m.enter(DO_MLOCK, { start: hex(start), len: (end - start) * 4096 });
  const acc: MlockResult = { ret: 0, skipped: 0, pages: 0 };
  yield fr.at('apply');
  const error = applyVmaLockFlags(t, start, end);
  if (error) {
    acc.ret = fr.locals.error = error;
    yield fr.at('enomem');
    return m.leave(fr, acc);
  }
  yield fr.at('populate');
  const r = (yield __mm_populate(m, mm, t, start, end, acc)) as number;
  if (r) {
    // __mlock_posix_error_return
    acc.ret = fr.locals.error = r === -EFAULT ? -ENOMEM : r === -ENOMEM ? -EAGAIN : r;
    yield fr.at('error');
  }
  fr.locals.skipped = acc.skipped;
  fr.locals.pages = acc.pages;
  yield fr.at('done');
  return m.leave(fr, acc);
}
