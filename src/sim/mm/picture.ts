import type { Device } from './model';
import { compoundHead, PG_HUGETLB } from './page';
import { PTE_KIND_NAMES, PTE_PRESENT, pteKind, ptePfn } from './pte';
import { pte_devmap } from './pte_devmap';
import type { Mm } from './subsystem';
import type { Task } from './task';
import { protName } from './task';

/** Pages drawn per task in the `mm` section; the picture says how many more there are. */
export const MAX_PAGES = 4096;
/** VMAs listed per task once MAX_PAGES are drawn; the rest only count. */
export const MAX_VMAS = 64;

/**
 * The cell character of each PTE kind in VmaPicture.cells; a present PTE is
 * drawn by the zone of its page: `p` NORMAL, `c` DEVICE (coherent), `h` a huge
 * page, `f` a page-cache page, `n` a pmem (nvdimm) page behind a devmap
 * (fsdax) PTE; `x` is a device-exclusive entry. Anything else draws as `?`.
 */
export const PAGE_CELL: Readonly<Record<string, string>> = { none: '.', present: 'p', present_device: 'c', present_huge: 'h', device_private: 'd', migration: 'm', device_exclusive: 'x', present_file: 'f', present_pmem: 'n' };

/** Page cells of one VMA: one character per page, see PAGE_CELL. */
export interface VmaPicture {
  readonly start: string;
  readonly end: string;
  readonly prot: string;
  readonly pages: number;
  readonly cells: string;
  /** What a file VMA maps: `file <name>` or `dax <device>`; absent for anonymous and hugetlb VMAs. */
  readonly mapping?: string;
}

export type MmPicture =
  | { readonly kind: 'task'; readonly task: string; readonly rss: number; readonly vmas: readonly VmaPicture[]; readonly vmaCount: number; readonly pages: number; readonly shown: number }
  | { readonly kind: 'device'; readonly device: string; readonly type: string; readonly pages: number; readonly free: number; readonly used: number; readonly failed: boolean };

/** Its sections of the state picture, by name (a type, not an interface: the picture hook returns a Record). */
export type MmSections = {
  /** Tasks with VMAs, then devices. */
  readonly mm: readonly MmPicture[];
};

/** The cell of one page: its PTE's kind, a present one told apart by the zone of its page. */
function cellAt(mm: Mm, t: Task, vpn: number): string {
  const pte = t.pt.get(vpn);
  const kind = pteKind(pte);
  if (kind !== PTE_PRESENT) return PAGE_CELL[PTE_KIND_NAMES[kind] as string] ?? '?';
  const pfn = ptePfn(pte);
  // A tail page of a huge page is huge by its head's flags, as PageHuge() is.
  if (mm.flags.get(compoundHead(pfn)) & PG_HUGETLB) return PAGE_CELL.present_huge as string;
  if (pte_devmap(mm, pte)) return PAGE_CELL.present_pmem as string;
  if (mm.cache.owner.has(pfn)) return PAGE_CELL.present_file as string;
  return (mm.deviceOf(pfn) ? PAGE_CELL.present_device : PAGE_CELL.present) as string;
}

const addrHex = (vpn: number): string => `0x${(BigInt(vpn) << 12n).toString(16)}`;

/** Drawn pages are read from the page table by address, so a task with a million PTEs costs MAX_PAGES reads per stop. */
function taskPicture(mm: Mm, t: Task): MmPicture {
  let budget = MAX_PAGES;
  let npages = 0;
  const vmas: VmaPicture[] = [];
  for (const v of t.vmas) {
    const count = v.end - v.start;
    npages += count;
    if (budget === 0 && vmas.length >= MAX_VMAS) continue;
    const take = Math.max(0, Math.min(budget, count));
    budget -= take;
    let cells = '';
    for (let k = 0; k < take; k++) cells += cellAt(mm, t, v.start + k);
    const mapping = v.file ? `file ${v.file.name}` : v.dax ? `dax ${v.dax.name}` : undefined;
    vmas.push({ start: addrHex(v.start), end: addrHex(v.end), prot: protName(v.prot), pages: count, cells, ...(mapping ? { mapping } : {}) });
  }
  return { kind: 'task', task: t.name, rss: t.rss, vmas, vmaCount: t.vmas.length, pages: npages, shown: MAX_PAGES - budget };
}

function devicePicture(d: Device): MmPicture {
  const free = d.free.length;
  return { kind: 'device', device: d.name, type: d.type, pages: d.npages, free, used: d.npages - free, failed: d.failed };
}

export function mmPicture(mm: Mm): MmSections {
  const tasks = [...mm.tasks.values()].filter((t) => t.vmas.length > 0);
  return { mm: [...tasks.map((t) => taskPicture(mm, t)), ...[...mm.devices.values()].map(devicePicture)] };
}
