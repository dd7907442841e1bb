/**
 * The mm/gup.c functions kstep runs: follow_page (the `follow_page`
 * statement and KSM's way to a page) and the populate path of mlock and of
 * mprotect on a locked VMA.
 */
import { EFAULT, ENOMEM } from '../core/errno';
import type { KGen } from '../core/frames';
import { fnOf } from '../core/frames';
import type { Machine } from '../core/machine';
import { FOLL_DUMP, FOLL_FORCE, FOLL_LRU, FOLL_MLOCK, FOLL_PIN, FOLL_POPULATE, FOLL_TOUCH, FOLL_WRITE } from './foll';
import { followDevmap } from './gup_devmap';
import { GUP_C } from './gup_c';
import type { FaultKind, FaultResult } from './memory';
import { handle_mm_fault, normalPage, vm_normal_page } from './memory';
import type { MmModel } from './model';
import { vpnHex as hex, ZERO_PFN } from './page';
import { PTE_PRESENT, pteKind, ptePfn, pteWrite } from './pte';
import { pte_devmap } from './pte_devmap';
import type { Task, Vma } from './task';
import { PROT_READ, PROT_WRITE } from './task';

// Callers that already import follow_page take the flags from here.
export { FOLL_DUMP, FOLL_FORCE, FOLL_GET, FOLL_LRU, FOLL_MLOCK, FOLL_WRITE } from './foll';

const FOLLOW_PAGE = fnOf(GUP_C, 'follow_page');
const __GET_USER_PAGES = fnOf(GUP_C, '__get_user_pages');
const POPULATE_VMA_PAGE_RANGE = fnOf(GUP_C, 'populate_vma_page_range');
const __MM_POPULATE = fnOf(GUP_C, '__mm_populate');

export function* follow_page(m: Machine, mm: MmModel, t: Task, vpn: number, flags: bigint): KGen<number> {
  const fr = m.enter(FOLLOW_PAGE, { address: hex(vpn), foll_flags: `0x${flags.toString(16)}` });
  // FOLL_GET and FOLL_PIN are for gup: follow_page hands out no pinned page.
  if (flags & FOLL_PIN) {
    fr.locals.page = 'NULL';
    yield fr.at('pin');
    return m.leave(fr, 0);
  }
  yield fr.at('vma');
  const vma = t.findVma(vpn);
  const pte = t.pt.get(vpn);
  if (!vma || pteKind(pte) !== PTE_PRESENT) {
    yield fr.at('no_page');
    return m.leave(fr, 0);
  }
  if (pte_devmap(mm, pte)) return yield* followDevmap(m, mm, t, vma, vpn, flags, fr);
  // follow_page_pte: can_follow_write_pte() wants a writable pte (or FOLL_FORCE|FOLL_COW on a dirty one, which
  // no `follow_page` statement sets up).
  if (flags & FOLL_WRITE && !pteWrite(pte)) {
    fr.locals.page = 'NULL';
    yield fr.at('no_write');
    return m.leave(fr, 0);
  }
  const lru = (flags & (FOLL_MLOCK | FOLL_LRU)) !== 0n;
  yield fr.at(lru ? 'lru' : 'any');
  let page = (yield vm_normal_page(m, mm, pte, lru)) as number;
  // follow_page_pte: no normal page but the zero page: return it, unless FOLL_DUMP
  if (!page && ptePfn(pte) === ZERO_PFN && !(flags & FOLL_DUMP)) page = ZERO_PFN;
  fr.locals.page = page || 'NULL';
  yield fr.at('out');
  return m.leave(fr, page);
}

// ---- populate ------------------------------------------------------------------------

/** What FOLL_MLOCK found on the way: pages vm_normal_lru_page refused (ZONE_DEVICE) and pages it mlocked. */
export interface Mlocked {
  skipped: number;
  pages: number;
}

/**
 * follow_page_mask over [from, end) without a frame: counts what FOLL_MLOCK
 * finds, and returns the first page that needs a fault (or `end`), so a range
 * already in memory costs no step point per page.
 */
function followPages(mm: MmModel, t: Task, vma: Vma, from: number, end: number, write: boolean, acc: Mlocked): number {
  for (let vpn = from; vpn < end; vpn++) {
    const pte = t.pt.get(vpn);
    if (pteKind(pte) !== PTE_PRESENT || (write && !pteWrite(pte))) return vpn;
    // Huge pages and the zero page are never mlocked (no LRU page of their own behind the pte).
    if (vma.huge || !vma.locked || ptePfn(pte) === ZERO_PFN) continue;
    if (normalPage(mm, pte, true)) acc.pages++;
    else acc.skipped++;
  }
  return end;
}

/** Returns the pages done, or the error of the first page when none was. */
function* __get_user_pages(m: Machine, mm: MmModel, t: Task, vma: Vma, start: number, end: number, flags: bigint, acc: Mlocked): KGen<number> {
  const fr = m.enter(__GET_USER_PAGES, { start: hex(start), nr_pages: end - start, gup_flags: `0x${flags.toString(16)}` });
  if (!(vma.prot & PROT_READ) && !(flags & FOLL_FORCE)) {
    yield fr.at('efault');
    return m.leave(fr, -EFAULT);
  }
  const write = (flags & FOLL_WRITE) !== 0n;
  const faults: FaultKind[] = [];
  // A GUP fault delivers no signal: its error goes back to the caller.
  const ctx = { faults, remote: true };
  yield fr.at('follow');
  let vpn = start;
  let ret = 0;
  let tries = 0;
  for (let last = -1; ; last = vpn) {
    vpn = followPages(mm, t, vma, vpn, end, write, acc);
    if (vpn >= end) break;
    // Each fault makes progress (device page back, then COW); a page still not ready after that many is an error.
    tries = vpn === last ? tries + 1 : 0;
    fr.locals.address = hex(vpn);
    let r: FaultResult = 'SIGBUS';
    if (tries < 4) {
      yield fr.at('faultin');
      r = (yield handle_mm_fault(m, mm, t, vpn, write, ctx)) as FaultResult;
    }
    if (r !== 'ok') {
      // vm_fault_to_errno: VM_FAULT_OOM is -ENOMEM, SIGBUS and SIGSEGV -EFAULT
      ret = r === 'OOM' ? -ENOMEM : -EFAULT;
      fr.locals.ret = ret;
      yield fr.at('error');
      break;
    }
  }
  const done = vpn - start;
  fr.locals.i = done;
  yield fr.at('done');
  return m.leave(fr, done || ret);
}

export function* populate_vma_page_range(m: Machine, mm: MmModel, t: Task, vma: Vma, start: number, end: number, acc: Mlocked): KGen<number> {
  const fr = m.enter(POPULATE_VMA_PAGE_RANGE, { start: hex(start), end: hex(end) });
  let flags = FOLL_TOUCH | FOLL_POPULATE | FOLL_MLOCK;
  if (!vma.shared && vma.prot & PROT_WRITE) flags |= FOLL_WRITE;
  // vma_is_accessible: any of VM_READ, VM_WRITE, VM_EXEC
  if (vma.prot !== 0) flags |= FOLL_FORCE;
  fr.locals.gup_flags = `0x${flags.toString(16)}`;
  yield fr.at('flags');
  yield fr.at('gup');
  const r = (yield __get_user_pages(m, mm, t, vma, start, end, flags, acc)) as number;
  return m.leave(fr, r);
}

/** find_vma: the first VMA ending above vpn. */
function findVmaAbove(t: Task, vpn: number): Vma | undefined {
  let best: Vma | undefined;
  for (const v of t.vmas) if (v.end > vpn && (!best || v.start < best.start)) best = v;
  return best;
}

/** Faults [start, end) in VMA by VMA; returns 0 or the first error (-EFAULT, -ENOMEM). */
export function* __mm_populate(m: Machine, mm: MmModel, t: Task, start: number, end: number, acc: Mlocked): KGen<number> {
  const fr = m.enter(__MM_POPULATE, { start: hex(start), len: (end - start) * 4096 });
  let ret = 0;
  for (let nstart = start; nstart < end; ) {
    yield fr.at('vma');
    const vma = findVmaAbove(t, nstart);
    if (!vma || vma.start >= end) break;
    if (nstart < vma.start) nstart = vma.start;
    const nend = Math.min(end, vma.end);
    yield fr.at('populate');
    const r = (yield populate_vma_page_range(m, mm, t, vma, nstart, nend, acc)) as number;
    if (r <= 0) {
      ret = r;
      fr.locals.ret = ret;
      yield fr.at('error');
      break;
    }
    // A short count: the next round starts at the page that failed and gets its error.
    nstart += r;
  }
  yield fr.at('done');
  return m.leave(fr, ret);
}
