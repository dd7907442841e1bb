/**
 * The mm/gup.c functions that hand pages to their caller: get_user_pages,
 * pin_user_pages, get_user_pages_remote (make_device_exclusive_range's way to
 * its pages), FOLL_LONGTERM's check_and_migrate_movable_pages, and the
 * references they take and give back (try_grab_page, unpin_user_page).
 */
import { EFAULT, EINVAL, ENOMEM, EOPNOTSUPP } from '../core/errno';
import type { KGen } from '../core/frames';
import { fnOf } from '../core/frames';
import type { Machine } from '../core/machine';
import { FOLL_FORCE, FOLL_GET, FOLL_LONGTERM, FOLL_PIN, FOLL_REMOTE, FOLL_TOUCH, FOLL_WRITE } from './foll';
import { GUP_C } from './gup_c';
import type { Followed } from './gup_follow';
import { follow_page_pte, isLarge, try_grab_page } from './gup_follow';
import type { FaultKind, FaultResult } from './memory';
import { handle_mm_fault } from './memory';
import { migrate_device_coherent_page } from './migrate_device_coherent';
import { put_huge_page } from './hugetlb_page';
import { put_page } from './mm';
import type { MmModel } from './model';
import { compoundHead, GUP_PIN_COUNTING_BIAS, vpnHex as hex } from './page';
import { PTE_PRESENT, pteKind, ptePfn, pteWrite } from './pte';
import type { Task, Vma } from './task';
import { PROT_READ, PROT_WRITE } from './task';

export { FOLL_LONGTERM, FOLL_PIN, FOLL_SPLIT_PMD } from './foll';

const __GET_USER_PAGES = fnOf(GUP_C, '__get_user_pages');
const UNPIN_USER_PAGE = fnOf(GUP_C, 'unpin_user_page');
const CHECK_AND_MIGRATE_MOVABLE_PAGES = fnOf(GUP_C, 'check_and_migrate_movable_pages');
const __GUP_LONGTERM_LOCKED = fnOf(GUP_C, '__gup_longterm_locked');
const GET_USER_PAGES = fnOf(GUP_C, 'get_user_pages');
const PIN_USER_PAGES = fnOf(GUP_C, 'pin_user_pages');
const GET_USER_PAGES_REMOTE = fnOf(GUP_C, 'get_user_pages_remote');

/** What a gup call returns: the page count or -errno, and the pages (one per address from start, each referenced). */
export interface Gup {
  readonly ret: number;
  readonly pages: readonly number[];
}

const flagsText = (f: bigint): string => `0x${f.toString(16)}`;

/** unpin_user_page: gives back what FOLL_PIN took; the last reference frees the page as put_page does. */
export function* unpin_user_page(m: Machine, mm: MmModel, pfn: number): KGen {
  const head = compoundHead(pfn);
  const fr = m.enter(UNPIN_USER_PAGE, { page: pfn });
  const refs = isLarge(pfn) ? 1 : GUP_PIN_COUNTING_BIAS;
  m.bugOn(mm.refcount.get(head) < refs + (mm.deviceOf(head) ? 1 : 0), 'page_ref_count(page) < refs');
  // folio_put_refs: all but the last reference here, the last through put_page (which frees the page when it is the last)
  mm.refcount.add(head, -(refs - 1));
  yield fr.at('put');
  yield* putRef(m, mm, head);
  m.leave(fr);
}

/** check_vma_flags: 0, -EFAULT or -EOPNOTSUPP. */
function checkVmaFlags(vma: Vma, flags: bigint): number {
  // fsdax pages cannot be pinned long term: the filesystem may need the blocks back
  if (flags & FOLL_LONGTERM && vma.dax) return -EOPNOTSUPP;
  if (flags & FOLL_WRITE) {
    if (!(vma.prot & PROT_WRITE) && (!(flags & FOLL_FORCE) || vma.shared)) return -EFAULT;
  } else if (!(vma.prot & PROT_READ) && !(flags & FOLL_FORCE)) return -EFAULT;
  return 0;
}

/**
 * follow_hugetlb_page's lookup for a hugetlb VMA: the (sub)page at vpn, 0
 * when a fault is needed (not present, or FOLL_WRITE on a read-only pte).
 */
function followHuge(t: Task, vpn: number, flags: bigint): number {
  const pte = t.pt.get(vpn);
  if (pteKind(pte) !== PTE_PRESENT) return 0;
  if (flags & FOLL_WRITE && !pteWrite(pte)) return 0;
  return ptePfn(pte);
}

/** The pages of [start, end), faulting in what is not there; a short count stops at the first page that failed. */
function* __get_user_pages(m: Machine, mm: MmModel, t: Task, start: number, end: number, flags: bigint): KGen<Gup> {
  const fr = m.enter(__GET_USER_PAGES, { start: hex(start), nr_pages: end - start, gup_flags: flagsText(flags) });
  const write = (flags & FOLL_WRITE) !== 0n;
  const faults: FaultKind[] = [];
  const pages: number[] = [];
  let ret = 0;
  let vma: Vma | undefined;
  let tries = 0;
  for (let vpn = start; vpn < end; ) {
    if (!vma || vpn >= vma.end) {
      vma = t.findVma(vpn);
      ret = vma ? checkVmaFlags(vma, flags) : -EFAULT;
      if (ret || !vma) {
        fr.locals.ret = ret;
        yield fr.at('efault');
        break;
      }
    }
    fr.locals.address = hex(vpn);
    yield fr.at('follow');
    let page = 0;
    if (vma.huge) {
      page = followHuge(t, vpn, flags);
      if (page) yield try_grab_page(m, mm, page, flags);
    } else {
      // follow_page_mask → follow_page_pte, which takes the reference itself (try_grab_page)
      const r = (yield* follow_page_pte(m, mm, t, vma, vpn, flags)) as Followed;
      if (r && 'err' in r) {
        // -EEXIST (a pfn with no struct page) with pages wanted, -EFAULT (FOLL_DUMP): the walk stops here
        ret = r.err;
        fr.locals.ret = ret;
        yield fr.at('err_page');
        break;
      }
      if (r) page = r.page;
    }
    if (page) {
      pages.push(page);
      vpn++;
      tries = 0;
      continue;
    }
    // Each fault makes progress (device page back, exclusive entry restored, then COW); a page still not there after that is an error.
    let r: FaultResult = 'SIGBUS';
    if (tries++ < 4) {
      yield fr.at('faultin');
      r = (yield handle_mm_fault(m, mm, t, vpn, write, { faults, remote: true })) as FaultResult;
    }
    if (r !== 'ok') {
      ret = r === 'OOM' ? -ENOMEM : -EFAULT;
      fr.locals.ret = ret;
      yield fr.at('error');
      break;
    }
  }
  fr.locals.i = pages.length;
  yield fr.at('done');
  return m.leave(fr, { ret: pages.length || ret, pages });
}

/** put_page of a gup reference: the last one frees the page (a huge page through its destructor, free_huge_page). */
function* putRef(m: Machine, mm: MmModel, head: number): KGen {
  if (isLarge(head)) yield* put_huge_page(m, mm, head);
  else yield put_page(m, mm, head);
}

/** Gives back one page's reference as the flags took it. */
export function* releasePage(m: Machine, mm: MmModel, pfn: number, pin: boolean): KGen {
  if (pin) yield* unpin_user_page(m, mm, pfn);
  else yield* putRef(m, mm, compoundHead(pfn));
}

/** FOLL_LONGTERM: device coherent pages move to system memory; then every reference is given back and gup runs again (0). */
function* check_and_migrate_movable_pages(m: Machine, mm: MmModel, t: Task, start: number, pages: readonly number[], flags: bigint): KGen<number> {
  const fr = m.enter(CHECK_AND_MIGRATE_MOVABLE_PAGES, { nr_pages: pages.length, gup_flags: flagsText(flags) });
  const pin = (flags & FOLL_PIN) !== 0n;
  const left = pages.slice();
  let coherent = false;
  let ret = 0;
  for (let i = 0; i < left.length; i++) {
    const pfn = left[i] as number;
    fr.locals.page = pfn;
    yield fr.at('page');
    if (mm.deviceOf(pfn)?.type !== 'coherent') continue;
    left[i] = 0;
    coherent = true;
    // The pin becomes a plain reference, which migration consumes as the collect reference it stands for.
    mm.refcount.add(pfn, -(pin ? GUP_PIN_COUNTING_BIAS : 1));
    yield fr.at('coherent');
    ret = (yield migrate_device_coherent_page(m, mm, t, start + i, pfn)) as number;
    if (ret) break;
  }
  if (!coherent && !ret) {
    yield fr.at('pinnable');
    return m.leave(fr, pages.length);
  }
  for (const p of left) {
    if (!p) continue;
    fr.locals.page = p;
    yield fr.at('unpin');
    yield* releasePage(m, mm, p, pin);
  }
  fr.locals.ret = ret;
  yield fr.at('retry');
  return m.leave(fr, ret);
}

function* __gup_longterm_locked(m: Machine, mm: MmModel, t: Task, start: number, end: number, flags: bigint): KGen<Gup> {
  const fr = m.enter(__GUP_LONGTERM_LOCKED, { start: hex(start), nr_pages: end - start, gup_flags: flagsText(flags) });
  // __get_user_pages_locked: mm_set_has_pinned_flag() before any page is looked at
  if (flags & FOLL_PIN) t.hasPinned = true;
  let out: Gup;
  if (!(flags & FOLL_LONGTERM)) {
    yield fr.at('gup');
    out = (yield __get_user_pages(m, mm, t, start, end, flags)) as Gup;
  } else {
    // Each round moves at least the coherent page it found (or fails): bounded by the pages in the range.
    for (let round = 0; ; round++) {
      yield fr.at('longterm');
      out = (yield __get_user_pages(m, mm, t, start, end, flags)) as Gup;
      if (out.ret <= 0) break;
      yield fr.at('check');
      const rc = (yield check_and_migrate_movable_pages(m, mm, t, start, out.pages, flags)) as number;
      if (rc) {
        if (rc < 0) out = { ret: rc, pages: [] };
        break;
      }
      m.bugOn(round > end - start, 'check_and_migrate_movable_pages made no progress');
    }
  }
  fr.locals.rc = out.ret;
  yield fr.at('done');
  return m.leave(fr, out);
}

/** `gup`: pin_user_pages when flags hold FOLL_PIN, get_user_pages otherwise. */
export function* gup(m: Machine, mm: MmModel, t: Task, start: number, end: number, flags: bigint): KGen<Gup> {
  const pin = (flags & FOLL_PIN) !== 0n;
  const fr = m.enter(pin ? PIN_USER_PAGES : GET_USER_PAGES, { start: hex(start), nr_pages: end - start, gup_flags: flagsText(flags) });
  let out: Gup;
  if (pin && flags & FOLL_GET) {
    // FOLL_GET and FOLL_PIN are mutually exclusive.
    out = { ret: -EINVAL, pages: [] };
    yield fr.at('einval');
  } else if (!pin && flags & FOLL_LONGTERM) {
    // get_user_pages' is_valid_gup_flags(): FOLL_LONGTERM is a case of FOLL_PIN (WARN_ON_ONCE, -EINVAL).
    out = { ret: -EINVAL, pages: [] };
    yield fr.at('einval');
  } else {
    yield fr.at('gup');
    out = (yield __gup_longterm_locked(m, mm, t, start, end, flags | FOLL_TOUCH | (pin ? 0n : FOLL_GET))) as Gup;
  }
  return m.leave(fr, out);
}

/** get_user_pages_remote: the pages of another mm (a driver's), never FOLL_LONGTERM. */
export function* get_user_pages_remote(m: Machine, mm: MmModel, t: Task, start: number, end: number, flags: bigint): KGen<Gup> {
  const fr = m.enter(GET_USER_PAGES_REMOTE, { mm: t.name, start: hex(start), nr_pages: end - start, gup_flags: flagsText(flags) });
  yield fr.at('gup');
  const out = (yield __get_user_pages(m, mm, t, start, end, flags | FOLL_TOUCH | FOLL_REMOTE)) as Gup;
  return m.leave(fr, out);
}
