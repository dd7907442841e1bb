/**
 * The mm/rmap.c functions kstep runs: make_device_exclusive_range and the
 * rmap walk that turns every pte mapping a page into a device-exclusive
 * entry. The page keeps its place and its reference; only its rmap goes.
 */
import type { KGen } from '../core/frames';
import { fnOf } from '../core/frames';
import type { Machine } from '../core/machine';
import type { Gup } from './gup_pages';
import { FOLL_SPLIT_PMD, get_user_pages_remote } from './gup_pages';
import { FOLL_GET, FOLL_WRITE } from './gup';
import { put_page } from './mm';
import type { MmModel } from './model';
import { compoundHead, PG_ANON, PG_HUGETLB, vpnHex as hex } from './page';
import { mkpte, PTE_DEVICE_EXCLUSIVE, PTE_PRESENT, pteKind, ptePfn, pteWrite } from './pte';
import { RMAP_C } from './rmap_c';
import type { Task } from './task';
import { mmu_notifier_invalidate } from './test_hmm_atomic';
import { pageRef } from './frame_refs';

const MAKE_DEVICE_EXCLUSIVE_RANGE = fnOf(RMAP_C, 'make_device_exclusive_range');
const PAGE_MAKE_DEVICE_EXCLUSIVE = fnOf(RMAP_C, 'page_make_device_exclusive');
const PAGE_MAKE_DEVICE_EXCLUSIVE_ONE = fnOf(RMAP_C, 'page_make_device_exclusive_one');

/** struct make_exclusive_args: the mm and address the caller asked for, and whether that mapping was writable there. */
interface ExclusiveArgs {
  readonly mm: Task;
  readonly address: number;
  valid: boolean;
}

/** One mapping of the page (task o at vpn): its present pte becomes a device-exclusive entry of the same write permission. */
function* page_make_device_exclusive_one(m: Machine, mm: MmModel, o: Task, vpn: number, pfn: number, args: ExclusiveArgs): KGen<boolean> {
  const fr = m.enter(PAGE_MAKE_DEVICE_EXCLUSIVE_ONE, { page: pageRef(pfn), vma_mm: o.name, address: hex(vpn) });
  yield fr.at('notify');
  yield* mmu_notifier_invalidate(m, mm, o, vpn, vpn + 1, 'MMU_NOTIFY_EXCLUSIVE');
  const pte = o.pt.get(vpn);
  if (pteKind(pte) !== PTE_PRESENT || ptePfn(pte) !== pfn) {
    yield fr.at('not_present');
    return m.leave(fr, false);
  }
  o.pt.set(vpn, 0);
  fr.locals.pteval = pte;
  yield fr.at('clear');
  if (o === args.mm && vpn === args.address && pteWrite(pte)) args.valid = true;
  o.pt.set(vpn, mkpte(PTE_DEVICE_EXCLUSIVE, pteWrite(pte), pfn));
  fr.locals.entry = pteWrite(pte) ? 'SWP_DEVICE_EXCLUSIVE_WRITE' : 'SWP_DEVICE_EXCLUSIVE_READ';
  yield fr.at('set');
  mm.mapcount.add(pfn, -1);
  yield fr.at('rmap');
  yield fr.at('done');
  return m.leave(fr, true);
}

/** The anon rmap walk: every task mapping the page (a forked child maps it at the same address). */
function mappingsOf(mm: MmModel, pfn: number, vpn: number): Task[] {
  const out: Task[] = [];
  for (const o of mm.tasks.values()) {
    const p = o.pt.get(vpn);
    if (pteKind(p) === PTE_PRESENT && ptePfn(p) === pfn) out.push(o);
  }
  return out;
}

function* page_make_device_exclusive(m: Machine, mm: MmModel, t: Task, pfn: number, vpn: number): KGen<boolean> {
  const fr = m.enter(PAGE_MAKE_DEVICE_EXCLUSIVE, { page: pageRef(pfn), mm: t.name, address: hex(vpn) });
  const flags = mm.flags.get(compoundHead(pfn));
  // kstep also refuses a hugetlb head page: FOLL_SPLIT_PMD does not split it, and hugetlb ptes are not walked here.
  if (!(flags & PG_ANON) || compoundHead(pfn) !== pfn || flags & PG_HUGETLB) {
    yield fr.at('not_anon');
    return m.leave(fr, false);
  }
  const args: ExclusiveArgs = { mm: t, address: vpn, valid: false };
  yield fr.at('walk');
  for (const o of mappingsOf(mm, pfn, vpn)) {
    if (!((yield page_make_device_exclusive_one(m, mm, o, vpn, pfn, args)) as boolean)) break;
  }
  const ok = args.valid && mm.mapcount.get(pfn) === 0;
  fr.locals.valid = args.valid;
  fr.locals.mapcount = mm.mapcount.get(pfn);
  yield fr.at('done');
  return m.leave(fr, ok);
}

/**
 * Returns what GUP found (its count or -errno) and the pages, 0 where a page
 * was not made exclusive; the caller holds a reference on every other one.
 */
export function* make_device_exclusive_range(m: Machine, mm: MmModel, t: Task, start: number, end: number): KGen<Gup> {
  const fr = m.enter(MAKE_DEVICE_EXCLUSIVE_RANGE, { mm: t.name, start: hex(start), end: hex(end), owner: 'NULL' });
  yield fr.at('gup');
  const g = (yield get_user_pages_remote(m, mm, t, start, end, FOLL_GET | FOLL_WRITE | FOLL_SPLIT_PMD)) as Gup;
  fr.locals.npages = g.ret;
  if (g.ret < 0) {
    yield fr.at('error');
    return m.leave(fr, g);
  }
  const pages = g.pages.slice();
  for (let i = 0; i < pages.length; i++) {
    const pfn = pages[i] as number;
    fr.locals.i = i;
    yield fr.at('page');
    if (!((yield page_make_device_exclusive(m, mm, t, pfn, start + i)) as boolean)) {
      yield put_page(m, mm, pfn);
      pages[i] = 0;
      yield fr.at('refused');
    }
  }
  yield fr.at('done');
  return m.leave(fr, { ret: g.ret, pages });
}
