/** The mm/mprotect.c functions kstep runs: `mprotect` changes the VMAs whose flags change, then their PTEs. */
import { EINVAL, ENOMEM } from '../core/errno';
import type { KGen } from '../core/frames';
import { fnOf } from '../core/frames';
import type { Machine } from '../core/machine';
import { populate_vma_page_range } from './gup';
import { hugetlb_change_protection } from './hugetlb_walk';
import type { MmModel } from './model';
import { MPROTECT_C } from './mprotect_c';
import { HPAGE_NR, vpnHex as hex } from './page';
import { mkpte, PTE_DEVICE_EXCLUSIVE, PTE_DEVICE_PRIVATE, PTE_PRESENT, pteKind, ptePfn, pteWrite } from './pte';
import { mmu_notifier_invalidate } from './test_hmm_atomic';
import type { Task, Vma } from './task';
import { PROT_WRITE, protName } from './task';

const CHANGE_PTE_RANGE = fnOf(MPROTECT_C, 'change_pte_range');
const MPROTECT_FIXUP = fnOf(MPROTECT_C, 'mprotect_fixup');
const DO_MPROTECT_PKEY = fnOf(MPROTECT_C, 'do_mprotect_pkey');

export function* change_pte_range(m: Machine, t: Task, start: number, end: number, prot: number, mm?: MmModel): KGen<number> {
  const fr = m.enter(CHANGE_PTE_RANGE, { addr: hex(start), end: hex(end), newprot: prot });
  yield fr.at('walk');
  if (mm) yield* mmu_notifier_invalidate(m, mm, t, start, end, 'MMU_NOTIFY_PROTECTION_VMA');
  const vpns: number[] = [];
  t.pt.forEach(start, end, (i) => vpns.push(i));
  let pages = 0;
  for (const vpn of vpns) {
    const pte = t.pt.get(vpn);
    const kind = pteKind(pte);
    if (kind === PTE_PRESENT) {
      if (!(prot & PROT_WRITE) && pteWrite(pte)) t.pt.set(vpn, mkpte(PTE_PRESENT, false, ptePfn(pte)));
      pages++;
    } else if (kind === PTE_DEVICE_PRIVATE && pteWrite(pte)) {
      // Whatever the new protection: reference 002 downgrades every writable device-private entry it walks.
      t.pt.set(vpn, mkpte(PTE_DEVICE_PRIVATE, false, ptePfn(pte)));
      fr.locals.page = ptePfn(pte);
      yield fr.at('device_private');
      pages++;
    } else if (kind === PTE_DEVICE_EXCLUSIVE && pteWrite(pte)) {
      t.pt.set(vpn, mkpte(PTE_DEVICE_EXCLUSIVE, false, ptePfn(pte)));
      fr.locals.page = ptePfn(pte);
      yield fr.at('device_exclusive');
      pages++;
    }
  }
  fr.locals.pages = pages;
  yield fr.at('done');
  return m.leave(fr, pages);
}

/** split_vma of a hugetlb VMA off a 2M boundary: hugetlb_vm_op_split refuses it. */
function hugetlbSplitRefused(vma: Vma, start: number, end: number): boolean {
  return !!vma.huge && ((vma.start < start && start % HPAGE_NR !== 0) || (vma.end > end && end % HPAGE_NR !== 0));
}

/** One VMA's part [start, end) of the range: nothing at all when its protection stays the same. */
function* mprotect_fixup(m: Machine, mm: MmModel, t: Task, vma: Vma, start: number, end: number, prot: number): KGen<number> {
  const fr = m.enter(MPROTECT_FIXUP, { start: hex(start), end: hex(end), oldflags: protName(vma.prot), newflags: protName(prot) });
  if (vma.prot === prot) {
    // newflags == oldflags: no split, no merge, no change_protection, so no PTE changes either.
    yield fr.at('same');
    return m.leave(fr, 0);
  }
  if (hugetlbSplitRefused(vma, start, end)) {
    fr.locals.error = -EINVAL;
    yield fr.at('fail');
    return m.leave(fr, -EINVAL);
  }
  t.splitVmas(start, end, (v) => ({ ...v, prot }));
  yield fr.at('merge');
  yield fr.at('change');
  if (vma.huge) yield* hugetlb_change_protection(m, t, vma, start, end, prot);
  else yield* change_pte_range(m, t, start, end, prot, mm);
  if (vma.locked && !vma.shared && !(vma.prot & PROT_WRITE) && prot & PROT_WRITE) {
    const now = t.findVma(start) as Vma;
    yield fr.at('populate');
    yield* populate_vma_page_range(m, mm, t, now, start, end, { skipped: 0, pages: 0 });
  }
  yield fr.at('done');
  return m.leave(fr, 0);
}

/**
 * mprotect(2) of [start, end) to `prot` (`protText` as the scenario wrote it),
 * VMA by VMA from start: returns 0 or -errno, and a VMA that refuses (or a
 * hole) stops it there, the VMAs before it already changed.
 */
export function* do_mprotect_pkey(m: Machine, mm: MmModel, t: Task, start: number, end: number, prot: number, protText: string): KGen<number> {
  const fr = m.enter(DO_MPROTECT_PKEY, { start: `0x${(BigInt(start) << 12n).toString(16)}`, len: (end - start) * 4096, prot: protText });
  if (start === end) {
    yield fr.at('zero');
    return m.leave(fr, 0);
  }
  yield fr.at('vma');
  // The VMAs as they were: each fixup splits and merges the list.
  const vmas = t.vmas.filter((x) => x.end > start && x.start < end).sort((a, b) => a.start - b.start);
  let error = 0;
  let nstart = start;
  for (const v of vmas) {
    if (v.start > nstart) break;
    yield fr.at('fixup');
    const tmp = Math.min(end, v.end);
    error = yield* mprotect_fixup(m, mm, t, v, nstart, tmp, prot);
    if (error) break;
    nstart = tmp;
  }
  if (!error && nstart < end) error = -ENOMEM;
  fr.locals.error = error;
  yield fr.at('done');
  m.leave(fr);
  if (error) {
    const why = error === -ENOMEM ? `is not fully mapped (a hole at 0x${(BigInt(nstart) << 12n).toString(16)})` : 'would split a hugetlb mapping off a 2M boundary';
    m.output(`mprotect: ${error === -ENOMEM ? '-ENOMEM' : '-EINVAL'} (${error}): [0x${(BigInt(start) << 12n).toString(16)}, 0x${(BigInt(end) << 12n).toString(16)}) ${why}`, 'console');
  }
  return error;
}
