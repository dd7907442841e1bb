/** The mm/mprotect.c functions kstep runs: `mprotect` changes the VMAs, then their PTEs. */
import { EINVAL, ENOMEM } from '../core/errno';
import type { KGen } from '../core/frames';
import { fnOf } from '../core/frames';
import type { Machine } from '../core/machine';
import { misalignedSplit } from './hugetlb_vma';
import { hugetlb_change_protection } from './hugetlb_walk';
import { MPROTECT_C } from './mprotect_c';
import { vpnHex as hex } from './page';
import { mkpte, PTE_DEVICE_PRIVATE, PTE_PRESENT, pteKind, ptePfn, pteWrite } from './pte';
import type { Task } from './task';
import { covered, PROT_WRITE } from './task';

const CHANGE_PTE_RANGE = fnOf(MPROTECT_C, 'change_pte_range');
const DO_MPROTECT_PKEY = fnOf(MPROTECT_C, 'do_mprotect_pkey');

export function* change_pte_range(m: Machine, t: Task, start: number, end: number, prot: number): KGen<number> {
  const fr = m.enter(CHANGE_PTE_RANGE, { addr: hex(start), end: hex(end), newprot: prot });
  yield fr.at('walk');
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
      t.pt.set(vpn, mkpte(PTE_DEVICE_PRIVATE, false, ptePfn(pte)));
      fr.locals.page = ptePfn(pte);
      yield fr.at('device_private');
      pages++;
    }
  }
  fr.locals.pages = pages;
  yield fr.at('done');
  m.leave(fr);
  return pages;
}

/** mprotect(2) of [start, end) to `prot` (`protText` as the scenario wrote it); a refusal changes nothing. */
export function* do_mprotect_pkey(m: Machine, t: Task, start: number, end: number, prot: number, protText: string): KGen {
  const fr = m.enter(DO_MPROTECT_PKEY, { start: `0x${(BigInt(start) << 12n).toString(16)}`, len: (end - start) * 4096, prot: protText });
  yield fr.at('vma');
  const bad = !covered(t, start, end) ? -ENOMEM : misalignedSplit(t, start, end) ? -EINVAL : 0;
  if (bad) {
    fr.locals.error = bad;
    yield fr.at('done');
    m.leave(fr);
    const why = bad === -ENOMEM ? 'is not fully mapped' : 'would split a hugetlb mapping off a 2M boundary';
    m.output(`mprotect: ${bad === -ENOMEM ? '-ENOMEM' : '-EINVAL'} (${bad}): [0x${(BigInt(start) << 12n).toString(16)}, 0x${(BigInt(end) << 12n).toString(16)}) ${why}; nothing changed`, 'console');
    return;
  }
  t.splitVmas(start, end, (v) => ({ ...v, prot }));
  yield fr.at('fixup');
  // mprotect_fixup per VMA: hugetlb ones through hugetlb_change_protection.
  for (const v of t.vmas.filter((x) => x.end > start && x.start < end)) {
    if (v.huge) yield* hugetlb_change_protection(m, t, v, Math.max(start, v.start), Math.min(end, v.end), prot);
    else yield* change_pte_range(m, t, Math.max(start, v.start), Math.min(end, v.end), prot);
  }
  yield fr.at('done');
  m.leave(fr);
}
