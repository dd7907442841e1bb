/**
 * The mm/memory.c functions kstep runs: the CPU fault path, copy_one_pte
 * (fork), zap_pte_range (munmap, exit) and vm_normal_{any,lru}_page.
 */
import type { KGen } from '../core/frames';
import { fnOf } from '../core/frames';
import type { Machine } from '../core/machine';
import { hugetlb_fault, hugetlbSigbusWhy } from './hugetlb_fault';
import { MEMORY_C } from './memory_c';
import { device_private_entry_fault } from './memremap';
import { do_fault } from './memory_file';
import { put_page } from './mm';
import type { MmModel } from './model';
import { compoundHead, GUP_PIN_COUNTING_BIAS, PG_ANON, PG_HUGETLB, PG_LRU, PG_USED, policyNodeFlag, ZERO_PFN, vpnHex as hex } from './page';
import { mkpte, PTE_DEVICE_EXCLUSIVE, PTE_DEVICE_PRIVATE, PTE_MIGRATION, PTE_NONE, PTE_PRESENT, pteKind, ptePfn, ptePreview, pteWrite } from './pte';
import { pte_devmap } from './pte_devmap';
import type { Task, Vma } from './task';
import { PROT_READ, PROT_WRITE, vmaIsAnonymous } from './task';
import { mmu_notifier_invalidate } from './test_hmm_atomic';
import { pageRef, vmaRef } from './frame_refs';
import { beforePatch } from '../core/kernel_select';
import { vm_normal_page_before_003 } from './memory_before_003';

/** `device_exclusive`: do_swap_page on a device-exclusive entry (remove_device_exclusive_entry). */
export type FaultKind = 'anon' | 'wp' | 'device_private' | 'hugetlb' | 'file' | 'device_exclusive';
/** What a fault ends in: handled, the signal the task gets, or VM_FAULT_OOM (the access is retried). */
export type FaultResult = 'ok' | 'SIGSEGV' | 'SIGBUS' | 'OOM';

export interface FaultCtx {
  readonly faults: FaultKind[];
  /** hmm_range_fault on behalf of a device: no signal is delivered. */
  readonly remote: boolean;
}

// ---- the CPU fault path -------------------------------------------------------

const HANDLE_MM_FAULT = fnOf(MEMORY_C, 'handle_mm_fault');
const HANDLE_PTE_FAULT = fnOf(MEMORY_C, 'handle_pte_fault');
const DO_ANONYMOUS_PAGE = fnOf(MEMORY_C, 'do_anonymous_page');
const DO_WP_PAGE = fnOf(MEMORY_C, 'do_wp_page');
const DO_SWAP_PAGE = fnOf(MEMORY_C, 'do_swap_page');

// Messages raised on every fault, built only when read (raiseWith): made here
// rather than as arrows inside the generators, which would move the
// generators' own variables into a context object allocated on every call.
const faultText = (vpn: number, write: boolean, task: string): string => `page fault at ${hex(vpn)} (${write ? 'write' : 'read'}) in task ${task}`;
const devicePrivateText = (pfn: number, vpn: number): string => `CPU access to device-private page 0x${pfn.toString(16)} at ${hex(vpn)}`;
const deviceExclusiveText = (pfn: number, vpn: number): string => `CPU access to device-exclusive page 0x${pfn.toString(16)} at ${hex(vpn)}`;

export function* handle_mm_fault(m: Machine, mm: MmModel, t: Task, vpn: number, write: boolean, ctx: FaultCtx): KGen<FaultResult> {
  const fr = m.enter(HANDLE_MM_FAULT, { mm: t.name, address: vpn * 4096, write });
  m.raiseWith('fault', faultText, vpn, write, t.name);
  yield fr.at('find_vma');
  const vma = t.findVma(vpn);
  fr.locals.vma = vma ? vmaRef(t, vma) : 'NULL';
  if (!vma) {
    if (!ctx.remote) m.raise('sigsegv', `SIGSEGV: no VMA at ${hex(vpn)} in task ${t.name}`);
    yield fr.at('no_vma');
    return m.leave(fr, 'SIGSEGV');
  }
  if (!(vma.prot & PROT_READ) || (write && !(vma.prot & PROT_WRITE))) {
    yield fr.at('access');
    if (!ctx.remote) m.raise('sigsegv', `SIGSEGV: ${write ? 'write' : 'read'} at ${hex(vpn)} against prot of its VMA`);
    yield fr.at('bad_access');
    return m.leave(fr, 'SIGSEGV');
  }
  yield fr.at('handle');
  if (vma.huge) {
    // is_vm_hugetlb_page(vma): hugetlb_fault instead of the pte path.
    ctx.faults.push('hugetlb');
    const r = (yield hugetlb_fault(m, mm, t, vma, vpn, write)) as FaultResult;
    fr.locals.ret = r;
    if (r === 'SIGBUS' && !ctx.remote) m.raise('sigbus', `SIGBUS: hugetlb fault at ${hex(vpn)} in task ${t.name}: ${hugetlbSigbusWhy(mm, vma, vpn)}`);
    if (r === 'OOM') m.output(`hugetlb fault at ${hex(vpn)}: VM_FAULT_OOM, pagefault_out_of_memory(); the access is retried`, 'console');
    if (r !== 'ok') yield fr.at('sigbus');
    return m.leave(fr, r);
  }
  const r = (yield handle_pte_fault(m, mm, t, vma, vpn, write, ctx)) as FaultResult;
  fr.locals.ret = r;
  if (r === 'SIGBUS') {
    if (!ctx.remote) m.raise('sigbus', `SIGBUS: the device could not migrate ${hex(vpn)} back`);
    yield fr.at('sigbus');
  }
  return m.leave(fr, r);
}

function* handle_pte_fault(m: Machine, mm: MmModel, t: Task, vma: Vma, vpn: number, write: boolean, ctx: FaultCtx): KGen<FaultResult> {
  const fr = m.enter(HANDLE_PTE_FAULT, { address: vpn * 4096, write });
  const pte = t.pt.get(vpn);
  fr.locals.orig_pte = ptePreview(pte);
  let r: FaultResult = 'ok';
  const kind = pteKind(pte);
  if (kind === PTE_NONE && !vmaIsAnonymous(vma)) {
    ctx.faults.push('file');
    yield fr.at('fault');
    r = (yield do_fault(m, mm, t, vma, vpn, write)) as FaultResult;
  } else if (kind === PTE_NONE) {
    ctx.faults.push('anon');
    yield fr.at('anon');
    yield do_anonymous_page(m, mm, t, vma, vpn, write);
  } else if (kind === PTE_DEVICE_EXCLUSIVE) {
    ctx.faults.push('device_exclusive');
    m.raiseWith('device_exclusive', deviceExclusiveText, ptePfn(pte), vpn, undefined);
    yield fr.at('swap');
    r = (yield do_swap_page(m, mm, t, vma, vpn)) as FaultResult;
  } else if (kind === PTE_DEVICE_PRIVATE || kind === PTE_MIGRATION) {
    ctx.faults.push('device_private');
    if (kind === PTE_DEVICE_PRIVATE) m.raiseWith('device_private', devicePrivateText, ptePfn(pte), vpn, undefined);
    yield fr.at('swap');
    r = (yield do_swap_page(m, mm, t, vma, vpn)) as FaultResult;
  } else if (write && !pteWrite(pte)) {
    ctx.faults.push('wp');
    yield fr.at('wp');
    yield do_wp_page(m, mm, t, vma, vpn);
  } else yield fr.at('done');
  return m.leave(fr, r);
}

function* do_anonymous_page(m: Machine, mm: MmModel, t: Task, vma: Vma, vpn: number, write: boolean): KGen {
  const fr = m.enter(DO_ANONYMOUS_PAGE, { address: vpn * 4096, write });
  if (!write && !vma.shared) {
    // Use the zero-page for reads
    fr.locals.page = 'ZERO_PAGE';
    t.pt.set(vpn, mkpte(PTE_PRESENT, false, ZERO_PFN));
    yield fr.at('zero');
    m.leave(fr);
    return;
  }
  const pfn = mm.allocSys();
  fr.locals.page = pfn;
  mm.flags.set(pfn, PG_USED | PG_LRU | (vma.shared ? 0 : PG_ANON) | policyNodeFlag(vma));
  mm.mapcount.set(pfn, 1);
  t.rss++;
  t.pt.set(vpn, mkpte(PTE_PRESENT, (vma.prot & PROT_WRITE) !== 0, pfn));
  yield fr.at('set_pte');
  m.leave(fr);
}

function* do_wp_page(m: Machine, mm: MmModel, t: Task, vma: Vma, vpn: number): KGen {
  const pte = t.pt.get(vpn);
  const old = ptePfn(pte);
  const fr = m.enter(DO_WP_PAGE, { address: hex(vpn), page: pageRef(old) });
  fr.locals.mapcount = mm.mapcount.get(old);
  yield fr.at('entry');
  const anon = (mm.flags.get(old) & PG_ANON) !== 0;
  if (pte_devmap(mm, pte) && vma.shared) {
    // vm_normal_any_page gives no page for the devmap PTE: wp_pfn_shared, ->pfn_mkwrite maps it writable.
    yield vm_normal_page(m, mm, pte, false);
    yield fr.at('pfn_shared');
    t.pt.set(vpn, mkpte(PTE_PRESENT, true, old));
  } else if (old === ZERO_PFN) {
    // wp_page_copy from the zero page: a new zeroed page, nothing to release
    const np = mm.allocSys();
    mm.flags.set(np, PG_USED | PG_LRU | PG_ANON | policyNodeFlag(vma));
    mm.mapcount.set(np, 1);
    t.rss++;
    fr.locals.new_page = np;
    yield fr.at('copy');
    t.pt.set(vpn, mkpte(PTE_PRESENT, true, np));
  } else if (anon && mm.mapcount.get(old) === 1) {
    t.pt.set(vpn, mkpte(PTE_PRESENT, true, old));
    yield fr.at('reuse');
  } else if (vma.shared) {
    t.pt.set(vpn, mkpte(PTE_PRESENT, true, old));
    yield fr.at('shared');
  } else {
    const np = mm.allocSys();
    mm.copyVals(old, np);
    mm.flags.set(np, PG_USED | PG_LRU | PG_ANON | policyNodeFlag(vma));
    mm.mapcount.set(np, 1);
    fr.locals.new_page = np;
    yield fr.at('copy');
    // wp_page_copy: mmu_notifier_invalidate_range_start (MMU_NOTIFY_CLEAR) before the new pte
    yield* mmu_notifier_invalidate(m, mm, t, vpn, vpn + 1, 'MMU_NOTIFY_CLEAR');
    t.pt.set(vpn, mkpte(PTE_PRESENT, true, np));
    mm.mapcount.add(old, -1);
    yield fr.at('release');
    yield put_page(m, mm, old);
  }
  m.leave(fr);
}

function* do_swap_page(m: Machine, mm: MmModel, t: Task, vma: Vma, vpn: number): KGen<FaultResult> {
  const pte = t.pt.get(vpn);
  const fr = m.enter(DO_SWAP_PAGE, { address: vpn * 4096 });
  fr.locals.entry = ptePreview(pte);
  let r: FaultResult = 'ok';
  if (pteKind(pte) === PTE_MIGRATION) yield fr.at('migration');
  else if (pteKind(pte) === PTE_DEVICE_EXCLUSIVE) {
    yield fr.at('device_exclusive');
    yield remove_device_exclusive_entry(m, mm, t, vma, vpn);
  } else {
    yield fr.at('device_private');
    r = (yield device_private_entry_fault(m, mm, t, vma, vpn)) as FaultResult;
  }
  fr.locals.ret = r === 'SIGBUS' ? 'VM_FAULT_SIGBUS' : 0;
  if (r !== 'ok') yield fr.at('out');
  return m.leave(fr, r);
}

const REMOVE_DEVICE_EXCLUSIVE_ENTRY = fnOf(MEMORY_C, 'remove_device_exclusive_entry');
const RESTORE_EXCLUSIVE_PTE = fnOf(MEMORY_C, 'restore_exclusive_pte');
const TRY_RESTORE_EXCLUSIVE_PTE = fnOf(MEMORY_C, 'try_restore_exclusive_pte');

/** The page stays where it is: the entry becomes the present pte it was, its device's atomic mapping is invalidated first. */
function* remove_device_exclusive_entry(m: Machine, mm: MmModel, t: Task, vma: Vma, vpn: number): KGen<FaultResult> {
  const fr = m.enter(REMOVE_DEVICE_EXCLUSIVE_ENTRY, { address: vpn * 4096, page: ptePfn(t.pt.get(vpn)) });
  yield fr.at('notify');
  yield* mmu_notifier_invalidate(m, mm, t, vpn, vpn + 1, 'MMU_NOTIFY_EXCLUSIVE');
  yield fr.at('restore');
  yield restore_exclusive_pte(m, mm, t, vma, vpn);
  yield fr.at('done');
  return m.leave(fr, 'ok');
}

/** No reference is taken (the entry kept the one the pte had); the rmap comes back. */
function* restore_exclusive_pte(m: Machine, mm: MmModel, t: Task, vma: Vma, vpn: number): KGen {
  const entry = t.pt.get(vpn);
  const pfn = ptePfn(entry);
  const fr = m.enter(RESTORE_EXCLUSIVE_PTE, { address: hex(vpn), page: pfn, entry: pteWrite(entry) ? 'SWP_DEVICE_EXCLUSIVE_WRITE' : 'SWP_DEVICE_EXCLUSIVE_READ' });
  const write = pteWrite(entry) && (vma.prot & PROT_WRITE) !== 0;
  fr.locals.write = write;
  yield fr.at('entry');
  m.bugOn((mm.flags.get(pfn) & PG_ANON) === 0, 'WARN_ON_ONCE(!PageAnon(page))');
  mm.mapcount.add(pfn, 1);
  t.pt.set(vpn, mkpte(PTE_PRESENT, write, pfn));
  yield fr.at('set');
  m.leave(fr);
}

function* try_restore_exclusive_pte(m: Machine, mm: MmModel, t: Task, vma: Vma, vpn: number): KGen {
  const fr = m.enter(TRY_RESTORE_EXCLUSIVE_PTE, { addr: hex(vpn) });
  yield fr.at('restore');
  yield restore_exclusive_pte(m, mm, t, vma, vpn);
  m.leave(fr);
}

// ---- fork: copy_page_range ----------------------------------------------------------

const COPY_ONE_PTE = fnOf(MEMORY_C, 'copy_one_pte');

function isCow(v: Vma): boolean {
  return !v.shared;
}

/**
 * page_needs_cow_for_dma: the parent has ever pinned (MMF_HAS_PINNED) and
 * this page may be pinned (page_maybe_dma_pinned: a small page's refcount
 * reaches GUP_PIN_COUNTING_BIAS; a huge page has a compound_pincount).
 */
function pageNeedsCowForDma(mm: MmModel, src: Task, pfn: number): boolean {
  if (!src.hasPinned) return false;
  const head = compoundHead(pfn);
  if (head === pfn && !(mm.flags.get(head) & PG_HUGETLB)) return mm.refcount.get(pfn) >= GUP_PIN_COUNTING_BIAS;
  let pincount = 0;
  for (const h of mm.held) if (h.pin && compoundHead(h.pfn) === head) pincount++;
  return pincount > 0;
}

export function* copy_one_pte(m: Machine, mm: MmModel, src: Task, dst: Task, vma: Vma, vpn: number): KGen {
  let pte = src.pt.get(vpn);
  const fr = m.enter(COPY_ONE_PTE, { addr: hex(vpn), pte, vm_flags: vma.shared ? 'VM_SHARED' : 'VM_MAYWRITE' });
  let kind = pteKind(pte);
  const pfn = ptePfn(pte);
  if (kind === PTE_DEVICE_EXCLUSIVE) {
    // copy_nonpresent_pte: the parent's entry becomes present again, then it is copied as a present pte
    yield fr.at('swap');
    m.bugOn(!isCow(vma), '!is_cow_mapping(vm_flags)');
    yield fr.at('device_exclusive');
    yield try_restore_exclusive_pte(m, mm, src, vma, vpn);
    pte = src.pt.get(vpn);
    kind = pteKind(pte);
  }
  if (kind !== PTE_PRESENT) {
    yield fr.at('swap');
    if (kind === PTE_DEVICE_PRIVATE) {
      mm.refcount.add(pfn, 1);
      dst.rss++;
      mm.mapcount.add(pfn, 1);
      if (pteWrite(pte) && isCow(vma)) {
        pte = mkpte(PTE_DEVICE_PRIVATE, false, pfn);
        src.pt.set(vpn, pte);
        yield fr.at('device_private');
      }
    }
  } else {
    if (isCow(vma) && pfn !== ZERO_PFN && pageNeedsCowForDma(mm, src, pfn)) {
      // copy_present_page: the child's own copy now; the parent keeps its pte, writable or not
      const np = mm.allocSys();
      mm.copyVals(pfn, np);
      mm.flags.set(np, PG_USED | PG_LRU | PG_ANON);
      mm.mapcount.set(np, 1);
      dst.rss++;
      dst.pt.set(vpn, mkpte(PTE_PRESENT, (vma.prot & PROT_WRITE) !== 0, np));
      fr.locals.new_page = np;
      yield fr.at('dma_pinned');
      m.leave(fr);
      return;
    }
    if (isCow(vma) && pteWrite(pte)) {
      pte = mkpte(PTE_PRESENT, false, pfn);
      src.pt.set(vpn, pte);
      yield fr.at('wrprotect');
    }
    if (pfn !== ZERO_PFN) {
      // vm_normal_any_page() is NULL for the zero page: no reference, no rmap, no rss
      mm.refcount.add(pfn, 1);
      mm.mapcount.add(pfn, 1);
      dst.rss++;
      yield fr.at('present');
    }
  }
  dst.pt.set(vpn, pte);
  yield fr.at('set');
  m.leave(fr);
}

// ---- zap ------------------------------------------------------------------------------

const ZAP_PTE_RANGE = fnOf(MEMORY_C, 'zap_pte_range');

/**
 * struct zap_details: unmap_mapping_range passes one (truncate: check_mapping
 * NULL, so private COW pages go too; invalidate: check_mapping = the file, so
 * they stay); munmap, exit and MADV_DONTNEED pass none.
 */
export interface ZapDetails {
  readonly checkMapping?: string;
}

/** page_rmapping(): the anon_vma of an anonymous page (never a file's mapping), the file of a page-cache page. */
function pageRmapping(mm: MmModel, pfn: number): string | undefined {
  if (mm.flags.get(pfn) & PG_ANON) return undefined;
  return mm.cache.owner.get(pfn)?.file;
}

/**
 * `event` is the MMU notifier event of the caller's range: unmap_vmas (munmap,
 * exit) sends MMU_NOTIFY_UNMAP, zap_page_range / zap_page_range_single
 * (MADV_DONTNEED, unmap_mapping_range) MMU_NOTIFY_CLEAR.
 */
export function* zap_pte_range(m: Machine, mm: MmModel, t: Task, start: number, end: number, details?: ZapDetails, event = details ? 'MMU_NOTIFY_CLEAR' : 'MMU_NOTIFY_UNMAP'): KGen {
  const fr = m.enter(ZAP_PTE_RANGE, { mm: t.name, addr: hex(start), end: hex(end), details: details ? (details.checkMapping ? `check_mapping=${details.checkMapping}` : '{check_mapping=NULL}') : 'NULL' });
  yield fr.at('walk');
  // mmu_notifier_invalidate_range_start over the range
  yield* mmu_notifier_invalidate(m, mm, t, start, end, event);
  const vpns: number[] = [];
  t.pt.forEach(start, end, (i) => vpns.push(i));
  let zapped = 0;
  for (const vpn of vpns) {
    const pte = t.pt.get(vpn);
    const kind = pteKind(pte);
    const pfn = ptePfn(pte);
    if (kind === PTE_PRESENT && pte_devmap(mm, pte)) {
      // fsdax: no struct page comes back (print_bad_pte since reference 003), so nothing to drop.
      fr.locals.page = pfn;
      yield fr.at('normal');
      yield vm_normal_page(m, mm, pte, false);
      t.pt.set(vpn, 0);
      yield fr.at('no_page');
      continue;
    }
    if (details?.checkMapping !== undefined && pfn !== ZERO_PFN && (kind === PTE_PRESENT || kind === PTE_DEVICE_PRIVATE || kind === PTE_DEVICE_EXCLUSIVE) && pageRmapping(mm, pfn) !== details.checkMapping) {
      // unmap shared but keep private pages (reference 002's check_mapping branch for device-private and device-exclusive entries)
      fr.locals.page = pfn;
      yield fr.at(kind === PTE_PRESENT ? 'keep_private' : 'check_mapping');
      continue;
    }
    // If details, swap (here: migration) entries stay.
    if (details && kind === PTE_MIGRATION) continue;
    t.pt.set(vpn, 0);
    if (kind === PTE_MIGRATION || pfn === ZERO_PFN) continue;
    t.rss--;
    // A device-exclusive entry has no rmap of its own: page_make_device_exclusive_one removed it.
    if (kind !== PTE_DEVICE_EXCLUSIVE) mm.mapcount.add(pfn, -1);
    zapped++;
    const dev = mm.deviceOf(pfn);
    if (kind === PTE_DEVICE_PRIVATE || kind === PTE_DEVICE_EXCLUSIVE) {
      fr.locals.page = pfn;
      yield fr.at('device_private');
      yield put_page(m, mm, pfn);
    } else if (dev) {
      fr.locals.page = pfn;
      yield fr.at('present');
      yield put_page(m, mm, pfn);
    } else mm.putPage(pfn);
  }
  fr.locals.zapped = zapped;
  yield fr.at('done');
  m.leave(fr);
}

// ---- vm_normal_*_page (reference 003) ---------------------------------------------------

const VM_NORMAL_ANY_PAGE = fnOf(MEMORY_C, 'vm_normal_any_page');
const VM_NORMAL_LRU_PAGE = fnOf(MEMORY_C, 'vm_normal_lru_page');

/** vm_normal_any_page / vm_normal_lru_page as frames; returns the pfn or 0. */
export function* vm_normal_page(m: Machine, mm: MmModel, pte: number, lru: boolean): KGen<number> {
  // Before reference 003 there is one vm_normal_page, for LRU callers and the rest alike.
  if (beforePatch(m, '003')) return yield* vm_normal_page_before_003(m, mm, pte);
  const pfn = ptePfn(pte);
  if (lru) {
    const fr = m.enter(VM_NORMAL_LRU_PAGE, { pte });
    yield fr.at('any');
    const any = (yield vm_normal_page(m, mm, pte, false)) as number;
    if (any && mm.deviceOf(any)) {
      yield fr.at('zone_device');
      return m.leave(fr, 0);
    }
    yield fr.at('out');
    return m.leave(fr, any);
  }
  const fr = m.enter(VM_NORMAL_ANY_PAGE, { pte });
  if (pte_devmap(mm, pte)) {
    // pte_special and pte_devmap, no longer excused since reference 003: print_bad_pte
    // The kernel logs "BUG: Bad page map" and taints (TAINT_BAD_PAGE) but goes on: not a BUG_ON, so not kstep's `bug`.
    m.output(`print_bad_pte: bad page map in process ${mm.current}  pte:${(pte >>> 0).toString(16).padStart(8, '0')} (a devmap PTE, no longer excused by vm_normal_any_page since reference 003; TAINT_BAD_PAGE)`, 'console');
    yield fr.at('bad_pte');
    return m.leave(fr, 0);
  }
  yield fr.at('out');
  m.leave(fr);
  // The zero page is special: no "normal" struct page
  return pfn === ZERO_PFN ? 0 : pfn;
}

/** Plain (frameless) version for page-table walks over many entries. */
export function normalPage(mm: MmModel, pte: number, lru: boolean): number {
  const pfn = ptePfn(pte);
  if (pfn === ZERO_PFN || pte_devmap(mm, pte)) return 0;
  if (lru && mm.deviceOf(pfn)) return 0;
  return pfn;
}
