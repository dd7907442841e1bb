/**
 * What the hugetlb kernel functions share: where a huge page sits in a VMA
 * and its page table (a huge PTE is kept as its 512 base entries, pfn head + i,
 * so `pte[addr]` reads any address), and the page's release (put_page,
 * free_huge_page).
 */
import type { KGen } from '../core/frames';
import { fnOf } from '../core/frames';
import type { Machine } from '../core/machine';
import { poolSub } from '../hugetlb/pool_ops';
import { hugepage_subpool_put_pages } from '../hugetlb/subpool';
import { HUGETLB_FAULT_C } from './hugetlb_fault_c';
import type { MmModel } from './model';
import { HPAGE_NR, PG_PRIVATE } from './page';
import { mkpte, PTE_PRESENT } from './pte';
import type { HugeVma, Task, Vma } from './task';
import { pageRef } from './frame_refs';

export const hugeOf = (vma: Vma): HugeVma => vma.huge as HugeVma;
/** vma_hugecache_offset: the file index of the huge page holding vpn. */
export const hugeIndex = (vma: Vma, vpn: number): number => Math.floor((vpn - hugeOf(vma).base) / HPAGE_NR);
export const haddrOf = (vpn: number): number => vpn - (vpn % HPAGE_NR);

export function setHugePte(t: Task, haddr: number, head: number, write: boolean): void {
  for (let i = 0; i < HPAGE_NR; i++) t.pt.set(haddr + i, mkpte(PTE_PRESENT, write, head + i));
}

export function clearHugePte(t: Task, haddr: number): void {
  for (let i = 0; i < HPAGE_NR; i++) t.pt.set(haddr + i, 0);
}

/** Present huge PTEs (their first base entry) of [start, end). */
export function heads(t: Task, start: number, end: number): number[] {
  const out: number[] = [];
  t.pt.forEach(start, end, (vpn) => {
    if (vpn % HPAGE_NR === 0) out.push(vpn);
  });
  return out;
}

// ---- release -------------------------------------------------------------------------

const FREE_HUGE_PAGE = fnOf(HUGETLB_FAULT_C, 'free_huge_page');

function* free_huge_page(m: Machine, mm: MmModel, head: number): KGen {
  const h = mm.hugetlb;
  const p = h.pool;
  const spoolName = h.pageSpool.get(head);
  const spool = spoolName === undefined ? undefined : h.mounts.get(spoolName);
  h.pageSpool.delete(head);
  const fr = m.enter(FREE_HUGE_PAGE, { page: pageRef(head), spool: spoolName ?? 'NULL' });
  let restore = (mm.flags.get(head) & PG_PRIVATE) !== 0;
  fr.locals.restore_reserve = restore;
  yield fr.at('entry');
  if (!restore) {
    // 0: the subpool is under its minimum and keeps this page's reservation.
    if ((yield* hugepage_subpool_put_pages(m, spool, 1)) === 0) restore = true;
    fr.locals.restore_reserve = restore;
    yield fr.at('subpool');
  }
  if (restore) {
    p.rsvd++;
    yield fr.at('restore_reserve');
  }
  if (p.surp > 0) {
    poolSub(m, p, 'total', 1);
    p.surp--;
    yield fr.at('surplus');
  } else {
    p.free++;
    yield fr.at('enqueue');
  }
  mm.freeHugeFrame(head);
  m.leave(fr);
}

/** put_page on a huge page: the last reference calls its destructor. */
export function* put_huge_page(m: Machine, mm: MmModel, head: number): KGen {
  if (mm.refcount.add(head, -1) === 0) yield* free_huge_page(m, mm, head);
}
