/**
 * `follow_page` on a devmap (fsdax) PTE: follow_page_mask → follow_page_pte,
 * where reference 003's vm_normal_any_page no longer excuses pte_devmap and
 * the devmap branch hands the page out under FOLL_GET or FOLL_PIN.
 */
import type { Frame, KGen } from '../core/frames';
import type { Machine } from '../core/machine';
import type { Followed } from './gup_follow';
import { FOLL_PIN } from './foll';
import { follow_page_pte, ungrab } from './gup_follow';
import type { MmModel } from './model';
import type { Task, Vma } from './task';

/** Ends the caller's follow_page frame `fr`; the page's reference goes again at once, as the statement keeps none (put_dev_pagemap, put_page). */
export function* followDevmap(m: Machine, mm: MmModel, t: Task, vma: Vma, vpn: number, flags: bigint, fr: Frame): KGen<number> {
  let page = 0;
  // follow_page: "if (foll_flags & FOLL_PIN) return NULL;" before any lookup
  if (!(flags & FOLL_PIN)) {
    yield fr.at('any');
    const r = (yield* follow_page_pte(m, mm, t, vma, vpn, flags)) as Followed;
    if (r && 'page' in r) {
      page = r.page;
      ungrab(mm, page, flags);
    }
  }
  fr.locals.page = page || 'NULL';
  yield fr.at('out');
  return m.leave(fr, page);
}
