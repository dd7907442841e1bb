/** A task's address space: its VMAs and its page table. */
import { CowInts } from './cow';

export const PROT_READ = 1;
export const PROT_WRITE = 2;
export const PROT_EXEC = 4;
export const PROT_NAMES: Readonly<Record<string, number>> = { none: 0, r: 1, rw: 3, rwx: 7 };

export function protName(p: number): string {
  return p === 0 ? 'none' : `${p & PROT_READ ? 'r' : '-'}${p & PROT_WRITE ? 'w' : '-'}${p & PROT_EXEC ? 'x' : '-'}`.replace(/-+$/, '');
}

/** What a hugetlbfs mapping adds to its VMA. */
export interface HugeVma {
  readonly file: string;
  /** The vpn file offset 0 is mapped at (vma_hugecache_offset = (vpn - base) / 512). */
  readonly base: number;
  /** The private reserve map this VMA owns (HPAGE_RESV_OWNER): an id in Hugetlb.privateMaps. */
  readonly resv?: number;
  /** HPAGE_RESV_UNMAPPED: the owner took a page back from this (child's) mapping. */
  readonly unmapped?: boolean;
  /** VM_NORESERVE (MAP_NORESERVE): nothing reserved at mmap; faults take what the pool has. */
  readonly noreserve?: boolean;
  /**
   * Which mmap made it. hugetlb_vm_ops has a close method, so vma_merge never
   * joins two hugetlb VMAs: pieces of one mapping join back here, two mappings
   * of the same file at contiguous offsets do not.
   */
  readonly mmap?: number;
}

/** What a file mapping adds to its VMA: the page-cache file, or (dax) the pmem device behind an fsdax file. */
export interface FileVma {
  readonly name: string;
  /** The vpn file page 0 is mapped at (vm_pgoff = vpn - base). */
  readonly base: number;
}

export interface Vma {
  /** Page indexes [start, end). */
  readonly start: number;
  readonly end: number;
  readonly prot: number;
  readonly shared: boolean;
  readonly locked: boolean;
  readonly huge?: HugeVma;
  /** vm_file of a page-cache file (filemap_fault). */
  readonly file?: FileVma;
  /** vm_file of an fsdax file on a MEMORY_DEVICE_HOST device: devmap PTEs, no page cache. */
  readonly dax?: FileVma;
  /** vm_policy set by mbind: MPOL_BIND to this one node (undefined: the task's default, local). */
  readonly bind?: number;
}

function sameFile(a: FileVma | undefined, b: FileVma | undefined): boolean {
  if (!a || !b) return a === b;
  return a.name === b.name && a.base === b.base;
}

/** vma_is_anonymous: no vm_ops (neither hugetlbfs, a page-cache file nor dax). */
export function vmaIsAnonymous(v: Vma): boolean {
  return !v.huge && !v.file && !v.dax;
}

function sameHuge(a: HugeVma | undefined, b: HugeVma | undefined): boolean {
  if (!a || !b) return a === b;
  return a.file === b.file && a.base === b.base && a.resv === b.resv && a.unmapped === b.unmapped && a.noreserve === b.noreserve && a.mmap === b.mmap;
}

export class Task {
  vmas: Vma[] = [];
  pt = new CowInts();
  rss = 0;
  /** mm->hugetlb_usage in base pages: huge pages are not rss. */
  hugetlbUsage = 0;
  /** MMF_HAS_PINNED: set by the first FOLL_PIN gup of this mm and kept; fork does not pass it on. */
  hasPinned = false;
  constructor(readonly name: string) {}

  /** Replaces the parts of VMAs inside [start, end) by f(part) (undefined removes it); the parts outside stay. */
  splitVmas(start: number, end: number, f: (v: Vma) => Vma | undefined): void {
    const out: Vma[] = [];
    for (const v of this.vmas) {
      if (v.end <= start || v.start >= end) {
        out.push(v);
        continue;
      }
      if (v.start < start) out.push({ ...v, end: start });
      const mid = f({ ...v, start: Math.max(v.start, start), end: Math.min(v.end, end) });
      if (mid) out.push(mid);
      if (v.end > end) out.push({ ...v, start: end });
    }
    this.vmas = out;
    this.mergeVmas();
  }

  /** vma_merge: neighbours with the same flags become one VMA again. */
  mergeVmas(): void {
    this.vmas.sort((a, b) => a.start - b.start);
    const out: Vma[] = [];
    for (const v of this.vmas) {
      const prev = out[out.length - 1];
      if (prev && prev.end === v.start && prev.prot === v.prot && prev.shared === v.shared && prev.locked === v.locked && sameHuge(prev.huge, v.huge) && sameFile(prev.file, v.file) && sameFile(prev.dax, v.dax) && prev.bind === v.bind) {
        out[out.length - 1] = { ...prev, end: v.end };
      } else out.push(v);
    }
    this.vmas = out;
  }

  findVma(vpn: number): Vma | undefined {
    // Few VMAs per task: a linear scan keeps it simple and ordered.
    for (const v of this.vmas) if (vpn >= v.start && vpn < v.end) return v;
    return undefined;
  }
}

/** Whether VMAs cover all of [start, end): mprotect and madvise refuse a range with a hole (-ENOMEM). */
export function covered(t: Task, start: number, end: number): boolean {
  let at = start;
  for (const v of t.vmas) {
    if (v.end <= at) continue;
    if (v.start > at) return false;
    at = v.end;
    if (at >= end) return true;
  }
  return at >= end;
}
