/** munlock(2) as mm/mlock.c of reference 003's era runs it: clear VM_LOCKED, then munlock_vma_pages_range walks with follow_page(FOLL_LRU). */
import { ENOMEM } from '../core/errno';
import type { KGen } from '../core/frames';
import { fnOf } from '../core/frames';
import type { Machine } from '../core/machine';
import { FOLL_DUMP, FOLL_GET, FOLL_LRU } from './foll';
import type { Followed } from './gup_follow';
import { follow_page_pte, ungrab } from './gup_follow';
import { MLOCK_C } from './mlock_c';
import type { MmModel } from './model';
import { vpnHex as hex, ZERO_PFN } from './page';
import { PTE_PRESENT, pteKind, ptePfn } from './pte';
import type { Task, Vma } from './task';
import { covered } from './task';

const SYS_MUNLOCK = fnOf(MLOCK_C, 'sys_munlock');
const MUNLOCK_VMA_PAGES_RANGE = fnOf(MLOCK_C, 'munlock_vma_pages_range');

export interface MunlockResult {
  ret: number;
  /** Pages follow_page returned and __munlock_pagevec took. */
  pages: number;
  /** Present pages follow_page refused (ERR_PTR: vm_normal_lru_page gave none, FOLL_DUMP), the zero page not counted. */
  skipped: number;
}

function* munlock_vma_pages_range(m: Machine, mm: MmModel, t: Task, vma: Vma, start: number, end: number, acc: MunlockResult): KGen {
  const fr = m.enter(MUNLOCK_VMA_PAGES_RANGE, { start: hex(start), end: hex(end) });
  for (let vpn = start; vpn < end; vpn++) {
    fr.locals.start = hex(vpn);
    const pte = t.pt.get(vpn);
    // An empty PTE costs no step: follow_page finds nothing there.
    if (pteKind(pte) !== PTE_PRESENT) continue;
    yield fr.at('follow');
    const r = (yield* follow_page_pte(m, mm, t, vma, vpn, FOLL_GET | FOLL_DUMP | FOLL_LRU)) as Followed;
    if (r && 'page' in r) {
      acc.pages++;
      yield fr.at('munlock');
      ungrab(mm, r.page, FOLL_GET);
    } else {
      if (ptePfn(pte) !== ZERO_PFN) acc.skipped++;
      yield fr.at('skip');
    }
  }
  fr.locals.pages = acc.pages;
  fr.locals.skipped = acc.skipped;
  yield fr.at('done');
  m.leave(fr);
}

export function* sys_munlock(m: Machine, mm: MmModel, t: Task, start: number, end: number): KGen<MunlockResult> {
  const fr = m.enter(SYS_MUNLOCK, { start: hex(start), len: (end - start) * 4096 });
  const acc: MunlockResult = { ret: 0, pages: 0, skipped: 0 };
  yield fr.at('apply');
  // mlock_fixup VMA by VMA from start until a hole: the VMAs before it are unlocked (and walked) all the same.
  const vmas = [...t.vmas].sort((a, b) => a.start - b.start);
  let at = start;
  for (const v of vmas) {
    if (v.end <= at) continue;
    if (v.start > at || at >= end) break;
    const to = Math.min(end, v.end);
    if (v.locked) {
      t.splitVmas(at, to, (x) => ({ ...x, locked: false }));
      yield* munlock_vma_pages_range(m, mm, t, v, at, to, acc);
    }
    at = to;
  }
  if (!covered(t, start, end)) acc.ret = -ENOMEM;
  fr.locals.ret = acc.ret;
  yield fr.at('done');
  return m.leave(fr, acc);
}
