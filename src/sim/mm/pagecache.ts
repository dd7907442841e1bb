/**
 * Page-cache files (`file <name> size=<len>`): each file's address_space as
 * index → pfn, and the reverse page->mapping / page->index of every cached
 * page. Files hold their data only in the page cache: nothing is written back
 * or reclaimed, so a page once cached stays until truncate.
 */

export interface PcFile {
  readonly name: string;
  /** i_size in bytes. */
  size: number;
  /** The address_space: file page index → pfn. */
  pages: Map<number, number>;
}

export interface PcOwner {
  readonly file: string;
  readonly index: number;
}

export interface PageCacheSnapshot {
  readonly files: readonly { readonly name: string; readonly size: number; readonly pages: readonly (readonly [number, number])[] }[];
}

export class PageCache {
  files = new Map<string, PcFile>();
  /** page->mapping and page->index of the cached pages. */
  owner = new Map<number, PcOwner>();

  add(file: PcFile, index: number, pfn: number): void {
    file.pages.set(index, pfn);
    this.owner.set(pfn, { file: file.name, index });
  }

  remove(file: PcFile, index: number): number | undefined {
    const pfn = file.pages.get(index);
    if (pfn === undefined) return undefined;
    file.pages.delete(index);
    this.owner.delete(pfn);
    return pfn;
  }

  /** Pages the file's size covers (DIV_ROUND_UP(i_size, PAGE_SIZE)). */
  static npages(f: PcFile): number {
    return Math.ceil(f.size / 4096);
  }

  snapshot(): PageCacheSnapshot {
    return { files: [...this.files.values()].map((f) => ({ name: f.name, size: f.size, pages: [...f.pages] })) };
  }

  restore(s: PageCacheSnapshot | undefined): void {
    this.files = new Map();
    this.owner = new Map();
    for (const sf of s?.files ?? []) {
      const f: PcFile = { name: sf.name, size: sf.size, pages: new Map() };
      this.files.set(f.name, f);
      for (const [i, pfn] of sf.pages) this.add(f, i, pfn);
    }
  }
}
