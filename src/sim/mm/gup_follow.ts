/**
 * follow_page_pte of mm/gup.c as reference 003 leaves it, every branch a
 * step point: the LRU-only lookup, the devmap branch that hands out an fsdax
 * page under FOLL_GET/FOLL_PIN although vm_normal_*_page gave none (the
 * riskiest change of that patch), FOLL_DUMP's -EFAULT and no_page_table.
 * Callers that need the whole answer (move_pages, munlock, __get_user_pages
 * of gup) call it directly; `follow_page` comes here for devmap PTEs.
 */
import { EEXIST, EFAULT, EINVAL } from '../core/errno';
import type { KGen } from '../core/frames';
import { fnOf } from '../core/frames';
import type { Machine } from '../core/machine';
import { FOLL_DUMP, FOLL_GET, FOLL_LRU, FOLL_MLOCK, FOLL_PIN, FOLL_WRITE } from './foll';
import { GUP_C } from './gup_c';
import { vm_normal_page } from './memory';
import type { MmModel } from './model';
import { compoundHead, DEV_BASE, GUP_PIN_COUNTING_BIAS, HUGE_BASE, vpnHex as hex, ZERO_PFN } from './page';
import { PTE_NONE, PTE_PRESENT, pteKind, ptePfn, pteWrite } from './pte';
import { pte_devmap } from './pte_devmap';
import type { Task, Vma } from './task';
import { vmaIsAnonymous } from './task';

const FOLLOW_PAGE_PTE = fnOf(GUP_C, 'follow_page_pte');
const TRY_GRAB_PAGE = fnOf(GUP_C, 'try_grab_page');

const flagsText = (f: bigint): string => `0x${f.toString(16)}`;

/** Whether a compound (huge) page: FOLL_PIN counts it in compound_pincount, not with the bias. */
export const isLarge = (pfn: number): boolean => pfn >= HUGE_BASE && pfn < DEV_BASE;

/** try_grab_page: one reference for FOLL_GET, GUP_PIN_COUNTING_BIAS (small page) or one (compound) for FOLL_PIN. */
export function* try_grab_page(m: Machine, mm: MmModel, pfn: number, flags: bigint): KGen {
  const head = compoundHead(pfn);
  const fr = m.enter(TRY_GRAB_PAGE, { page: pfn, flags: flagsText(flags) });
  if (flags & FOLL_GET) {
    mm.refcount.add(head, 1);
    fr.locals.refcount = mm.refcount.get(head);
    yield fr.at('get');
  } else if (flags & FOLL_PIN) {
    mm.refcount.add(head, isLarge(pfn) ? 1 : GUP_PIN_COUNTING_BIAS);
    fr.locals.refcount = mm.refcount.get(head);
    yield fr.at('pin');
  }
  m.leave(fr);
}

/** A page (with the reference try_grab_page took under FOLL_GET/FOLL_PIN), NULL, or an ERR_PTR. */
export type Followed = { readonly page: number } | { readonly err: number } | null;

export function* follow_page_pte(m: Machine, mm: MmModel, t: Task, vma: Vma, vpn: number, flags: bigint): KGen<Followed> {
  const fr = m.enter(FOLLOW_PAGE_PTE, { address: hex(vpn), flags: `0x${flags.toString(16)}` });
  const done = function* (out: Followed, label: string): KGen<Followed> {
    fr.locals.page = out === null ? 'NULL' : 'err' in out ? `ERR_PTR(${out.err})` : out.page;
    yield fr.at(label);
    return m.leave(fr, out);
  };
  if ((flags & (FOLL_PIN | FOLL_GET)) === (FOLL_PIN | FOLL_GET)) return yield* done({ err: -EINVAL }, 'einval');
  const pte = t.pt.get(vpn);
  fr.locals.pte = pte;
  yield fr.at('pte');
  if (pteKind(pte) !== PTE_PRESENT) {
    yield fr.at('not_present');
    if (pteKind(pte) !== PTE_NONE) return yield* done(null, 'null');
    if (flags & FOLL_DUMP && vmaIsAnonymous(vma)) return yield* done({ err: -EFAULT }, 'no_page_table');
    return yield* done(null, 'none');
  }
  if (flags & FOLL_WRITE && !pteWrite(pte)) return yield* done(null, 'no_write');
  const lru = (flags & (FOLL_MLOCK | FOLL_LRU)) !== 0n;
  yield fr.at(lru ? 'lru' : 'any');
  let page = (yield vm_normal_page(m, mm, pte, lru)) as number;
  if (!page && pte_devmap(mm, pte) && flags & (FOLL_GET | FOLL_PIN)) {
    // get_dev_pagemap: the pfn's dev_pagemap is live as long as its device exists
    yield fr.at('devmap');
    page = ptePfn(pte);
    yield fr.at('devmap_page');
  } else if (!page) {
    if (flags & FOLL_DUMP) return yield* done({ err: -EFAULT }, 'dump');
    if (ptePfn(pte) === ZERO_PFN) {
      page = ZERO_PFN;
      yield fr.at('zero');
    } else return yield* done({ err: flags & FOLL_GET ? -EFAULT : -EEXIST }, 'pfn'); // follow_pfn_pte
  }
  yield try_grab_page(m, mm, page, flags);
  fr.locals.refcount = mm.refcount.get(compoundHead(page));
  yield fr.at('grab');
  return yield* done({ page }, 'out');
}

/** The reference try_grab_page took, dropped again (put_page / unpin_user_page) without a frame: the callers show their own put. */
export function ungrab(mm: MmModel, page: number, flags: bigint): void {
  const head = compoundHead(page);
  if (flags & FOLL_GET) mm.refcount.add(head, -1);
  else if (flags & FOLL_PIN) mm.refcount.add(head, isLarge(page) ? -1 : -GUP_PIN_COUNTING_BIAS);
}
