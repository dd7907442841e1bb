/**
 * ftruncate() of a hugetlbfs file (hugetlb_vmtruncate): every mapping loses
 * the pages past the new size, the page cache drops them back to the pool, and
 * hugetlb_unreserve_pages returns the reservations no page consumed. A hole
 * punch (hugetlbfs_inode.ts) goes through the same functions over a range.
 */
import type { KGen } from '../core/frames';
import { fnOf } from '../core/frames';
import type { Machine } from '../core/machine';
import { hugetlb_acct_memory } from '../hugetlb/pool_ops';
import { region_del } from '../hugetlb/region_ops';
import { hugepage_subpool_get_pages, hugepage_subpool_put_pages } from '../hugetlb/subpool';
import { HUGETLB_FAULT_C } from './hugetlb_fault_c';
import { put_huge_page } from './hugetlb_page';
import { __unmap_hugepage_range } from './hugetlb_walk';
import type { MmModel } from './model';
import { HPAGE_NR, PG_PRIVATE, vpnHex as hex } from './page';

const HUGETLB_VMTRUNCATE = fnOf(HUGETLB_FAULT_C, 'hugetlb_vmtruncate');
const HUGETLB_VMDELETE_LIST = fnOf(HUGETLB_FAULT_C, 'hugetlb_vmdelete_list');
const REMOVE_INODE_HUGEPAGES = fnOf(HUGETLB_FAULT_C, 'remove_inode_hugepages');
const HUGETLB_UNRESERVE_PAGES = fnOf(HUGETLB_FAULT_C, 'hugetlb_unreserve_pages');
const HUGETLB_FIX_RESERVE_COUNTS = fnOf(HUGETLB_FAULT_C, 'hugetlb_fix_reserve_counts');

/** `size` and the offsets are in huge pages. */
export function* hugetlb_vmtruncate(m: Machine, mm: MmModel, file: string, size: number): KGen {
  const fr = m.enter(HUGETLB_VMTRUNCATE, { inode: file, offset: `0x${(BigInt(size) << 21n).toString(16)}` });
  mm.hugetlb.inode(file).size = size;
  yield fr.at('i_size');
  yield fr.at('vmdelete');
  yield* hugetlb_vmdelete_list(m, mm, file, size, 0);
  yield fr.at('remove');
  yield* remove_inode_hugepages(m, mm, file, size, undefined);
  m.leave(fr);
}

/** Unmap file pages [start, end) (huge page indexes; end 0: to the end) from every VMA mapping them, shared or private. */
export function* hugetlb_vmdelete_list(m: Machine, mm: MmModel, file: string, start: number, end: number): KGen {
  const fr = m.enter(HUGETLB_VMDELETE_LIST, { start, end });
  for (const t of mm.tasks.values()) {
    for (const v of t.vmas.slice()) {
      if (v.huge?.file !== file) continue;
      const from = Math.max(v.start, v.huge.base + start * HPAGE_NR);
      const to = end ? Math.min(v.end, v.huge.base + end * HPAGE_NR) : v.end;
      if (from >= to) continue;
      fr.locals.vma = `${t.name} [${hex(v.start)}, ${hex(v.end)})`;
      yield fr.at('unmap');
      yield* __unmap_hugepage_range(m, mm, t, v, from, to);
    }
  }
  m.leave(fr);
}

/**
 * Drop the page cache's pages of [start, end) (end undefined: truncation to
 * the end). A truncation frees the pages, then gives back every reservation
 * past start at once; a hole punch gives back each page's reservation as it
 * goes (hugetlb_unreserve_pages of that one page, hugetlb_fix_reserve_counts
 * if its region_del fails) and leaves the reservations of pages never
 * faulted in.
 */
export function* remove_inode_hugepages(m: Machine, mm: MmModel, file: string, start: number, end: number | undefined): KGen {
  const truncateOp = end === undefined;
  const fr = m.enter(REMOVE_INODE_HUGEPAGES, { inode: file, start, end: truncateOp ? 'LLONG_MAX' : end, truncate_op: truncateOp });
  const cache = mm.hugetlb.inode(file).cache;
  let freed = 0;
  const inRange = [...cache].filter(([i]) => i >= start && (truncateOp || i < end)).sort((a, b) => a[0] - b[0]);
  for (const [idx, page] of inRange) {
    m.bugOn((mm.flags.get(page) & PG_PRIVATE) !== 0, 'PagePrivate(page)');
    cache.delete(idx);
    fr.locals.index = idx;
    fr.locals.page = page;
    fr.locals.freed = ++freed;
    yield fr.at('remove_page');
    if (!truncateOp) {
      yield fr.at('unreserve_page');
      if (yield* hugetlb_unreserve_pages(m, mm, file, idx, idx + 1, 1)) yield* hugetlb_fix_reserve_counts(m, mm, file);
    }
    // The page cache's reference (for a hole punch, the lookup's, released after the unreserve).
    yield* put_huge_page(m, mm, page);
  }
  if (truncateOp) {
    yield fr.at('unreserve');
    yield* hugetlb_unreserve_pages(m, mm, file, start, Number.MAX_SAFE_INTEGER, freed);
  }
  m.leave(fr);
}

function* hugetlb_unreserve_pages(m: Machine, mm: MmModel, file: string, start: number, end: number, freed: number): KGen<number> {
  const fr = m.enter(HUGETLB_UNRESERVE_PAGES, { inode: file, start, end: end === Number.MAX_SAFE_INTEGER ? 'LONG_MAX' : end, freed });
  const resv = mm.hugetlb.files.get(file);
  let chg = 0;
  if (resv) {
    chg = (yield region_del(m, mm.hugetlb, resv, start, end)) as number;
    fr.locals.chg = chg;
    if (chg < 0) {
      yield fr.at('region_del');
      return m.leave(fr, chg);
    }
  }
  // Reservations of the range minus the pages that consumed theirs; a subpool under its minimum keeps some.
  yield fr.at('subpool');
  const gblReserve = yield* hugepage_subpool_put_pages(m, mm.hugetlb.subpoolOf(file), chg - freed);
  fr.locals.gbl_reserve = gblReserve;
  yield fr.at('acct');
  yield* hugetlb_acct_memory(m, mm.hugetlb.pool, -gblReserve);
  yield fr.at('done');
  return m.leave(fr, 0);
}

/** region_del of a punched page failed: its region stays, so take its reservation back (subpool, then global). */
function* hugetlb_fix_reserve_counts(m: Machine, mm: MmModel, file: string): KGen {
  const fr = m.enter(HUGETLB_FIX_RESERVE_COUNTS, { inode: file });
  yield fr.at('subpool');
  const rsvAdjust = yield* hugepage_subpool_get_pages(m, mm.hugetlb.subpoolOf(file), 1);
  fr.locals.rsv_adjust = rsvAdjust;
  let reserved = false;
  if (rsvAdjust > 0) {
    yield fr.at('acct');
    if (!(yield* hugetlb_acct_memory(m, mm.hugetlb.pool, 1))) reserved = true;
  } else if (!rsvAdjust) reserved = true;
  fr.locals.reserved = reserved;
  if (!reserved) m.output('hugetlb: Huge Page Reserved count may go negative.', 'console');
  yield fr.at('done');
  m.leave(fr);
}
