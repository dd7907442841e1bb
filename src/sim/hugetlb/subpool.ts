/**
 * struct hugepage_subpool and its accounting (mm/hugetlb.c): a hugetlbfs
 * mount's limit (max_hpages, counted in used_hpages) and its minimum
 * (min_hpages, of which rsv_hpages are still reserved in the global pool on
 * the subpool's behalf). -1 means "no limit" / "no minimum", as in the kernel.
 */
import { ENOMEM } from '../core/errno';
import type { Frame, KGen } from '../core/frames';
import { fnOf } from '../core/frames';
import type { Machine } from '../core/machine';
import { HUGETLB_SUBPOOL_C } from './hugetlb_subpool_c';

export interface Subpool {
  /** The mount's name. */
  readonly name: string;
  readonly maxHpages: number;
  usedHpages: number;
  readonly minHpages: number;
  rsvHpages: number;
}

/** The function's return: `ret` shown as a local at its return line, then the frame left. */
function* leaveWith(m: Machine, fr: Frame, ret: number, label: string): KGen<number> {
  fr.locals.ret = ret;
  yield fr.at(label);
  return m.leave(fr, ret);
}

const GET_PAGES = fnOf(HUGETLB_SUBPOOL_C, 'hugepage_subpool_get_pages');
const PUT_PAGES = fnOf(HUGETLB_SUBPOOL_C, 'hugepage_subpool_put_pages');

/** hugepage_subpool_get_pages: -ENOMEM over the limit, else the pages the global pool must reserve (delta less what min_size already holds). */
export function* hugepage_subpool_get_pages(m: Machine, spool: Subpool | undefined, delta: number): KGen<number> {
  const fr = m.enter(GET_PAGES, { spool: spool?.name ?? 'NULL', delta });
  if (!spool) return yield* leaveWith(m, fr, delta, 'no_spool');
  let ret = delta;
  if (spool.maxHpages !== -1) {
    if (spool.usedHpages + delta > spool.maxHpages) return yield* leaveWith(m, fr, -ENOMEM, 'enomem');
    spool.usedHpages += delta;
    yield fr.at('used');
  }
  if (spool.minHpages !== -1 && spool.rsvHpages) {
    if (delta > spool.rsvHpages) {
      ret = delta - spool.rsvHpages;
      spool.rsvHpages = 0;
    } else {
      ret = 0;
      spool.rsvHpages -= delta;
    }
    yield fr.at('rsv');
  }
  return yield* leaveWith(m, fr, ret, 'return');
}

/** hugepage_subpool_put_pages: the global reservations to drop (fewer while the subpool is under its minimum). */
export function* hugepage_subpool_put_pages(m: Machine, spool: Subpool | undefined, delta: number): KGen<number> {
  const fr = m.enter(PUT_PAGES, { spool: spool?.name ?? 'NULL', delta });
  if (!spool) return yield* leaveWith(m, fr, delta, 'no_spool');
  let ret = delta;
  if (spool.maxHpages !== -1) {
    spool.usedHpages -= delta;
    yield fr.at('used');
  }
  if (spool.minHpages !== -1 && spool.usedHpages < spool.minHpages) {
    ret = spool.rsvHpages + delta <= spool.minHpages ? 0 : spool.rsvHpages + delta - spool.minHpages;
    spool.rsvHpages = Math.min(spool.rsvHpages + delta, spool.minHpages);
    yield fr.at('rsv');
  }
  return yield* leaveWith(m, fr, ret, 'return');
}
