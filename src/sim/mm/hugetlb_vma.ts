/**
 * hugetlbfs VMAs: mmap (hugetlbfs_file_mmap reserving the pages), unmapping
 * (zap, then hugetlb_vm_op_close giving back what a private mapping did not
 * use) and the 2 MiB alignment every split of a hugetlb VMA needs.
 */
import type { KGen } from '../core/frames';
import type { Machine } from '../core/machine';
import { hugetlb_acct_memory, hugetlb_reserve_pages } from '../hugetlb/pool_ops';
import { region_count } from '../hugetlb/region_ops';
import { ENOMEM } from '../core/errno';
import { ResvMap } from '../hugetlb/resv_map';
import { fn, hugeIndex } from './hugetlb_page';
import { __unmap_hugepage_range } from './hugetlb_walk';
import { zap_pte_range } from './kernel';
import type { Mm, Task, Vma } from './subsystem';
import { HPAGE_NR, PROT_WRITE, vpnHex as hex } from './subsystem';

/** hugetlbfs_file_mmap for a VMA not linked yet: returns 0 and the private map's id, or -ENOMEM. */
export function* hugetlbfs_file_mmap(m: Machine, mm: Mm, t: Task, vma: Vma & { huge: NonNullable<Vma['huge']> }): KGen<{ ret: number; resv?: number }> {
  const h = mm.hugetlb;
  const from = 0;
  const to = (vma.end - vma.start) / HPAGE_NR;
  const fr = m.enter(fn('hugetlbfs_file_mmap'), { file: vma.huge.file, vm_start: hex(vma.start), vm_end: hex(vma.end), shared: vma.shared });
  fr.locals.len = `0x${((BigInt(to) << 21n)).toString(16)}`;
  yield fr.at('entry');
  const own = vma.shared ? undefined : new ResvMap(`${t.name}:${hex(vma.start)}`);
  const resv = own ?? h.file(vma.huge.file);
  const r = yield* hugetlb_reserve_pages(m, h.pool, h, resv, from, to, !vma.shared);
  if (r !== 0) {
    fr.locals.ret = -ENOMEM;
    yield fr.at('reserve');
    yield fr.at('out');
    m.leave(fr);
    return { ret: -ENOMEM };
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
  fr.locals.ret = 0;
  yield fr.at('out');
  m.leave(fr);
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
export function* unmapRange(m: Machine, mm: Mm, t: Task, start: number, end: number): KGen {
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

function* hugetlb_vm_op_close(m: Machine, mm: Mm, vma: Vma): KGen {
  const id = vma.huge?.resv;
  const fr = m.enter(fn('hugetlb_vm_op_close'), { vm_start: hex(vma.start), vm_end: hex(vma.end) });
  const resv = id === undefined ? undefined : mm.hugetlb.privateMaps.get(id);
  if (!resv || id === undefined) {
    yield fr.at('not_owner');
    m.leave(fr);
    return;
  }
  const start = hugeIndex(vma, vma.start);
  const end = hugeIndex(vma, vma.end);
  yield fr.at('count');
  const reserve = end - start - (yield* region_count(m, resv, start, end));
  fr.locals.reserve = reserve;
  if (reserve) {
    yield fr.at('unreserve');
    yield* hugetlb_acct_memory(m, mm.hugetlb.pool, -reserve);
  }
  // kref_put: the map goes with the last VMA piece holding it.
  const held = [...mm.tasks.values()].some((u) => u.vmas.some((v) => v.huge?.resv === id));
  if (!held) mm.hugetlb.privateMaps.delete(id);
  yield fr.at('put');
  m.leave(fr);
}
