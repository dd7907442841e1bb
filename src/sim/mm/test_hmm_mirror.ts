/**
 * lib/test_hmm.c's mirror side, kept apart from test_hmm.ts: it calls into
 * mm/hmm.c, which faults through mm/memory.c, whose device-private fault
 * reaches the driver's page_fault callback in test_hmm.ts; one file would
 * make that an import cycle.
 */
import { EFAULT } from '../core/errno';
import type { KGen } from '../core/frames';
import { fnOf } from '../core/frames';
import type { Machine } from '../core/machine';
import type { HmmPfn } from './hmm';
import { hmm_range_fault } from './hmm';
import type { FaultCtx } from './memory';
import type { Device, MmModel } from './model';
import { vpnHex as hex } from './page';
import type { Task } from './task';
import { TEST_HMM_C } from './test_hmm_c';
import { atomicKey, dropAtomic } from './test_hmm_atomic';

const DMIRROR_FAULT = fnOf(TEST_HMM_C, 'dmirror_fault');

/**
 * `device_access`: HMM_DMIRROR_READ / _WRITE fault the page into the device's
 * page table through hmm_range_fault; a write needs HMM_PFN_WRITE back, which
 * the device's own read-only private page does not give.
 */
export function* dmirror_fault(m: Machine, mm: MmModel, t: Task, vpn: number, write: boolean, dev: Device, ctx: FaultCtx): KGen<{ ret: number; pfn: number }> {
  const fr = m.enter(DMIRROR_FAULT, { start: hex(vpn), end: hex(vpn + 1), write, device: dev.name });
  yield fr.at('range_fault');
  const r = (yield hmm_range_fault(m, mm, t, vpn, write, dev, ctx)) as HmmPfn;
  let ret = r.ret;
  if (ret) yield fr.at('error');
  else if (write && !r.write) {
    ret = -EFAULT;
    yield fr.at('no_write');
  } else {
    // xa_store replaces the entry: an atomic (DPT_XA_TAG_ATOMIC) one becomes a plain mirror entry
    dropAtomic(dev, [atomicKey(t, vpn)]);
    yield fr.at('store');
  }
  fr.locals.ret = ret;
  return m.leave(fr, { ret, pfn: ret ? 0 : r.pfn });
}
