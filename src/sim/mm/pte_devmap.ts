/**
 * pte_devmap(): the PTE encoding has no devmap bit. Only fsdax (`mmap ...
 * dax=<host device>`) maps MEMORY_DEVICE_HOST pages, always through
 * insert_pfn with PFN_DEV|PFN_MAP, so a present PTE of a host page is a
 * devmap PTE — and, as pte_mkdevmap sets _PAGE_SPECIAL too on x86, special.
 */
import type { MmModel } from './model';
import { PTE_PRESENT, pteKind, ptePfn } from './pte';

export function pte_devmap(mm: MmModel, pte: number): boolean {
  return pteKind(pte) === PTE_PRESENT && mm.deviceOf(ptePfn(pte))?.type === 'host';
}
