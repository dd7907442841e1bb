/**
 * The lib/test_hmm.c (dmirror driver) functions kstep runs: its pgmap's
 * page_fault callback, and the `migrate` ioctls with their per-page loops.
 * The loops are plain functions called between step points: V8 cannot keep a
 * long loop inside a generator optimized (on-stack replacement of a generator
 * is deoptimized again each time a call takes a path the big range never took).
 */
import { EINVAL, ENOENT } from '../core/errno';
import type { KGen } from '../core/frames';
import { fnOf } from '../core/frames';
import type { Machine } from '../core/machine';
import type { FaultResult } from './memory';
import type { Mig, Select } from './migrate_device';
import { DST_WRITE, migrate_vma_finalize, migrate_vma_pages, migrate_vma_setup, MIGRATE, WRITE } from './migrate_device';
import type { Device, MmModel } from './model';
import { vpnHex as hex } from './page';
import { PTE_DEVICE_PRIVATE, PTE_PRESENT, pteKind, ptePfn } from './pte';
import type { Task, Vma } from './task';
import { PROT_READ } from './task';
import { TEST_HMM_C } from './test_hmm_c';
import { isAtomic } from './test_hmm_atomic';

const DMIRROR_DEVMEM_FAULT = fnOf(TEST_HMM_C, 'dmirror_devmem_fault');
const DMIRROR_MIGRATE_TO_DEVICE = fnOf(TEST_HMM_C, 'dmirror_migrate_to_device');
const DMIRROR_MIGRATE_TO_SYSTEM = fnOf(TEST_HMM_C, 'dmirror_migrate_to_system');
const DMIRROR_MIGRATE_ALLOC_AND_COPY = fnOf(TEST_HMM_C, 'dmirror_migrate_alloc_and_copy');
const DMIRROR_DEVMEM_FAULT_ALLOC_AND_COPY = fnOf(TEST_HMM_C, 'dmirror_devmem_fault_alloc_and_copy');
const DMIRROR_DO_READ = fnOf(TEST_HMM_C, 'dmirror_do_read');

export function* dmirror_devmem_fault(m: Machine, mm: MmModel, t: Task, vma: Vma, vpn: number, dev: Device): KGen<FaultResult> {
  const fr = m.enter(DMIRROR_DEVMEM_FAULT, { address: vpn * 4096, device: dev.name });
  yield fr.at('entry');
  const mig = (yield migrate_vma_setup(m, mm, t, vma, vpn, vpn + 1, { private: dev.name })) as Mig;
  yield fr.at('setup');
  const ok = (yield dmirror_devmem_fault_alloc_and_copy(m, mm, mig)) as boolean;
  if (!ok) {
    yield fr.at('alloc_and_copy');
    // The entry stays: finalize puts the device-private entry back.
    yield migrate_vma_finalize(m, mm, t, mig);
    yield fr.at('sigbus');
    return m.leave(fr, 'SIGBUS');
  }
  yield migrate_vma_pages(m, mig);
  yield fr.at('pages');
  yield migrate_vma_finalize(m, mm, t, mig);
  yield fr.at('finalize');
  return m.leave(fr, 'ok');
}

function* dmirror_migrate_alloc_and_copy(m: Machine, mm: MmModel, mig: Mig, dev: Device): KGen {
  const fr = m.enter(DMIRROR_MIGRATE_ALLOC_AND_COPY, { device: dev.name, npages: mig.n });
  yield fr.at('alloc');
  const nomem = allocDevPages(mm, mig, dev);
  fr.locals.nomem = nomem;
  if (nomem) yield fr.at('nomem');
  yield fr.at('copy');
  m.leave(fr);
}

function* dmirror_devmem_fault_alloc_and_copy(m: Machine, mm: MmModel, mig: Mig): KGen<boolean> {
  const fr = m.enter(DMIRROR_DEVMEM_FAULT_ALLOC_AND_COPY, { npages: mig.n });
  const failed = allocSysPages(mm, mig);
  if (failed) {
    fr.locals.failed = failed.name;
    yield fr.at('failed');
    return m.leave(fr, false);
  }
  yield fr.at('copy');
  return m.leave(fr, true);
}

/** `migrate <addr> <len> to=<device>|system`: dmirror_migrate_to_device or dmirror_migrate_to_system. */
export function* migrate(m: Machine, mm: MmModel, t: Task, start: number, end: number, dev: Device | undefined): KGen<{ migrated: number; ret: number }> {
  const toDev = dev !== undefined;
  const fr = m.enter(toDev ? DMIRROR_MIGRATE_TO_DEVICE : DMIRROR_MIGRATE_TO_SYSTEM, {
    addr: hex(start), npages: end - start, ...(dev ? { device: dev.name } : {}),
  });
  let migrated = 0;
  let ret = 0;
  let addr = start;
  while (addr < end) {
    yield fr.at('vma');
    const vma = t.findVma(addr);
    // migrate_vma_setup refuses hugetlb and dax VMAs.
    if (!vma || !(vma.prot & PROT_READ) || vma.huge || vma.dax) {
      ret = -EINVAL;
      yield fr.at('einval');
      break;
    }
    const next = Math.min(end, vma.end);
    const sel: Select = !toDev ? { anyDevice: true } : { system: true, owner: dev.name };
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
  if (toDev && !ret) {
    yield fr.at('do_read');
    ret = (yield dmirror_do_read(m, mm, t, start, end, dev)) as number;
    yield fr.at('ret');
  } else {
    fr.locals.ret = ret;
    yield fr.at('out');
  }
  return m.leave(fr, { migrated, ret });
}

/**
 * The migrated data read back through the device's page table: -ENOENT at
 * the first page that is not this device's (on another device, left in
 * system memory when the device ran out, MAP_SHARED, not movable).
 */
export function* dmirror_do_read(m: Machine, mm: MmModel, t: Task, start: number, end: number, dev: Device): KGen<number> {
  const fr = m.enter(DMIRROR_DO_READ, { start: hex(start), end: hex(end), device: dev.name });
  yield fr.at('load');
  const missing = firstNotOnDevice(mm, t, start, end, dev);
  fr.locals.cpages = missing - start;
  let ret = 0;
  if (missing < end) {
    ret = -ENOENT;
    fr.locals.pfn = hex(missing);
    yield fr.at('enoent');
  } else yield fr.at('done');
  return m.leave(fr, ret);
}

// ---- the per-page loops -------------------------------------------------------------

/** dmirror_migrate_alloc_and_copy's loop: a device page for every migrating slot; returns the slots left without one. */
function allocDevPages(mm: MmModel, mig: Mig, dev: Device): number {
  let nomem = 0;
  for (let i = 0; i < mig.n; i++) {
    const f = mig.s[mig.flags + i] as number;
    if (!(f & MIGRATE)) continue;
    const d = mm.allocDev(dev);
    if (d === undefined) {
      nomem++;
      continue;
    }
    const src = mig.s[mig.src + i] as number;
    if (src) mm.copyVals(src, d);
    mig.s[mig.dst + i] = d;
    if (f & WRITE) mig.s[mig.flags + i] = f | DST_WRITE;
  }
  return nomem;
}

/**
 * dmirror_devmem_fault_alloc_and_copy's loop: a system page for every
 * migrating device page, stopping at the first page of a failed device (returned).
 */
function allocSysPages(mm: MmModel, mig: Mig): Device | undefined {
  for (let i = 0; i < mig.n; i++) {
    const f = mig.s[mig.flags + i] as number;
    const src = mig.s[mig.src + i] as number;
    if (!src || !(f & MIGRATE)) continue;
    const dev = mm.deviceOf(src);
    if (dev?.failed) return dev;
    const d = mm.allocSys();
    mm.copyVals(src, d);
    mig.s[mig.dst + i] = d;
    if (f & WRITE) mig.s[mig.flags + i] = f | DST_WRITE;
  }
  return undefined;
}

/** migrate to=system after a failed device: the failed device's pages stay, the others still get a system page. */
function allocSysPagesAroundFailed(mm: MmModel, mig: Mig): void {
  for (let i = 0; i < mig.n; i++) {
    const d = mig.s[mig.dst + i] as number;
    const s = mig.s[mig.src + i] as number;
    if (s && mm.deviceOf(s)?.failed) mig.s[mig.flags + i] = (mig.s[mig.flags + i] as number) & ~MIGRATE;
    else if (s && !d) {
      const np = mm.allocSys();
      mm.copyVals(s, np);
      mig.s[mig.dst + i] = np;
      if ((mig.s[mig.flags + i] as number) & WRITE) mig.s[mig.flags + i] = (mig.s[mig.flags + i] as number) | DST_WRITE;
    }
  }
}

/** dmirror_do_read's loop: the first page of [start, end) that is not one of dev's pages, or end. */
function firstNotOnDevice(mm: MmModel, t: Task, start: number, end: number, dev: Device): number {
  for (let vpn = start; vpn < end; vpn++) {
    const pte = t.pt.get(vpn);
    const kind = pteKind(pte);
    // an atomic entry (dmirror_atomic_map) is in the mirror's page table too
    if (isAtomic(dev, t, vpn)) continue;
    if ((kind !== PTE_DEVICE_PRIVATE && kind !== PTE_PRESENT) || mm.deviceOf(ptePfn(pte))?.name !== dev.name) return vpn;
  }
  return end;
}
