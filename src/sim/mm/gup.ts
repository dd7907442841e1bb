/** The mm/gup.c function kstep runs: follow_page, the `follow_page` statement and KSM's way to a page. */
import type { KGen } from '../core/frames';
import { fnOf } from '../core/frames';
import type { Machine } from '../core/machine';
import { GUP_C } from './gup_c';
import { vm_normal_page } from './memory';
import type { MmModel } from './model';
import { vpnHex as hex, ZERO_PFN } from './page';
import { PTE_PRESENT, pteKind, ptePfn } from './pte';
import type { Task } from './task';

export const FOLL_GET = 0x04n;
export const FOLL_DUMP = 0x08n;
export const FOLL_MLOCK = 0x1000n;
export const FOLL_LRU = 0x100000n;

const FOLLOW_PAGE = fnOf(GUP_C, 'follow_page');

export function* follow_page(m: Machine, mm: MmModel, t: Task, vpn: number, flags: bigint): KGen<number> {
  const fr = m.enter(FOLLOW_PAGE, { address: hex(vpn), foll_flags: `0x${flags.toString(16)}` });
  yield fr.at('vma');
  const vma = t.findVma(vpn);
  const pte = t.pt.get(vpn);
  if (!vma || pteKind(pte) !== PTE_PRESENT) {
    yield fr.at('no_page');
    m.leave(fr);
    return 0;
  }
  const lru = (flags & (FOLL_MLOCK | FOLL_LRU)) !== 0n;
  yield fr.at(lru ? 'lru' : 'any');
  let page = (yield vm_normal_page(m, mm, pte, lru)) as number;
  // follow_page_pte: no normal page but the zero page: return it, unless FOLL_DUMP
  if (!page && ptePfn(pte) === ZERO_PFN && !(flags & FOLL_DUMP)) page = ZERO_PFN;
  fr.locals.page = page || 'NULL';
  yield fr.at('out');
  m.leave(fr);
  return page;
}
