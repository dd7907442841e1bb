/**
 * ftruncate() of a hugetlbfs file (hugetlb_vmtruncate): every mapping loses
 * the pages past the new size, the page cache drops them back to the pool, and
 * hugetlb_unreserve_pages returns the reservations no page consumed.
 */
import type { KGen } from '../core/frames';
import { fnOf } from '../core/frames';
import type { Machine } from '../core/machine';
import { hugetlb_acct_memory } from '../hugetlb/pool_ops';
import { region_del } from '../hugetlb/region_ops';
import { HUGETLB_FAULT_C } from './hugetlb_fault_c';
import { put_huge_page } from './hugetlb_page';
import { __unmap_hugepage_range } from './hugetlb_walk';
import type { MmModel } from './model';
import { HPAGE_NR, PG_PRIVATE, vpnHex as hex } from './page';

const HUGETLB_VMTRUNCATE = fnOf(HUGETLB_FAULT_C, 'hugetlb_vmtruncate');
const HUGETLB_VMDELETE_LIST = fnOf(HUGETLB_FAULT_C, 'hugetlb_vmdelete_list');
const REMOVE_INODE_HUGEPAGES = fnOf(HUGETLB_FAULT_C, 'remove_inode_hugepages');
const HUGETLB_UNRESERVE_PAGES = fnOf(HUGETLB_FAULT_C, 'hugetlb_unreserve_pages');

/** `size` and the offsets are in huge pages. */
export function* hugetlb_vmtruncate(m: Machine, mm: MmModel, file: string, size: number): KGen {
  const fr = m.enter(HUGETLB_VMTRUNCATE, { inode: file, offset: `0x${(BigInt(size) << 21n).toString(16)}` });
  mm.hugetlb.inode(file).size = size;
  yield fr.at('i_size');
  yield fr.at('vmdelete');
  yield* hugetlb_vmdelete_list(m, mm, file, size);
  yield fr.at('remove');
  yield* remove_inode_hugepages(m, mm, file, size);
  m.leave(fr);
}

function* hugetlb_vmdelete_list(m: Machine, mm: MmModel, file: string, start: number): KGen {
  const fr = m.enter(HUGETLB_VMDELETE_LIST, { start });
  for (const t of mm.tasks.values()) {
    for (const v of t.vmas.slice()) {
      if (v.huge?.file !== file) continue;
      const from = Math.max(v.start, v.huge.base + start * HPAGE_NR);
      if (from >= v.end) continue;
      fr.locals.vma = `${t.name} [${hex(v.start)}, ${hex(v.end)})`;
      yield fr.at('unmap');
      yield* __unmap_hugepage_range(m, mm, t, v, from, v.end);
    }
  }
  m.leave(fr);
}

function* remove_inode_hugepages(m: Machine, mm: MmModel, file: string, start: number): KGen {
  const fr = m.enter(REMOVE_INODE_HUGEPAGES, { inode: file, start });
  const cache = mm.hugetlb.inode(file).cache;
  let freed = 0;
  for (const [idx, page] of [...cache].filter(([i]) => i >= start).sort((a, b) => a[0] - b[0])) {
    m.bugOn((mm.flags.get(page) & PG_PRIVATE) !== 0, 'PagePrivate(page)');
    cache.delete(idx);
    fr.locals.page = page;
    fr.locals.freed = ++freed;
    yield fr.at('remove_page');
    yield* put_huge_page(m, mm, page);
  }
  yield fr.at('unreserve');
  yield* hugetlb_unreserve_pages(m, mm, file, start, Number.MAX_SAFE_INTEGER, freed);
  m.leave(fr);
}

function* hugetlb_unreserve_pages(m: Machine, mm: MmModel, file: string, start: number, end: number, freed: number): KGen<number> {
  const fr = m.enter(HUGETLB_UNRESERVE_PAGES, { inode: file, start, end: end === Number.MAX_SAFE_INTEGER ? 'LONG_MAX' : end, freed });
  const resv = mm.hugetlb.files.get(file);
  let chg = 0;
  if (resv) {
    chg = yield* region_del(m, mm.hugetlb, resv, start, end);
    fr.locals.chg = chg;
    if (chg < 0) {
      yield fr.at('region_del');
      m.leave(fr);
      return chg;
    }
  }
  // Reservations of the range minus the pages that consumed theirs.
  fr.locals.gbl_reserve = chg - freed;
  yield fr.at('acct');
  yield* hugetlb_acct_memory(m, mm.hugetlb.pool, -(chg - freed));
  yield fr.at('done');
  m.leave(fr);
  return 0;
}
