/** The kernel/memremap.c functions kstep runs: ZONE_DEVICE pages for a `device`, and the device-private fault. */
import type { KGen } from '../core/frames';
import { fnOf } from '../core/frames';
import type { Machine } from '../core/machine';
import { CowStack } from './cow';
import type { FaultResult } from './memory';
import { MEMREMAP_C } from './memremap_c';
import type { Device, DeviceType, MmModel } from './model';
import { ptePfn } from './pte';
import type { Task, Vma } from './task';
import { dmirror_devmem_fault } from './test_hmm';

const DEVICE_PRIVATE_ENTRY_FAULT = fnOf(MEMREMAP_C, 'device_private_entry_fault');
const DEVM_MEMREMAP_PAGES = fnOf(MEMREMAP_C, 'devm_memremap_pages');

export function* device_private_entry_fault(m: Machine, mm: MmModel, t: Task, vma: Vma, vpn: number): KGen<FaultResult> {
  const pfn = ptePfn(t.pt.get(vpn));
  const fr = m.enter(DEVICE_PRIVATE_ENTRY_FAULT, { addr: vpn * 4096, page: pfn });
  const dev = mm.deviceOf(pfn);
  m.bugOn(!dev || dev.type !== 'private', '!is_device_private_page(page)');
  yield fr.at('callback');
  const r = (yield dmirror_devmem_fault(m, mm, t, vma, vpn, dev as Device)) as FaultResult;
  return m.leave(fr, r);
}

/** A new device's pagemap: `npages` ZONE_DEVICE pfns from mm.devNext, every page free with refcount 1. */
export function* devm_memremap_pages(m: Machine, mm: MmModel, name: string, type: DeviceType, npages: number, failed: boolean): KGen {
  const fr = m.enter(DEVM_MEMREMAP_PAGES, { dev: name, type: `MEMORY_DEVICE_${type.toUpperCase()}`, nr_pages: npages });
  const base = mm.devNext;
  mm.devNext += npages;
  const free = new CowStack();
  for (let i = 0; i < npages; i++) {
    free.push(base + npages - 1 - i);
    mm.refcount.set(base + i, 1);
  }
  const d: Device = { name, type, base, npages, free, failed };
  mm.devices.set(name, d);
  fr.locals.base_pfn = `0x${base.toString(16)}`;
  yield fr.at('init');
  m.leave(fr);
}
