/** The mm/filemap.c functions kstep runs: a file mapping's fault and `file write`'s write(2). */
import type { KGen } from '../core/frames';
import { fnOf } from '../core/frames';
import type { Machine } from '../core/machine';
import { FILEMAP_C } from './filemap_c';
import type { MmModel } from './model';
import type { PcFile } from './pagecache';
import { PageCache } from './pagecache';
import { PG_LRU, PG_USED, vpnHex as hex } from './page';

const FILEMAP_FAULT = fnOf(FILEMAP_C, 'filemap_fault');
const GENERIC_PERFORM_WRITE = fnOf(FILEMAP_C, 'generic_perform_write');

/** __filemap_get_folio(FGP_CREAT): a new zero-filled page in the page cache, holding the cache's reference, on the LRU, not anonymous. */
export function pageCacheAdd(mm: MmModel, f: PcFile, index: number): number {
  const pfn = mm.allocSys();
  mm.flags.set(pfn, PG_USED | PG_LRU);
  mm.cache.add(f, index, pfn);
  return pfn;
}

/** The page at `index` with a reference for the fault (vmf->page), or undefined past i_size (VM_FAULT_SIGBUS). */
export function* filemap_fault(m: Machine, mm: MmModel, f: PcFile, index: number, vpn: number): KGen<number | undefined> {
  const fr = m.enter(FILEMAP_FAULT, { address: hex(vpn), pgoff: index, file: f.name });
  fr.locals.max_idx = PageCache.npages(f);
  if (index >= PageCache.npages(f)) {
    yield fr.at('sigbus');
    m.leave(fr);
    return undefined;
  }
  yield fr.at('lookup');
  let pfn = f.pages.get(index);
  if (pfn !== undefined) yield fr.at('found');
  else {
    pfn = pageCacheAdd(mm, f, index);
    fr.locals.page = pfn;
    yield fr.at('no_cached_page');
  }
  mm.refcount.add(pfn, 1);
  fr.locals.page = pfn;
  fr.locals.refcount = mm.refcount.get(pfn);
  yield fr.at('out');
  return m.leave(fr, pfn);
}

/** write(2) of one u64 at `offset`: the page cache page (created if missing) takes the value; i_size grows past the end. */
export function* generic_perform_write(m: Machine, mm: MmModel, f: PcFile, offset: number, value: bigint): KGen {
  const index = Math.floor(offset / 4096);
  const fr = m.enter(GENERIC_PERFORM_WRITE, { file: f.name, pos: offset, len: 8 });
  let pfn = f.pages.get(index);
  if (pfn === undefined) pfn = pageCacheAdd(mm, f, index);
  fr.locals.page = pfn;
  yield fr.at('write_begin');
  mm.writeVal(pfn, (offset % 4096) >> 3, value);
  yield fr.at('copy');
  yield fr.at('write_end');
  if (offset + 8 > f.size) f.size = offset + 8;
  fr.locals.i_size = f.size;
  yield fr.at('out');
  m.leave(fr);
}
