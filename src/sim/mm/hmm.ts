/** The mm/hmm.c functions kstep runs: a device's `device_access` mirrors the CPU page table through them. */
import { EBUSY, EFAULT, EPERM } from '../core/errno';
import type { KGen } from '../core/frames';
import { fnOf } from '../core/frames';
import type { Machine } from '../core/machine';
import { HMM_C } from './hmm_c';
import type { FaultCtx, FaultResult } from './memory';
import { handle_mm_fault } from './memory';
import type { Device, MmModel } from './model';
import { vpnHex as hex } from './page';
import { PTE_DEVICE_PRIVATE, PTE_PRESENT, pteKind, ptePfn, ptePreview, pteWrite } from './pte';
import type { Task, Vma } from './task';
import { PROT_READ, PROT_WRITE } from './task';

const HMM_RANGE_FAULT = fnOf(HMM_C, 'hmm_range_fault');
const HMM_VMA_WALK_TEST = fnOf(HMM_C, 'hmm_vma_walk_test');
const HMM_VMA_WALK_HOLE = fnOf(HMM_C, 'hmm_vma_walk_hole');
const HMM_VMA_HANDLE_PTE = fnOf(HMM_C, 'hmm_vma_handle_pte');
const HMM_VMA_FAULT = fnOf(HMM_C, 'hmm_vma_fault');

/** One entry of range->hmm_pfns after a walk: the pfn and HMM_PFN_WRITE. */
export interface HmmPfn {
  readonly ret: number;
  /** HMM_PFN_VALID: the entry names a page. */
  readonly valid: boolean;
  readonly pfn: number;
  readonly write: boolean;
}

/** -EBUSY once the fault is handled (the walk starts again), -EPERM or -EFAULT when it cannot be. */
function* hmm_vma_fault(m: Machine, mm: MmModel, t: Task, vma: Vma, vpn: number, write: boolean, ctx: FaultCtx): KGen<number> {
  const fr = m.enter(HMM_VMA_FAULT, { addr: hex(vpn), required_fault: write ? 'HMM_NEED_FAULT|HMM_NEED_WRITE_FAULT' : 'HMM_NEED_FAULT' });
  let ret = -EBUSY;
  if (write && !(vma.prot & PROT_WRITE)) {
    ret = -EPERM;
    yield fr.at('eperm');
  } else {
    yield fr.at('fault');
    const r = (yield handle_mm_fault(m, mm, t, vpn, write, ctx)) as FaultResult;
    if (r !== 'ok') {
      ret = -EFAULT;
      yield fr.at('efault');
    } else yield fr.at('ebusy');
  }
  return m.leave(fr, ret);
}

/**
 * A page's entry: the device's own private page is reported as it is, with
 * its write permission; a present page as it is (when no write fault is
 * needed). Anything else is faulted when `fault` asks for it (`write`: a
 * write fault), and reported as not valid when nothing is to be faulted
 * (range->default_flags 0: the snapshot walk).
 */
export function* hmm_vma_handle_pte(m: Machine, mm: MmModel, t: Task, vma: Vma, vpn: number, dev: Device, fault?: { readonly write: boolean; readonly ctx: FaultCtx }): KGen<HmmPfn> {
  const pte = t.pt.get(vpn);
  const write = fault?.write ?? false;
  const fr = m.enter(HMM_VMA_HANDLE_PTE, { addr: hex(vpn), pte: ptePreview(pte) });
  yield fr.at('pte');
  const kind = pteKind(pte);
  let out: HmmPfn;
  if (kind === PTE_DEVICE_PRIVATE && mm.deviceOf(ptePfn(pte))?.name === dev.name) {
    fr.locals.cpu_flags = pteWrite(pte) ? 'HMM_PFN_VALID|HMM_PFN_WRITE' : 'HMM_PFN_VALID';
    yield fr.at('own');
    out = { ret: 0, valid: true, pfn: ptePfn(pte), write: pteWrite(pte) };
  } else if (kind === PTE_PRESENT && (!write || pteWrite(pte))) {
    yield fr.at('present');
    out = { ret: 0, valid: true, pfn: ptePfn(pte), write: pteWrite(pte) };
  } else if (!fault) {
    yield fr.at('no_fault');
    out = { ret: 0, valid: false, pfn: 0, write: false };
  } else {
    yield fr.at('fault');
    const ret = (yield hmm_vma_fault(m, mm, t, vma, vpn, write, fault.ctx)) as number;
    out = { ret, valid: false, pfn: 0, write: false };
  }
  return m.leave(fr, out);
}

/** The test_walk and pte_hole callbacks: a VMA without VM_READ, or none at all, is -EFAULT for a faulting walk. */
function* hmm_vma_walk_test(m: Machine, vma: Vma): KGen<boolean> {
  const fr = m.enter(HMM_VMA_WALK_TEST, { start: hex(vma.start), end: hex(vma.end) });
  const ok = (vma.prot & PROT_READ) !== 0;
  yield fr.at(ok ? 'ok' : 'efault');
  return m.leave(fr, ok);
}

function* hmm_vma_walk_hole(m: Machine, vpn: number): KGen {
  const fr = m.enter(HMM_VMA_WALK_HOLE, { addr: hex(vpn) });
  yield fr.at('efault');
  m.leave(fr);
}

/** dmirror_range_fault gives up after its timeout with -EBUSY; kstep after this many walks. */
const MAX_WALKS = 8;

/** One page, faulting it in (with write when `write`) as range->default_flags asks. */
export function* hmm_range_fault(m: Machine, mm: MmModel, t: Task, vpn: number, write: boolean, dev: Device, ctx: FaultCtx): KGen<HmmPfn> {
  const fr = m.enter(HMM_RANGE_FAULT, { start: hex(vpn), write, dev_private_owner: dev.name });
  let out: HmmPfn = { ret: -EBUSY, valid: false, pfn: 0, write: false };
  for (let walks = 0; walks < MAX_WALKS && out.ret === -EBUSY; walks++) {
    yield fr.at('walk');
    const vma = t.findVma(vpn);
    if (!vma) {
      yield hmm_vma_walk_hole(m, vpn);
      out = { ret: -EFAULT, valid: false, pfn: 0, write: false };
    } else if (!((yield hmm_vma_walk_test(m, vma)) as boolean)) out = { ret: -EFAULT, valid: false, pfn: 0, write: false };
    else out = (yield hmm_vma_handle_pte(m, mm, t, vma, vpn, dev, { write, ctx })) as HmmPfn;
  }
  fr.locals.ret = out.ret;
  if (out.ret === 0) fr.locals.pfn = out.pfn;
  yield fr.at('done');
  return m.leave(fr, out);
}
