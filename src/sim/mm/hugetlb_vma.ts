/**
 * hugetlbfs VMAs: mmap (hugetlbfs_file_mmap reserving the pages), unmapping
 * (zap, then hugetlb_vm_op_close giving back what a private mapping did not
 * use) and the 2 MiB alignment every split of a hugetlb VMA needs.
 */
import { EINVAL, ENOMEM } from '../core/errno';
import type { KGen } from '../core/frames';
import { fnOf } from '../core/frames';
import type { Machine } from '../core/machine';
import { hugetlb_acct_memory, hugetlb_reserve_pages } from '../hugetlb/pool_ops';
import { region_count } from '../hugetlb/region_ops';
import { ResvMap } from '../hugetlb/resv_map';
import { HUGETLB_FAULT_C } from './hugetlb_fault_c';
import { hugeIndex, hugeOf } from './hugetlb_page';
import { hugepage_subpool_put_pages } from '../hugetlb/subpool';
import { __unmap_hugepage_range } from './hugetlb_walk';
import { zap_pte_range } from './memory';
import type { MmModel } from './model';
import { HPAGE_NR, vpnHex as hex } from './page';
import type { Task, Vma } from './task';
import { PROT_WRITE } from './task';

const HUGETLBFS_FILE_MMAP = fnOf(HUGETLB_FAULT_C, 'hugetlbfs_file_mmap');
const HUGETLB_VM_OP_CLOSE = fnOf(HUGETLB_FAULT_C, 'hugetlb_vm_op_close');

/** hugetlbfs_file_mmap for a VMA not linked yet: returns 0 and the private map's id, or -EINVAL / -ENOMEM. */
export function* hugetlbfs_file_mmap(m: Machine, mm: MmModel, t: Task, vma: Vma & { huge: NonNullable<Vma['huge']> }): KGen<{ ret: number; resv?: number }> {
  const h = mm.hugetlb;
  // vm_pgoff in base pages: the file offset (in pages) mapped at vm_start.
  const pgoff = vma.start - vma.huge.base;
  const fr = m.enter(HUGETLBFS_FILE_MMAP, { file: vma.huge.file, vm_start: hex(vma.start), vm_end: hex(vma.end), vm_pgoff: hex(pgoff), shared: vma.shared });
  const out = function* (ret: number): KGen<{ ret: number }> {
    fr.locals.ret = ret;
    yield fr.at('out');
    return m.leave(fr, { ret });
  };
  if (pgoff % HPAGE_NR) {
    yield fr.at('pgoff');
    return yield* out(-EINVAL);
  }
  const from = hugeIndex(vma, vma.start);
  const to = hugeIndex(vma, vma.end);
  fr.locals.len = `0x${((BigInt(to) << 21n)).toString(16)}`;
  yield fr.at('entry');
  const noreserve = vma.huge.noreserve === true;
  // VM_NORESERVE: hugetlb_reserve_pages returns before a private map is made, so the VMA owns none.
  const own = vma.shared || noreserve ? undefined : new ResvMap(`${t.name}:${hex(vma.start)}`);
  const resv = own ?? h.file(vma.huge.file);
  const r = yield* hugetlb_reserve_pages(m, h.pool, h, resv, from, to, !vma.shared, { spool: h.subpoolOf(vma.huge.file), noreserve });
  if (r !== 0) {
    yield fr.at('reserve');
    return yield* out(-ENOMEM);
  }
  let id: number | undefined;
  if (own) {
    id = h.nextPrivate++;
    h.privateMaps.set(id, own);
  }
  const inode = h.inode(vma.huge.file);
  if (vma.prot & PROT_WRITE && inode.size < to) {
    inode.size = to;
    yield fr.at('i_size');
  }
  yield* out(0);
  return id === undefined ? { ret: 0 } : { ret: 0, resv: id };
}

/** A split of a hugetlb VMA inside [start, end) that is not on a 2 MiB boundary (hugetlb_vm_op_split: -EINVAL). */
export function misalignedSplit(t: Task, start: number, end: number): boolean {
  for (const v of t.vmas) {
    if (!v.huge || v.end <= start || v.start >= end) continue;
    if ((v.start < start && start % HPAGE_NR) || (v.end > end && end % HPAGE_NR)) return true;
  }
  return false;
}

/** unmap_region then remove_vma_list: zap [start, end) and drop the VMAs there, closing hugetlb ones. */
export function* unmapRange(m: Machine, mm: MmModel, t: Task, start: number, end: number): KGen {
  const parts = t.vmas.filter((v) => v.end > start && v.start < end).map((v) => ({ ...v, start: Math.max(v.start, start), end: Math.min(v.end, end) }));
  if (!parts.some((v) => v.huge)) yield* zap_pte_range(m, mm, t, start, end);
  else {
    for (const v of parts) {
      if (v.huge) yield* __unmap_hugepage_range(m, mm, t, v, v.start, v.end);
      else yield* zap_pte_range(m, mm, t, v.start, v.end);
    }
  }
  t.splitVmas(start, end, () => undefined);
  for (const v of parts) if (v.huge) yield* hugetlb_vm_op_close(m, mm, v);
}

function* hugetlb_vm_op_close(m: Machine, mm: MmModel, vma: Vma): KGen {
  const id = vma.huge?.resv;
  const fr = m.enter(HUGETLB_VM_OP_CLOSE, { vm_start: hex(vma.start), vm_end: hex(vma.end) });
  const resv = id === undefined ? undefined : mm.hugetlb.privateMaps.get(id);
  if (!resv || id === undefined) {
    yield fr.at('not_owner');
    m.leave(fr);
    return;
  }
  const start = hugeIndex(vma, vma.start);
  const end = hugeIndex(vma, vma.end);
  yield fr.at('count');
  const reserve = end - start - ((yield region_count(m, resv, start, end)) as number);
  fr.locals.reserve = reserve;
  if (reserve) {
    yield fr.at('unreserve');
    const gblReserve = yield* hugepage_subpool_put_pages(m, mm.hugetlb.subpoolOf(hugeOf(vma).file), reserve);
    yield* hugetlb_acct_memory(m, mm.hugetlb.pool, -gblReserve);
  }
  // kref_put: the map goes with the last VMA piece holding it.
  const held = [...mm.tasks.values()].some((u) => u.vmas.some((v) => v.huge?.resv === id));
  if (!held) mm.hugetlb.privateMaps.delete(id);
  yield fr.at('put');
  m.leave(fr);
}
