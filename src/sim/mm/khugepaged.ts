/** The mm/khugepaged.c function kstep runs: the `khugepaged` statement scans one PMD's worth of PTEs. */
import type { KGen } from '../core/frames';
import { fnOf } from '../core/frames';
import type { Machine } from '../core/machine';
import { KHUGEPAGED_C } from './khugepaged_c';
import { vm_normal_page } from './memory';
import type { MmModel } from './model';
import { PG_ANON, PG_LRU, vpnHex as hex, ZERO_PFN } from './page';
import { PTE_DEVICE_EXCLUSIVE, PTE_DEVICE_PRIVATE, PTE_MIGRATION, PTE_NONE, pteKind, ptePfn, pteWrite } from './pte';
import type { Task } from './task';
import { vmaIsAnonymous } from './task';

const KHUGEPAGED_SCAN_PMD = fnOf(KHUGEPAGED_C, 'khugepaged_scan_pmd');

const HPAGE_PMD_NR = 512;
const MAX_PTES_NONE = 511;
const MAX_PTES_SWAP = 64;
const MAX_PTES_SHARED = 256;

export function* khugepaged_scan_pmd(m: Machine, mm: MmModel, t: Task, vpn: number): KGen<string> {
  const h = vpn - (vpn % HPAGE_PMD_NR);
  const fr = m.enter(KHUGEPAGED_SCAN_PMD, { mm: t.name, address: hex(h) });
  let result = 'SCAN_FAIL';
  const vma = t.findVma(h);
  const out = function* (r: string): KGen<string> {
    fr.locals.result = r;
    yield fr.at('out');
    return m.leave(fr, r);
  };
  // hugepage_vma_check: no THP for a regular file (READ_ONLY_THP_FOR_FS off) or fsdax
  if (!vma || vma.shared || vma.huge || !vmaIsAnonymous(vma) || h + HPAGE_PMD_NR > vma.end) {
    yield fr.at('vma_check');
    return yield* out('SCAN_VMA_CHECK');
  }
  let any = false;
  t.pt.forEach(h, h + HPAGE_PMD_NR, () => (any = true));
  if (!any) {
    yield fr.at('pmd');
    return yield* out('SCAN_PMD_NULL');
  }
  let unmapped = 0;
  let none = 0;
  let shared = 0;
  let referenced = 0;
  let writable = false;
  yield fr.at('pte');
  for (let i = 0; i < HPAGE_PMD_NR; i++) {
    const pte = t.pt.get(h + i);
    const kind = pteKind(pte);
    // is_swap_pte: device-private, migration and device-exclusive entries alike
    if (kind === PTE_DEVICE_PRIVATE || kind === PTE_MIGRATION || kind === PTE_DEVICE_EXCLUSIVE) {
      if (++unmapped <= MAX_PTES_SWAP) continue;
      return yield* out('SCAN_EXCEED_SWAP_PTE');
    }
    if (kind === PTE_NONE || ptePfn(pte) === ZERO_PFN) {
      if (++none <= MAX_PTES_NONE) continue;
      return yield* out('SCAN_EXCEED_NONE_PTE');
    }
    if (pteWrite(pte)) writable = true;
    fr.locals._address = hex(h + i);
    const page = (yield vm_normal_page(m, mm, pte, true)) as number;
    if (!page) {
      yield fr.at('page_null');
      return yield* out('SCAN_PAGE_NULL');
    }
    if (mm.mapcount.get(page) > 1 && ++shared > MAX_PTES_SHARED) return yield* out('SCAN_EXCEED_SHARED_PTE');
    if (!(mm.flags.get(page) & PG_LRU)) return yield* out('SCAN_PAGE_LRU');
    if (!(mm.flags.get(page) & PG_ANON)) return yield* out('SCAN_PAGE_ANON');
    referenced++;
  }
  if (!writable) result = 'SCAN_PAGE_RO';
  else if (!referenced || (unmapped && referenced < HPAGE_PMD_NR / 2)) result = 'SCAN_LACK_REFERENCED_PAGE';
  else result = 'SCAN_SUCCEED';
  return yield* out(result);
}
