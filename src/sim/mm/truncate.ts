/**
 * `file truncate`: ftruncate(2) of a page-cache file, as truncate_setsize →
 * truncate_pagecache runs it. unmap_mapping_range passes zap_details with
 * check_mapping NULL (even_cows), so zap_pte_range goes through reference
 * 002's details branches and zaps private COW pages and device-private
 * entries too, leaving migration entries.
 */
import type { KGen } from '../core/frames';
import { fnOf } from '../core/frames';
import type { Machine } from '../core/machine';
import type { ZapDetails } from './memory';
import { zap_pte_range } from './memory';
import { MEMORY_C } from './memory_c';
import type { MmModel } from './model';
import { put_page } from './mm';
import type { PcFile } from './pagecache';
import { TRUNCATE_C } from './truncate_c';
import { vmaRef } from './frame_refs';

const TRUNCATE_PAGECACHE = fnOf(TRUNCATE_C, 'truncate_pagecache');
const TRUNCATE_INODE_PAGES_RANGE = fnOf(TRUNCATE_C, 'truncate_inode_pages_range');
const UNMAP_MAPPING_RANGE = fnOf(MEMORY_C, 'unmap_mapping_range');

/** Every VMA of every task mapping file page `from` or beyond: zap those PTEs with `details`. */
export function* unmap_mapping_range(m: Machine, mm: MmModel, f: PcFile, from: number, evenCows: boolean): KGen {
  const fr = m.enter(UNMAP_MAPPING_RANGE, { mapping: f.name, holebegin: from * 4096, holelen: 0, even_cows: evenCows ? 1 : 0 });
  const details: ZapDetails = evenCows ? {} : { checkMapping: f.name };
  fr.locals.check_mapping = evenCows ? 'NULL' : f.name;
  yield fr.at('details');
  for (const t of [...mm.tasks.values()]) {
    for (const v of t.vmas.slice()) {
      if (v.file?.name !== f.name) continue;
      const start = Math.max(v.start, v.file.base + from);
      if (start >= v.end) continue;
      fr.locals.vma = vmaRef(t, v);
      yield fr.at('vma');
      yield* zap_pte_range(m, mm, t, start, v.end, details);
    }
  }
  yield fr.at('done');
  m.leave(fr);
}

/** Drops the cached pages from byte `lstart` on; the page holding lstart keeps its head and has its tail zeroed. */
function* truncate_inode_pages_range(m: Machine, mm: MmModel, f: PcFile, lstart: number): KGen {
  const fr = m.enter(TRUNCATE_INODE_PAGES_RANGE, { mapping: f.name, lstart, lend: -1 });
  const partial = lstart % 4096;
  const head = Math.floor(lstart / 4096);
  const pp = partial ? f.pages.get(head) : undefined;
  if (pp !== undefined) {
    // folio_zero_range from the new end of file to the end of the page
    for (let slot = Math.floor(partial / 8); slot < 512; slot++) {
      const keep = slot * 8 < partial ? (1n << BigInt(8 * (partial - slot * 8))) - 1n : 0n;
      mm.writeVal(pp, slot, mm.readVal(pp, slot) & keep);
    }
    fr.locals.partial_page = pp;
    yield fr.at('partial');
  }
  const first = Math.ceil(lstart / 4096);
  const gone = [...f.pages.keys()].filter((i) => i >= first).sort((a, b) => a - b);
  for (const index of gone) {
    const pfn = mm.cache.remove(f, index) as number;
    fr.locals.index = index;
    fr.locals.page = pfn;
    yield fr.at('delete');
    yield* put_page(m, mm, pfn);
  }
  yield fr.at('done');
  m.leave(fr);
}

export function* truncate_pagecache(m: Machine, mm: MmModel, f: PcFile, newsize: number): KGen {
  const fr = m.enter(TRUNCATE_PAGECACHE, { inode: f.name, newsize });
  const holebegin = Math.ceil(newsize / 4096);
  fr.locals.holebegin = holebegin * 4096;
  // truncate_setsize: i_size first, so a racing fault past it is SIGBUS
  f.size = newsize;
  yield fr.at('unmap');
  yield* unmap_mapping_range(m, mm, f, holebegin, true);
  yield fr.at('truncate');
  yield* truncate_inode_pages_range(m, mm, f, newsize);
  yield fr.at('unmap_again');
  yield* unmap_mapping_range(m, mm, f, holebegin, true);
  yield fr.at('done');
  m.leave(fr);
}
