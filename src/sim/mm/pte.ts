import { Sym } from '../core/values';

/**
 * A PTE in one int32, so a page table is a flat typed array: bits 0-2 the
 * kind, bit 3 write, bits 4.. the pfn (which is why pfns stay below 2^28).
 * A pfn at or above 2^27 sets the sign bit: mkpte folds the value to int32
 * so it compares equal to what a typed array gives back, and ptePfn shifts
 * unsigned. pte_devmap is not a bit: a present PTE of a ZONE_DEVICE host
 * page is a devmap PTE (only fsdax maps those pages).
 */
export const PTE_NONE = 0;
export const PTE_PRESENT = 1;
export const PTE_DEVICE_PRIVATE = 2;
export const PTE_MIGRATION = 3;
export const PTE_DEVICE_EXCLUSIVE = 4;
export const PTE_WRITE = 8;
export const PTE_KIND_NAMES = ['none', 'present', 'device_private', 'migration', 'device_exclusive'] as const;

export function mkpte(kind: number, write: boolean, pfn: number): number {
  return (pfn * 16 + (write ? PTE_WRITE : 0) + kind) | 0;
}
export const pteKind = (p: number): number => p & 7;
export const pteWrite = (p: number): boolean => (p & PTE_WRITE) !== 0;
export const ptePfn = (p: number): number => p >>> 4;

const PTE_NONE_SHOWN = new Sym('none');

/**
 * A PTE as a kernel frame's argument or local shows it: its kind as SCENARIO.md names it (`task.<t>.pte[]`'s
 * `kind`), write, and the pfn (`device_private write pfn 0x8000000`), never this file's packed int32, which is
 * no kernel value and reads negative once a pfn reaches 2^27. An empty PTE, the common case on a fault's hot
 * path, is one shared value.
 */
export function ptePreview(pte: number): Sym {
  const kind = pteKind(pte);
  if (kind === PTE_NONE) return PTE_NONE_SHOWN;
  return new Sym(`${PTE_KIND_NAMES[kind] ?? 'unknown'}${pteWrite(pte) ? ' write' : ''} pfn 0x${ptePfn(pte).toString(16)}`);
}
