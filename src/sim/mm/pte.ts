/**
 * A PTE in one int32, so a page table is a flat typed array: bits 0-1 the
 * kind, bit 2 write, bits 3.. the pfn (which is why pfns stay below 2^28).
 */
export const PTE_NONE = 0;
export const PTE_PRESENT = 1;
export const PTE_DEVICE_PRIVATE = 2;
export const PTE_MIGRATION = 3;
export const PTE_WRITE = 4;
export const PTE_KIND_NAMES = ['none', 'present', 'device_private', 'migration'] as const;

export function mkpte(kind: number, write: boolean, pfn: number): number {
  return pfn * 8 + (write ? PTE_WRITE : 0) + kind;
}
export const pteKind = (p: number): number => p & 3;
export const pteWrite = (p: number): boolean => (p & PTE_WRITE) !== 0;
export const ptePfn = (p: number): number => p >>> 3;
