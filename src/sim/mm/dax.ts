/**
 * The fs/dax.c fault kstep runs for `mmap ... shared dax=<host device>`, and
 * mm/memory.c's insert_pfn it ends in (kept here, beside its one caller, so
 * the fault path needs no import back into memory.ts). The fsdax file is the
 * whole device: file page i is the device's pfn base + i.
 */
import type { KGen } from '../core/frames';
import { fnOf } from '../core/frames';
import type { Machine } from '../core/machine';
import { DAX_C } from './dax_c';
import { MEMORY_C } from './memory_c';
import type { Device } from './model';
import { vpnHex as hex } from './page';
import { mkpte, PTE_NONE, PTE_PRESENT, pteKind } from './pte';
import type { Task, Vma } from './task';
import { PROT_WRITE } from './task';

const DAX_IOMAP_PTE_FAULT = fnOf(DAX_C, 'dax_iomap_pte_fault');
const INSERT_PFN = fnOf(MEMORY_C, 'insert_pfn');

/** vmf_insert_mixed(_mkwrite) → insert_pfn: a devmap PTE, no reference, no rmap, no rss. */
export function* insert_pfn(m: Machine, t: Task, vma: Vma, vpn: number, pfn: number, mkwrite: boolean): KGen {
  const fr = m.enter(INSERT_PFN, { addr: hex(vpn), pfn: `0x${pfn.toString(16)}`, pfn_flags: 'PFN_DEV|PFN_MAP', mkwrite });
  const write = mkwrite && (vma.prot & PROT_WRITE) !== 0;
  if (pteKind(t.pt.get(vpn)) !== PTE_NONE) {
    // A read fault raced in first, or wp_pfn_shared's ->pfn_mkwrite: make the entry writable in place.
    if (mkwrite) {
      t.pt.set(vpn, mkpte(PTE_PRESENT, write, pfn));
      yield fr.at('mkwrite');
    }
  } else {
    yield fr.at('devmap');
    t.pt.set(vpn, mkpte(PTE_PRESENT, write, pfn));
    yield fr.at('set_pte');
  }
  fr.locals.ret = 'VM_FAULT_NOPAGE';
  yield fr.at('out');
  m.leave(fr);
}

/** ext4_dax_fault → dax_iomap_fault for one PTE; false past the device's end (VM_FAULT_SIGBUS). */
export function* dax_iomap_pte_fault(m: Machine, t: Task, vma: Vma, dev: Device, vpn: number, write: boolean): KGen<boolean> {
  const index = vpn - (vma.dax?.base ?? vma.start);
  const fr = m.enter(DAX_IOMAP_PTE_FAULT, { address: hex(vpn), pgoff: index, write, dev: dev.name });
  if (index >= dev.npages) {
    yield fr.at('sigbus');
    return m.leave(fr, false);
  }
  yield fr.at('entry');
  const pfn = dev.base + index;
  fr.locals.pfn = `0x${pfn.toString(16)}`;
  yield fr.at('pfn');
  yield fr.at(write ? 'insert_mkwrite' : 'insert');
  yield* insert_pfn(m, t, vma, vpn, pfn, write);
  return m.leave(fr, true);
}
