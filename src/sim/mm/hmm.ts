/** The mm/hmm.c function kstep runs: a device's `device_access` mirrors the CPU page table through it. */
import { EFAULT } from '../core/errno';
import type { KGen } from '../core/frames';
import { fnOf } from '../core/frames';
import type { Machine } from '../core/machine';
import { HMM_C } from './hmm_c';
import type { FaultCtx, FaultResult } from './memory';
import { handle_mm_fault } from './memory';
import type { Device, MmModel } from './model';
import { vpnHex as hex } from './page';
import { PTE_DEVICE_PRIVATE, PTE_PRESENT, pteKind, ptePfn, pteWrite } from './pte';
import type { Task } from './task';
import { PROT_READ, PROT_WRITE } from './task';

const HMM_RANGE_FAULT = fnOf(HMM_C, 'hmm_range_fault');

export function* hmm_range_fault(m: Machine, mm: MmModel, t: Task, vpn: number, write: boolean, dev: Device, ctx: FaultCtx): KGen<{ ret: number; pfn: number }> {
  const fr = m.enter(HMM_RANGE_FAULT, { start: hex(vpn), write, device: dev.name });
  for (let tries = 0; tries < 4; tries++) {
    yield fr.at('walk');
    const vma = t.findVma(vpn);
    const pte = t.pt.get(vpn);
    const kind = pteKind(pte);
    if (vma && kind === PTE_DEVICE_PRIVATE && mm.deviceOf(ptePfn(pte))?.name === dev.name) {
      yield fr.at('own');
      m.leave(fr);
      return { ret: 0, pfn: ptePfn(pte) };
    }
    const need = !vma || kind !== PTE_PRESENT || (write && !pteWrite(pte)) || !(vma.prot & PROT_READ) || (write && !(vma.prot & PROT_WRITE));
    if (!need) {
      fr.locals.pfn = ptePfn(pte);
      yield fr.at('done');
      m.leave(fr);
      return { ret: 0, pfn: ptePfn(pte) };
    }
    yield fr.at('fault');
    const r = (yield handle_mm_fault(m, mm, t, vpn, write, ctx)) as FaultResult;
    if (r !== 'ok') {
      fr.locals.ret = -EFAULT;
      m.leave(fr);
      return { ret: -EFAULT, pfn: 0 };
    }
  }
  m.leave(fr);
  return { ret: -EFAULT, pfn: 0 };
}
