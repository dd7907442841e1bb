/**
 * The `pagecache` root: each page-cache file's i_size and its cached pages
 * (`pagecache.<file>.page[<index>]` is the pfn), what a page's `mapping` and
 * `index` point back to.
 */
import type { StateNode } from '../core/state';
import { fixedRecord, leaf, list, record } from '../core/state';
import type { MmModel } from './model';
import type { PcFile } from './pagecache';
import { PageCache } from './pagecache';

function fileNode(mm: MmModel, name: string): StateNode {
  const f = (): PcFile => mm.cache.files.get(name) as PcFile;
  const indexes = (): number[] => [...f().pages.keys()].sort((a, b) => a - b);
  return fixedRecord({
    size: leaf(() => BigInt(f().size)),
    npages: leaf(() => BigInt(PageCache.npages(f()))),
    nrpages: leaf(() => BigInt(f().pages.size)),
    page: list(
      () => f().pages.size,
      (i) => leaf(() => BigInt(f().pages.get(indexes()[i] as number) ?? 0), { valueKind: 'pfn' }),
      {
        keyAt: (i) => BigInt(indexes()[i] as number),
        lookup: (key) => {
          const pfn = key >= 0n && key < 1n << 40n ? f().pages.get(Number(key)) : undefined;
          return pfn === undefined ? undefined : leaf(() => BigInt(pfn), { valueKind: 'pfn' });
        },
      },
    ),
  });
}

export function pagecacheRoot(mm: MmModel): StateNode {
  return record(() => {
    const out: Record<string, StateNode> = {};
    for (const name of mm.cache.files.keys()) out[name] = fileNode(mm, name);
    return out;
  });
}
