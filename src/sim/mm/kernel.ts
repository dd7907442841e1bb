import type { KernelFn, KGen } from '../core/frames';
import { fnOf } from '../core/frames';
import type { Machine } from '../core/machine';
import { Sym } from '../core/values';
import type { Mig, Select } from './migrate_vma';
import {
  allocDevPages, allocSysPages, allocSysPagesAroundFailed, collect, dropUnallocated, newMig, putUntilDevice,
  removeMigrationPtes, unmap,
} from './migrate_vma';
import { MM_C } from './mm_c';
import { hugetlb_fault } from './hugetlb_fault';
import { copy_hugetlb_page_range } from './hugetlb_walk';
import type { Device, MmModel } from './model';
import { PG_ANON, PG_LRU, PG_USED, ZERO_PFN, vpnHex as hex } from './page';
import { mkpte, PTE_DEVICE_PRIVATE, PTE_MIGRATION, PTE_NONE, PTE_PRESENT, pteKind, ptePfn, pteWrite } from './pte';
import type { Task, Vma } from './task';
import { PROT_READ, PROT_WRITE } from './task';

const F = {
  change_pte_range: fnOf(MM_C, 'change_pte_range'),
  copy_one_pte: fnOf(MM_C, 'copy_one_pte'),
  device_private_entry_fault: fnOf(MM_C, 'device_private_entry_fault'),
  dmirror_devmem_fault: fnOf(MM_C, 'dmirror_devmem_fault'),
  dmirror_devmem_fault_alloc_and_copy: fnOf(MM_C, 'dmirror_devmem_fault_alloc_and_copy'),
  dmirror_devmem_free: fnOf(MM_C, 'dmirror_devmem_free'),
  dmirror_migrate_alloc_and_copy: fnOf(MM_C, 'dmirror_migrate_alloc_and_copy'),
  do_anonymous_page: fnOf(MM_C, 'do_anonymous_page'),
  do_swap_page: fnOf(MM_C, 'do_swap_page'),
  do_wp_page: fnOf(MM_C, 'do_wp_page'),
  dup_mmap: fnOf(MM_C, 'dup_mmap'),
  follow_page: fnOf(MM_C, 'follow_page'),
  get_mergeable_page: fnOf(MM_C, 'get_mergeable_page'),
  handle_mm_fault: fnOf(MM_C, 'handle_mm_fault'),
  handle_pte_fault: fnOf(MM_C, 'handle_pte_fault'),
  hmm_range_fault: fnOf(MM_C, 'hmm_range_fault'),
  khugepaged_scan_pmd: fnOf(MM_C, 'khugepaged_scan_pmd'),
  migrate_vma_finalize: fnOf(MM_C, 'migrate_vma_finalize'),
  migrate_vma_pages: fnOf(MM_C, 'migrate_vma_pages'),
  migrate_vma_setup: fnOf(MM_C, 'migrate_vma_setup'),
  put_page: fnOf(MM_C, 'put_page'),
  vm_normal_any_page: fnOf(MM_C, 'vm_normal_any_page'),
  vm_normal_lru_page: fnOf(MM_C, 'vm_normal_lru_page'),
  zap_pte_range: fnOf(MM_C, 'zap_pte_range'),
};
const fn = (name: string): KernelFn => {
  const f = (F as Record<string, KernelFn>)[name] ?? MM_C.functions.get(name);
  if (!f) throw new Error(`mm/memory.c has no ${name}`);
  return f;
};

export const ENOMEM = 12;
export const EINVAL = 22;
export const EFAULT = 14;
export const ENOENT = 2;

export type FaultKind = 'anon' | 'wp' | 'device_private' | 'hugetlb';
/** What a fault ends in: handled, the signal the task gets, or VM_FAULT_OOM (the access is retried). */
export type FaultResult = 'ok' | 'SIGSEGV' | 'SIGBUS' | 'OOM';


/** A VMA's range as the frame shows it; VMAs are immutable, so the text is kept for the last one, not built per fault. */
let lastRange: { readonly vma: Vma; readonly text: string } | undefined;
function vmaRange(v: Vma): string {
  if (lastRange?.vma !== v) lastRange = { vma: v, text: `[${hex(v.start)}, ${hex(v.end)})` };
  return lastRange.text;
}

// Messages raised on every fault, built only when read (raiseWith): made here
// rather than as arrows inside the generators, which would move the
// generators' own variables into a context object allocated on every call.
const faultText = (vpn: number, write: boolean, task: string): string => `page fault at ${hex(vpn)} (${write ? 'write' : 'read'}) in task ${task}`;
const devicePrivateText = (pfn: number, vpn: number): string => `CPU access to device-private page ${pfn} at ${hex(vpn)}`;

function isCow(v: Vma): boolean {
  return !v.shared;
}

// ---- put_page / page_free -----------------------------------------------------

/** put_page() as a frame: shows the ZONE_DEVICE refcount-1 rule and the driver's page_free. */
export function* put_page(m: Machine, mm: MmModel, pfn: number): KGen {
  const dev = mm.deviceOf(pfn);
  if (!dev) {
    mm.putPage(pfn);
    return;
  }
  const fr = m.enter(F.put_page, { page: pfn });
  const r = mm.putPage(pfn);
  fr.locals.refcount = mm.refcount.get(pfn);
  if (r !== 'page_free') yield fr.at('entry');
  else {
    yield fr.at('page_free');
    const f2 = m.enter(F.dmirror_devmem_free, { page: pfn, device: dev.name });
    f2.locals.cfree = dev.free.length;
    yield f2.at('free');
    m.leave(f2);
  }
  m.leave(fr);
}

// ---- the CPU fault path -------------------------------------------------------

export interface FaultCtx {
  readonly faults: FaultKind[];
  /** hmm_range_fault on behalf of a device: no signal is delivered. */
  readonly remote: boolean;
}

export function* handle_mm_fault(m: Machine, mm: MmModel, t: Task, vpn: number, write: boolean, ctx: FaultCtx): KGen<FaultResult> {
  const fr = m.enter(F.handle_mm_fault, { mm: t.name, address: vpn * 4096, write });
  m.raiseWith('fault', faultText, vpn, write, t.name);
  yield fr.at('find_vma');
  const vma = t.findVma(vpn);
  fr.locals.vma = vma ? vmaRange(vma) : 'NULL';
  if (!vma) {
    if (!ctx.remote) m.raise('sigsegv', `SIGSEGV: no VMA at ${hex(vpn)} in task ${t.name}`);
    m.leave(fr);
    return 'SIGSEGV';
  }
  if (!(vma.prot & PROT_READ) || (write && !(vma.prot & PROT_WRITE))) {
    yield fr.at('access');
    if (!ctx.remote) m.raise('sigsegv', `SIGSEGV: ${write ? 'write' : 'read'} at ${hex(vpn)} against prot of its VMA`);
    m.leave(fr);
    return 'SIGSEGV';
  }
  yield fr.at('handle');
  if (vma.huge) {
    // is_vm_hugetlb_page(vma): hugetlb_fault instead of the pte path.
    ctx.faults.push('hugetlb');
    const r = (yield hugetlb_fault(m, mm, t, vma, vpn, write)) as FaultResult;
    fr.locals.ret = r;
    if (r === 'SIGBUS' && !ctx.remote) m.raise('sigbus', `SIGBUS: hugetlb fault at ${hex(vpn)} in task ${t.name} found no huge page`);
    if (r === 'OOM') m.output(`hugetlb fault at ${hex(vpn)}: VM_FAULT_OOM, pagefault_out_of_memory(); the access is retried`, 'console');
    if (r !== 'ok') yield fr.at('sigbus');
    m.leave(fr);
    return r;
  }
  const r = (yield handle_pte_fault(m, mm, t, vma, vpn, write, ctx)) as FaultResult;
  fr.locals.ret = r;
  if (r === 'SIGBUS') {
    if (!ctx.remote) m.raise('sigbus', `SIGBUS: the device could not migrate ${hex(vpn)} back`);
    yield fr.at('sigbus');
  }
  m.leave(fr);
  return r;
}

function* handle_pte_fault(m: Machine, mm: MmModel, t: Task, vma: Vma, vpn: number, write: boolean, ctx: FaultCtx): KGen<FaultResult> {
  const fr = m.enter(F.handle_pte_fault, { address: vpn * 4096, write });
  const pte = t.pt.get(vpn);
  fr.locals.orig_pte = pte;
  let r: FaultResult = 'ok';
  const kind = pteKind(pte);
  if (kind === PTE_NONE) {
    ctx.faults.push('anon');
    yield fr.at('anon');
    yield do_anonymous_page(m, mm, t, vma, vpn, write);
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
  m.leave(fr);
  return r;
}

function* do_anonymous_page(m: Machine, mm: MmModel, t: Task, vma: Vma, vpn: number, write: boolean): KGen {
  const fr = m.enter(F.do_anonymous_page, { address: vpn * 4096, write });
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
  mm.flags.set(pfn, PG_USED | PG_LRU | (vma.shared ? 0 : PG_ANON));
  mm.mapcount.set(pfn, 1);
  t.rss++;
  t.pt.set(vpn, mkpte(PTE_PRESENT, (vma.prot & PROT_WRITE) !== 0, pfn));
  yield fr.at('set_pte');
  m.leave(fr);
}

function* do_wp_page(m: Machine, mm: MmModel, t: Task, vma: Vma, vpn: number): KGen {
  const pte = t.pt.get(vpn);
  const old = ptePfn(pte);
  const fr = m.enter(F.do_wp_page, { address: hex(vpn), page: old });
  fr.locals.mapcount = mm.mapcount.get(old);
  yield fr.at('entry');
  const anon = (mm.flags.get(old) & PG_ANON) !== 0;
  if (old === ZERO_PFN) {
    // wp_page_copy from the zero page: a new zeroed page, nothing to release
    const np = mm.allocSys();
    mm.flags.set(np, PG_USED | PG_LRU | PG_ANON);
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
    mm.flags.set(np, PG_USED | PG_LRU | PG_ANON);
    mm.mapcount.set(np, 1);
    fr.locals.new_page = np;
    yield fr.at('copy');
    t.pt.set(vpn, mkpte(PTE_PRESENT, true, np));
    mm.mapcount.add(old, -1);
    yield fr.at('release');
    yield put_page(m, mm, old);
  }
  m.leave(fr);
}

function* do_swap_page(m: Machine, mm: MmModel, t: Task, vma: Vma, vpn: number): KGen<FaultResult> {
  const pte = t.pt.get(vpn);
  const fr = m.enter(F.do_swap_page, { address: vpn * 4096 });
  fr.locals.entry = pte;
  let r: FaultResult = 'ok';
  if (pteKind(pte) === PTE_MIGRATION) yield fr.at('migration');
  else {
    yield fr.at('device_private');
    r = (yield device_private_entry_fault(m, mm, t, vma, vpn)) as FaultResult;
  }
  fr.locals.ret = r === 'SIGBUS' ? 'VM_FAULT_SIGBUS' : 0;
  if (r !== 'ok') yield fr.at('out');
  m.leave(fr);
  return r;
}

function* device_private_entry_fault(m: Machine, mm: MmModel, t: Task, vma: Vma, vpn: number): KGen<FaultResult> {
  const pfn = ptePfn(t.pt.get(vpn));
  const fr = m.enter(F.device_private_entry_fault, { addr: vpn * 4096, page: pfn });
  const dev = mm.deviceOf(pfn);
  m.bugOn(!dev || dev.type !== 'private', '!is_device_private_page(page)');
  yield fr.at('callback');
  const r = (yield dmirror_devmem_fault(m, mm, t, vma, vpn, dev as Device)) as FaultResult;
  m.leave(fr);
  return r;
}

function* dmirror_devmem_fault(m: Machine, mm: MmModel, t: Task, vma: Vma, vpn: number, dev: Device): KGen<FaultResult> {
  const fr = m.enter(F.dmirror_devmem_fault, { address: vpn * 4096, device: dev.name });
  yield fr.at('entry');
  const mig = (yield migrate_vma_setup(m, mm, t, vma, vpn, vpn + 1, { private: dev.name })) as Mig;
  yield fr.at('setup');
  const ok = (yield dmirror_devmem_fault_alloc_and_copy(m, mm, mig)) as boolean;
  if (!ok) {
    yield fr.at('alloc_and_copy');
    // The entry stays: finalize puts the device-private entry back.
    yield migrate_vma_finalize(m, mm, t, mig);
    yield fr.at('sigbus');
    m.leave(fr);
    return 'SIGBUS';
  }
  yield migrate_vma_pages(m, mig);
  yield fr.at('pages');
  yield migrate_vma_finalize(m, mm, t, mig);
  yield fr.at('finalize');
  m.leave(fr);
  return 'ok';
}

// ---- migrate_vma ----------------------------------------------------------------

function* migrate_vma_setup(m: Machine, mm: MmModel, t: Task, vma: Vma, start: number, end: number, sel: Select): KGen<Mig> {
  const n = end - start;
  const fr = m.enter(F.migrate_vma_setup, { start: start * 4096, end: end * 4096, npages: n });
  const mig = newMig(vma, start, n);
  yield fr.at('collect');
  collect(mm, t, mig, sel);
  fr.locals.cpages = mig.cpages;
  if (mig.cpages) {
    yield fr.at('unmap');
    unmap(t, mig);
  }
  m.leave(fr);
  return mig;
}

function* migrate_vma_pages(m: Machine, mig: Mig): KGen {
  const fr = m.enter(F.migrate_vma_pages, { npages: mig.n });
  fr.locals.migrated = dropUnallocated(mig);
  yield fr.at('loop');
  m.leave(fr);
}

/** remove_migration_ptes for every slot, then the old pages released in order (ZONE_DEVICE ones through put_page frames). */
function* migrate_vma_finalize(m: Machine, mm: MmModel, t: Task, mig: Mig): KGen<number> {
  const fr = m.enter(F.migrate_vma_finalize, { npages: mig.n });
  yield fr.at('remove');
  const frees: number[] = [];
  const moved = removeMigrationPtes(mm, t, mig, frees);
  fr.locals.migrated = moved;
  for (let k = putUntilDevice(mm, frees, 0); k < frees.length; k = putUntilDevice(mm, frees, k + 1)) {
    yield put_page(m, mm, frees[k] as number);
  }
  m.leave(fr);
  return moved;
}

function* dmirror_migrate_alloc_and_copy(m: Machine, mm: MmModel, mig: Mig, dev: Device): KGen {
  const fr = m.enter(F.dmirror_migrate_alloc_and_copy, { device: dev.name, npages: mig.n });
  yield fr.at('alloc');
  const nomem = allocDevPages(mm, mig, dev);
  fr.locals.nomem = nomem;
  if (nomem) yield fr.at('nomem');
  yield fr.at('copy');
  m.leave(fr);
}

function* dmirror_devmem_fault_alloc_and_copy(m: Machine, mm: MmModel, mig: Mig): KGen<boolean> {
  const fr = m.enter(F.dmirror_devmem_fault_alloc_and_copy, { npages: mig.n });
  const failed = allocSysPages(mm, mig);
  if (failed) {
    fr.locals.failed = failed.name;
    yield fr.at('failed');
    m.leave(fr);
    return false;
  }
  yield fr.at('copy');
  m.leave(fr);
  return true;
}

/** `migrate <addr> <len> to=<device>|system`. */
export function* migrate(m: Machine, mm: MmModel, t: Task, start: number, end: number, dev: Device | undefined): KGen<{ migrated: number; ret: number }> {
  const toDev = dev !== undefined;
  const fr = m.enter(fn(toDev ? 'dmirror_migrate_to_device' : 'dmirror_migrate_to_system'), {
    addr: hex(start), npages: end - start, ...(dev ? { device: dev.name } : {}),
  });
  let migrated = 0;
  let ret = 0;
  let addr = start;
  while (addr < end) {
    yield fr.at('vma');
    const vma = t.findVma(addr);
    // migrate_vma_setup refuses hugetlb VMAs.
    if (!vma || !(vma.prot & PROT_READ) || vma.huge) {
      ret = -EINVAL;
      yield fr.at('einval');
      break;
    }
    const next = Math.min(end, vma.end);
    if (toDev && vma.shared) {
      // hmm-tests migrate_shared: MAP_SHARED memory cannot go to device-private memory
      ret = -ENOENT;
      break;
    }
    const sel: Select = !toDev ? { anyDevice: true } : { system: true };
    const mig = (yield migrate_vma_setup(m, mm, t, vma, addr, next, sel)) as Mig;
    yield fr.at('setup');
    if (toDev) yield dmirror_migrate_alloc_and_copy(m, mm, mig, dev);
    else {
      // migrate back page by page so one failed device does not hold the others
      const ok = (yield dmirror_devmem_fault_alloc_and_copy(m, mm, mig)) as boolean;
      if (!ok) allocSysPagesAroundFailed(mm, mig);
    }
    yield fr.at('alloc_and_copy');
    yield migrate_vma_pages(m, mig);
    yield fr.at('pages');
    migrated += (yield migrate_vma_finalize(m, mm, t, mig)) as number;
    yield fr.at('finalize');
    addr = next;
  }
  fr.locals.ret = ret;
  yield fr.at('out');
  m.leave(fr);
  return { migrated, ret };
}

// ---- hmm_range_fault --------------------------------------------------------------

export function* hmm_range_fault(m: Machine, mm: MmModel, t: Task, vpn: number, write: boolean, dev: Device, ctx: FaultCtx): KGen<{ ret: number; pfn: number }> {
  const fr = m.enter(F.hmm_range_fault, { start: hex(vpn), write, device: dev.name });
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

// ---- fork ---------------------------------------------------------------------------

export function* dup_mmap(m: Machine, mm: MmModel, parent: Task, child: Task): KGen {
  const fr = m.enter(F.dup_mmap, { oldmm: parent.name, mm: child.name });
  for (const vma of parent.vmas) {
    // reset_vma_resv_huge_pages: a child's hugetlb VMA owns no reserve map.
    child.vmas.push(vma.huge ? { ...vma, locked: false, huge: { file: vma.huge.file, base: vma.huge.base } } : { ...vma, locked: false });
    fr.locals.vma = `[0x${(BigInt(vma.start) << 12n).toString(16)}, 0x${(BigInt(vma.end) << 12n).toString(16)})`;
    yield fr.at('vma');
    if (vma.huge) {
      yield* copy_hugetlb_page_range(m, mm, parent, child, vma);
      continue;
    }
    const vpns: number[] = [];
    parent.pt.forEach(vma.start, vma.end, (i) => vpns.push(i));
    for (const vpn of vpns) yield copy_one_pte(m, mm, parent, child, vma, vpn);
  }
  yield fr.at('done');
  m.leave(fr);
}

function* copy_one_pte(m: Machine, mm: MmModel, src: Task, dst: Task, vma: Vma, vpn: number): KGen {
  let pte = src.pt.get(vpn);
  const fr = m.enter(F.copy_one_pte, { addr: hex(vpn), pte, vm_flags: vma.shared ? 'VM_SHARED' : 'VM_MAYWRITE' });
  const kind = pteKind(pte);
  const pfn = ptePfn(pte);
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

export function* zap_pte_range(m: Machine, mm: MmModel, t: Task, start: number, end: number): KGen {
  const fr = m.enter(F.zap_pte_range, { mm: t.name, addr: hex(start), end: hex(end) });
  yield fr.at('walk');
  const vpns: number[] = [];
  t.pt.forEach(start, end, (i) => vpns.push(i));
  let zapped = 0;
  for (const vpn of vpns) {
    const pte = t.pt.get(vpn);
    const kind = pteKind(pte);
    const pfn = ptePfn(pte);
    t.pt.set(vpn, 0);
    if (kind === PTE_MIGRATION || pfn === ZERO_PFN) continue;
    t.rss--;
    mm.mapcount.add(pfn, -1);
    zapped++;
    const dev = mm.deviceOf(pfn);
    if (kind === PTE_DEVICE_PRIVATE) {
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

// ---- mprotect -----------------------------------------------------------------------

export function* change_pte_range(m: Machine, t: Task, start: number, end: number, prot: number): KGen<number> {
  const fr = m.enter(F.change_pte_range, { addr: hex(start), end: hex(end), newprot: prot });
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

// ---- vm_normal_*_page and their callers ---------------------------------------------

/** vm_normal_any_page / vm_normal_lru_page as frames; returns the pfn or 0. */
export function* vm_normal_page(m: Machine, mm: MmModel, pte: number, lru: boolean): KGen<number> {
  const pfn = ptePfn(pte);
  if (lru) {
    const fr = m.enter(F.vm_normal_lru_page, { pte });
    yield fr.at('any');
    const any = (yield vm_normal_page(m, mm, pte, false)) as number;
    if (any && mm.deviceOf(any)) {
      yield fr.at('zone_device');
      m.leave(fr);
      return 0;
    }
    yield fr.at('out');
    m.leave(fr);
    return any;
  }
  const fr = m.enter(F.vm_normal_any_page, { pte });
  yield fr.at('out');
  m.leave(fr);
  // The zero page is special: no "normal" struct page
  return pfn === ZERO_PFN ? 0 : pfn;
}

/** Plain (frameless) version for page-table walks over many entries. */
export function normalPage(mm: MmModel, pte: number, lru: boolean): number {
  const pfn = ptePfn(pte);
  if (pfn === ZERO_PFN) return 0;
  if (lru && mm.deviceOf(pfn)) return 0;
  return pfn;
}

export const FOLL_DUMP = 0x08n;
export const FOLL_MLOCK = 0x1000n;
export const FOLL_LRU = 0x100000n;

export function* follow_page(m: Machine, mm: MmModel, t: Task, vpn: number, flags: bigint): KGen<number> {
  const fr = m.enter(F.follow_page, { address: hex(vpn), foll_flags: `0x${flags.toString(16)}` });
  yield fr.at('vma');
  const vma = t.findVma(vpn);
  const pte = t.pt.get(vpn);
  if (!vma || pteKind(pte) !== PTE_PRESENT) {
    yield fr.at('no_page');
    m.leave(fr);
    return 0;
  }
  const lru = (flags & (FOLL_MLOCK | FOLL_LRU)) !== 0n;
  yield fr.at(lru ? 'lru' : 'any');
  let page = (yield vm_normal_page(m, mm, pte, lru)) as number;
  // follow_page_pte: no normal page but the zero page: return it, unless FOLL_DUMP
  if (!page && ptePfn(pte) === ZERO_PFN && !(flags & FOLL_DUMP)) page = ZERO_PFN;
  fr.locals.page = page || 'NULL';
  yield fr.at('out');
  m.leave(fr);
  return page;
}

const HPAGE_PMD_NR = 512;
const MAX_PTES_NONE = 511;
const MAX_PTES_SWAP = 64;
const MAX_PTES_SHARED = 256;

export function* khugepaged_scan_pmd(m: Machine, mm: MmModel, t: Task, vpn: number): KGen<string> {
  const h = vpn - (vpn % HPAGE_PMD_NR);
  const fr = m.enter(F.khugepaged_scan_pmd, { mm: t.name, address: hex(h) });
  let result = 'SCAN_FAIL';
  const vma = t.findVma(h);
  const out = function* (r: string): KGen<string> {
    fr.locals.result = r;
    yield fr.at('out');
    m.leave(fr);
    return r;
  };
  if (!vma || vma.shared || vma.huge || h + HPAGE_PMD_NR > vma.end) {
    yield fr.at('vma_check');
    return yield* out('SCAN_VMA_CHECK');
  }
  let any = false;
  t.pt.forEach(h, h + HPAGE_PMD_NR, () => (any = true));
  if (!any) {
    yield fr.at('pmd');
    return yield* out('SCAN_PMD_NULL');
  }
  let unmapped = 0;
  let none = 0;
  let shared = 0;
  let referenced = 0;
  let writable = false;
  yield fr.at('pte');
  for (let i = 0; i < HPAGE_PMD_NR; i++) {
    const pte = t.pt.get(h + i);
    const kind = pteKind(pte);
    if (kind === PTE_DEVICE_PRIVATE || kind === PTE_MIGRATION) {
      if (++unmapped <= MAX_PTES_SWAP) continue;
      return yield* out('SCAN_EXCEED_SWAP_PTE');
    }
    if (kind === PTE_NONE || ptePfn(pte) === ZERO_PFN) {
      if (++none <= MAX_PTES_NONE) continue;
      return yield* out('SCAN_EXCEED_NONE_PTE');
    }
    if (pteWrite(pte)) writable = true;
    fr.locals._address = hex(h + i);
    const page = (yield vm_normal_page(m, mm, pte, true)) as number;
    if (!page) {
      yield fr.at('page_null');
      return yield* out('SCAN_PAGE_NULL');
    }
    if (mm.mapcount.get(page) > 1 && ++shared > MAX_PTES_SHARED) return yield* out('SCAN_EXCEED_SHARED_PTE');
    if (!(mm.flags.get(page) & PG_LRU)) return yield* out('SCAN_PAGE_LRU');
    if (!(mm.flags.get(page) & PG_ANON)) return yield* out('SCAN_PAGE_ANON');
    referenced++;
  }
  if (!writable) result = 'SCAN_PAGE_RO';
  else if (!referenced || (unmapped && referenced < HPAGE_PMD_NR / 2)) result = 'SCAN_LACK_REFERENCED_PAGE';
  else result = 'SCAN_SUCCEED';
  return yield* out(result);
}

/** One walk of [start, end) calling vm_normal_lru_page on present entries; returns pages refused as not LRU. */
function lruWalk(mm: MmModel, t: Task, start: number, end: number, visit?: (pfn: number) => void): { skipped: number; pages: number } {
  let skipped = 0;
  let pages = 0;
  const each = (_vpn: number, pte: number): void => {
    if (pteKind(pte) !== PTE_PRESENT || ptePfn(pte) === ZERO_PFN) return;
    const p = normalPage(mm, pte, true);
    if (!p) skipped++;
    else {
      pages++;
      visit?.(p);
    }
  };
  // VMA by VMA, as walk_page_range goes: the pte-level walkers do not see hugetlb VMAs (their pages are never on an LRU).
  for (const v of t.vmas) if (!v.huge && v.end > start && v.start < end) t.pt.forEach(Math.max(start, v.start), Math.min(end, v.end), each);
  return { skipped, pages };
}

export type Walker = 'madvise_cold_or_pageout_pte_range' | 'madvise_free_pte_range' | 'mlock_pte_range' | 'gather_pte_stats';

export function* lru_walk(m: Machine, mm: MmModel, t: Task, which: Walker, start: number, end: number, args: Record<string, string>): KGen<{ skipped: number; pages: number }> {
  const fr = m.enter(fn(which), { addr: hex(start), end: hex(end), ...args });
  if (which === 'mlock_pte_range') {
    yield fr.at('locked');
    t.splitVmas(start, end, (v) => ({ ...v, locked: true }));
  }
  if (which !== 'mlock_pte_range') yield fr.at('walk');
  const r = lruWalk(mm, t, start, end);
  fr.locals.skipped = r.skipped;
  fr.locals.pages = r.pages;
  yield fr.at('done');
  m.leave(fr);
  return r;
}

export function* get_mergeable_page(m: Machine, mm: MmModel, t: Task, vpn: number): KGen<{ page: number; skipped: number }> {
  const fr = m.enter(F.get_mergeable_page, { addr: hex(vpn) });
  yield fr.at('vma');
  const vma = t.findVma(vpn);
  if (!vma) {
    yield fr.at('out');
    m.leave(fr);
    return { page: 0, skipped: 0 };
  }
  const page = (yield follow_page(m, mm, t, vpn, FOLL_LRU | 0x04n)) as number;
  yield fr.at('follow');
  const present = pteKind(t.pt.get(vpn)) === PTE_PRESENT;
  const ok = page !== 0 && (mm.flags.get(page) & PG_ANON) !== 0;
  fr.locals.page = ok ? page : 'NULL';
  yield fr.at('out');
  m.leave(fr);
  return { page: ok ? page : 0, skipped: present && page === 0 ? 1 : 0 };
}

export const NONE = new Sym('none');
