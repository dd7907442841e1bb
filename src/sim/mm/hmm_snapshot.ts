/**
 * mm/hmm.c walked without faulting (range->default_flags 0): what a device
 * sees of a CPU page table as it is, for HMM_DMIRROR_SNAPSHOT. Each page gets
 * its hmm_pfns entry: HMM_PFN_ERROR for a hole or a VMA without VM_READ,
 * 0 for anything not present (another device's private page, a
 * device-exclusive entry, pte_none), the pfn with HMM_PFN_VALID and
 * HMM_PFN_WRITE otherwise, and the map order of a hugetlb page.
 */
import type { KGen } from '../core/frames';
import { fnOf } from '../core/frames';
import type { Machine } from '../core/machine';
import type { HmmPfn } from './hmm';
import { hmm_vma_handle_pte } from './hmm';
import { HMM_C } from './hmm_c';
import type { Device, MmModel } from './model';
import { vpnHex as hex } from './page';
import { PTE_PRESENT, pteKind, ptePfn, ptePreview, pteWrite } from './pte';
import type { Task } from './task';
import { PROT_READ } from './task';

const HMM_RANGE_FAULT = fnOf(HMM_C, 'hmm_range_fault');
const HMM_VMA_WALK_TEST = fnOf(HMM_C, 'hmm_vma_walk_test');
const HMM_VMA_WALK_HOLE = fnOf(HMM_C, 'hmm_vma_walk_hole');
const HMM_VMA_WALK_HUGETLB_ENTRY = fnOf(HMM_C, 'hmm_vma_walk_hugetlb_entry');

/** One range->hmm_pfns entry. */
export interface SnapPfn {
  readonly error: boolean;
  readonly valid: boolean;
  readonly write: boolean;
  readonly pfn: number;
  /** hmm_pfn_to_map_order() == PMD_SHIFT - PAGE_SHIFT (a hugetlb page). */
  readonly pmd: boolean;
}

const ERROR: SnapPfn = { error: true, valid: false, write: false, pfn: 0, pmd: false };
const NONE: SnapPfn = { error: false, valid: false, write: false, pfn: 0, pmd: false };

function* entryOf(m: Machine, mm: MmModel, t: Task, vpn: number, dev: Device): KGen<SnapPfn> {
  const vma = t.findVma(vpn);
  if (!vma) {
    const fr = m.enter(HMM_VMA_WALK_HOLE, { addr: hex(vpn) });
    yield fr.at('error');
    return m.leave(fr, ERROR);
  }
  if (!(vma.prot & PROT_READ)) {
    const fr = m.enter(HMM_VMA_WALK_TEST, { start: hex(vma.start), end: hex(vma.end) });
    yield fr.at('error');
    return m.leave(fr, ERROR);
  }
  const pte = t.pt.get(vpn);
  const kind = pteKind(pte);
  if (vma.huge) {
    const fr = m.enter(HMM_VMA_WALK_HUGETLB_ENTRY, { start: hex(vpn), pte: ptePreview(pte) });
    // pte_to_hmm_pfn_flags: 0 for a huge pte not present; the map order is there either way
    const e: SnapPfn = kind === PTE_PRESENT ? { error: false, valid: true, write: pteWrite(pte), pfn: ptePfn(pte), pmd: true } : { ...NONE, pmd: true };
    yield fr.at('pfns');
    return m.leave(fr, e);
  }
  const e = (yield* hmm_vma_handle_pte(m, mm, t, vma, vpn, dev)) as HmmPfn;
  return { error: false, valid: e.valid, write: e.write, pfn: e.pfn, pmd: false };
}

/** hmm_range_fault over [start, end) with nothing to fault in: one entry per page. */
export function* hmm_range_snapshot(m: Machine, mm: MmModel, t: Task, start: number, end: number, dev: Device): KGen<SnapPfn[]> {
  const fr = m.enter(HMM_RANGE_FAULT, { start: hex(start), end: hex(end), default_flags: 0, dev_private_owner: dev.name });
  yield fr.at('walk');
  const out: SnapPfn[] = [];
  for (let vpn = start; vpn < end; vpn++) out.push((yield* entryOf(m, mm, t, vpn, dev)) as SnapPfn);
  fr.locals.ret = 0;
  yield fr.at('done');
  return m.leave(fr, out);
}
