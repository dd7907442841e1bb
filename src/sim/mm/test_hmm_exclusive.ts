/**
 * lib/test_hmm.c's HMM_DMIRROR_EXCLUSIVE, HMM_DMIRROR_CHECK_EXCLUSIVE and
 * HMM_DMIRROR_SNAPSHOT: device-exclusive (atomic) access through
 * make_device_exclusive_range, and the mirror's view of the CPU page table
 * without faulting (dmirror_mkentry's HMM_DMIRROR_PROT_* bytes).
 */
import { EBUSY, EPERM } from '../core/errno';
import type { KGen } from '../core/frames';
import { fnOf } from '../core/frames';
import type { Machine } from '../core/machine';
import type { Gup } from './gup_pages';
import type { SnapPfn } from './hmm_snapshot';
import { hmm_range_snapshot } from './hmm_snapshot';
import { put_page } from './mm';
import type { Device, MmModel } from './model';
import { vpnHex as hex, ZERO_PFN } from './page';
import { make_device_exclusive_range } from './rmap';
import type { Task } from './task';
import { dmirror_do_read } from './test_hmm';
import { addAtomic, atomicKey, isAtomic } from './test_hmm_atomic';
import { TEST_HMM_C } from './test_hmm_c';

const DMIRROR_EXCLUSIVE = fnOf(TEST_HMM_C, 'dmirror_exclusive');
const DMIRROR_ATOMIC_MAP = fnOf(TEST_HMM_C, 'dmirror_atomic_map');
const DMIRROR_CHECK_ATOMIC = fnOf(TEST_HMM_C, 'dmirror_check_atomic');
const DMIRROR_SNAPSHOT = fnOf(TEST_HMM_C, 'dmirror_snapshot');
const DMIRROR_MKENTRY = fnOf(TEST_HMM_C, 'dmirror_mkentry');

/** lib/test_hmm_uapi.h: what the mirror reports per page. */
export const HMM_DMIRROR_PROT = {
  ERROR: 0xff, NONE: 0, READ: 1, WRITE: 2, PMD: 4, PUD: 8, ZERO: 0x10,
  DEV_PRIVATE_LOCAL: 0x20, DEV_PRIVATE_REMOTE: 0x30, DEV_COHERENT_LOCAL: 0x40, DEV_COHERENT_REMOTE: 0x50,
} as const;

/** The pages and ioctl calls go in chunks of this many (the driver's `struct page *pages[64]`, `pfns[64]`). */
const CHUNK = 64;

function* dmirror_atomic_map(m: Machine, t: Task, start: number, pages: readonly number[], dev: Device): KGen<number> {
  const fr = m.enter(DMIRROR_ATOMIC_MAP, { start: hex(start), end: hex(start + pages.length), device: dev.name });
  const keys: string[] = [];
  for (let i = 0; i < pages.length; i++) if (pages[i]) keys.push(atomicKey(t, start + i));
  addAtomic(dev, keys);
  fr.locals.mapped = keys.length;
  yield fr.at('store');
  yield fr.at('done');
  return m.leave(fr, keys.length);
}

/** `device_exclusive`: 0, -EBUSY when a page of a chunk could not be made exclusive, or dmirror_do_read's -ENOENT. */
export function* dmirror_exclusive(m: Machine, mm: MmModel, t: Task, start: number, end: number, dev: Device): KGen<{ ret: number; cpages: number }> {
  const fr = m.enter(DMIRROR_EXCLUSIVE, { addr: hex(start), npages: end - start, device: dev.name });
  for (let addr = start; addr < end; ) {
    const next = Math.min(end, addr + CHUNK);
    fr.locals.addr = hex(addr);
    yield fr.at('range');
    const g = (yield make_device_exclusive_range(m, mm, t, addr, next)) as Gup;
    let mapped = 0;
    if (g.ret === next - addr) {
      yield fr.at('map');
      mapped = (yield dmirror_atomic_map(m, t, addr, g.pages, dev)) as number;
    }
    for (const p of g.pages) {
      if (!p) continue;
      yield fr.at('put');
      yield put_page(m, mm, p);
    }
    if (addr + mapped < next) {
      fr.locals.ret = -EBUSY;
      yield fr.at('ebusy');
      return m.leave(fr, { ret: -EBUSY, cpages: 0 });
    }
    addr = next;
  }
  yield fr.at('do_read');
  const ret = (yield dmirror_do_read(m, mm, t, start, end, dev)) as number;
  fr.locals.ret = ret;
  yield fr.at('ret');
  return m.leave(fr, { ret, cpages: ret ? 0 : end - start });
}

/** `device_check_exclusive`: -EPERM while any page of the range still has its atomic mirror entry, 0 once all were revoked. */
export function* dmirror_check_atomic(m: Machine, t: Task, start: number, end: number, dev: Device): KGen<number> {
  const fr = m.enter(DMIRROR_CHECK_ATOMIC, { start: hex(start), end: hex(end), device: dev.name });
  yield fr.at('load');
  let ret = 0;
  for (let vpn = start; vpn < end; vpn++) {
    if (!isAtomic(dev, t, vpn)) continue;
    ret = -EPERM;
    fr.locals.pfn = hex(vpn);
    yield fr.at('eperm');
    break;
  }
  if (!ret) yield fr.at('done');
  return m.leave(fr, ret);
}

/** One page's HMM_DMIRROR_PROT_* byte. */
function* dmirror_mkentry(m: Machine, mm: MmModel, e: SnapPfn, dev: Device): KGen<number> {
  const fr = m.enter(DMIRROR_MKENTRY, { entry: e.error ? 'HMM_PFN_ERROR' : e.valid ? `${e.pfn}${e.write ? '|HMM_PFN_WRITE' : ''}` : 0 });
  const P = HMM_DMIRROR_PROT;
  let perm: number;
  if (e.error) {
    perm = P.ERROR;
    yield fr.at('error');
  } else if (!e.valid) {
    perm = P.NONE;
    yield fr.at('none');
  } else {
    const d = mm.deviceOf(e.pfn);
    if (d?.type === 'private') perm = d === dev ? P.DEV_PRIVATE_LOCAL : P.DEV_PRIVATE_REMOTE;
    else if (d?.type === 'coherent') perm = d === dev ? P.DEV_COHERENT_LOCAL : P.DEV_COHERENT_REMOTE;
    else if (e.pfn === ZERO_PFN) perm = P.ZERO;
    else perm = P.NONE;
    perm |= e.write ? P.WRITE : P.READ;
    if (e.pmd) perm |= P.PMD;
    yield fr.at('perm');
  }
  fr.locals.perm = perm;
  return m.leave(fr, perm);
}

/** `device_snapshot`: one HMM_DMIRROR_PROT_* byte per page; nothing is faulted in. */
export function* dmirror_snapshot(m: Machine, mm: MmModel, t: Task, start: number, end: number, dev: Device): KGen<{ ret: number; cpages: number; perm: number[] }> {
  const fr = m.enter(DMIRROR_SNAPSHOT, { addr: hex(start), npages: end - start, device: dev.name });
  const perm: number[] = [];
  for (let addr = start; addr < end; ) {
    const next = Math.min(end, addr + CHUNK);
    fr.locals.addr = hex(addr);
    yield fr.at('range');
    const pfns = (yield* hmm_range_snapshot(m, mm, t, addr, next, dev)) as SnapPfn[];
    for (const e of pfns) perm.push((yield dmirror_mkentry(m, mm, e, dev)) as number);
    fr.locals.cpages = perm.length;
    yield fr.at('copy');
    addr = next;
  }
  fr.locals.ret = 0;
  yield fr.at('done');
  return m.leave(fr, { ret: 0, cpages: perm.length, perm });
}
