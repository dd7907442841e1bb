/** Page-table walks over hugetlb VMAs: unmap (zap), fork (copy) and mprotect. */
import type { KGen } from '../core/frames';
import { fnOf } from '../core/frames';
import type { Machine } from '../core/machine';
import { HUGETLB_FAULT_C } from './hugetlb_fault_c';
import { clearHugePte, heads, hugeOf, put_huge_page, setHugePte } from './hugetlb_page';
import type { MmModel } from './model';
import { HPAGE_NR, vpnHex as hex } from './page';
import { ptePfn, pteWrite } from './pte';
import type { Task, Vma } from './task';
import { PROT_WRITE } from './task';

const __UNMAP_HUGEPAGE_RANGE = fnOf(HUGETLB_FAULT_C, '__unmap_hugepage_range');
const COPY_HUGETLB_PAGE_RANGE = fnOf(HUGETLB_FAULT_C, 'copy_hugetlb_page_range');
const HUGETLB_CHANGE_PROTECTION = fnOf(HUGETLB_FAULT_C, 'hugetlb_change_protection');

export function* __unmap_hugepage_range(m: Machine, mm: MmModel, t: Task, vma: Vma, start: number, end: number, refPage = 0): KGen {
  const fr = m.enter(__UNMAP_HUGEPAGE_RANGE, { mm: t.name, start: hex(start), end: hex(end), ref_page: refPage || 'NULL' });
  for (const haddr of heads(t, start, end)) {
    const page = ptePfn(t.pt.get(haddr));
    if (refPage) {
      if (page !== refPage) continue;
      const i = t.vmas.indexOf(vma);
      if (i >= 0) t.vmas[i] = { ...vma, huge: { ...hugeOf(vma), unmapped: true } };
      yield fr.at('ref_page');
    }
    clearHugePte(t, haddr);
    t.hugetlbUsage -= HPAGE_NR;
    mm.mapcount.add(page, -1);
    fr.locals.page = page;
    yield fr.at('zap');
    yield* put_huge_page(m, mm, page);
  }
  yield fr.at('done');
  m.leave(fr);
}

export function* copy_hugetlb_page_range(m: Machine, mm: MmModel, src: Task, dst: Task, vma: Vma): KGen {
  const cow = !vma.shared;
  const fr = m.enter(COPY_HUGETLB_PAGE_RANGE, { dst: dst.name, src: src.name, vma: `[${hex(vma.start)}, ${hex(vma.end)})`, cow });
  yield fr.at('entry');
  for (const haddr of heads(src, vma.start, vma.end)) {
    const pte = src.pt.get(haddr);
    const page = ptePfn(pte);
    let write = pteWrite(pte);
    if (cow && write) {
      setHugePte(src, haddr, page, false);
      write = false;
      yield fr.at('wrprotect');
    }
    mm.refcount.add(page, 1);
    mm.mapcount.add(page, 1);
    setHugePte(dst, haddr, page, write);
    dst.hugetlbUsage += HPAGE_NR;
    fr.locals.page = page;
    yield fr.at('copy');
  }
  yield fr.at('done');
  m.leave(fr);
}

export function* hugetlb_change_protection(m: Machine, t: Task, vma: Vma, start: number, end: number, prot: number): KGen {
  const fr = m.enter(HUGETLB_CHANGE_PROTECTION, { address: hex(start), end: hex(end), newprot: prot });
  // vm_get_page_prot: only a shared writable mapping gets writable PTEs; a private one COWs on write.
  const write = vma.shared && (prot & PROT_WRITE) !== 0;
  let pages = 0;
  for (const haddr of heads(t, start, end)) {
    setHugePte(t, haddr, ptePfn(t.pt.get(haddr)), write);
    pages++;
    yield fr.at('modify');
  }
  fr.locals.pages = pages * HPAGE_NR;
  yield fr.at('done');
  m.leave(fr);
}
