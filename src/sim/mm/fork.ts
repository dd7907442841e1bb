/** The kernel/fork.c function kstep runs: `fork` copies the parent's VMAs, then their PTEs. */
import type { KGen } from '../core/frames';
import { fnOf } from '../core/frames';
import type { Machine } from '../core/machine';
import { FORK_C } from './fork_c';
import { copy_hugetlb_page_range } from './hugetlb_walk';
import { copy_one_pte } from './memory';
import type { MmModel } from './model';
import type { Task } from './task';
import { mmu_notifier_invalidate } from './test_hmm_atomic';

const DUP_MMAP = fnOf(FORK_C, 'dup_mmap');

export function* dup_mmap(m: Machine, mm: MmModel, parent: Task, child: Task): KGen {
  const fr = m.enter(DUP_MMAP, { oldmm: parent.name, mm: child.name });
  for (const vma of parent.vmas) {
    // reset_vma_resv_huge_pages: a child's hugetlb VMA owns no reserve map.
    child.vmas.push(vma.huge ? { ...vma, locked: false, huge: { file: vma.huge.file, base: vma.huge.base, ...(vma.huge.noreserve ? { noreserve: true } : {}), ...(vma.huge.mmap === undefined ? {} : { mmap: vma.huge.mmap }) } } : { ...vma, locked: false });
    fr.locals.vma = `[0x${(BigInt(vma.start) << 12n).toString(16)}, 0x${(BigInt(vma.end) << 12n).toString(16)})`;
    yield fr.at('vma');
    if (vma.huge) {
      yield* copy_hugetlb_page_range(m, mm, parent, child, vma);
      continue;
    }
    // copy_page_range: a shared file or fsdax VMA has no anon_vma; the child faults its pages in itself.
    if (vma.dax || (vma.file && vma.shared)) continue;
    // copy_page_range of a COW mapping: mmu_notifier_invalidate_range_start (MMU_NOTIFY_PROTECTION_PAGE) on the parent
    if (!vma.shared) yield* mmu_notifier_invalidate(m, mm, parent, vma.start, vma.end, 'MMU_NOTIFY_PROTECTION_PAGE');
    const vpns: number[] = [];
    parent.pt.forEach(vma.start, vma.end, (i) => vpns.push(i));
    for (const vpn of vpns) yield copy_one_pte(m, mm, parent, child, vma, vpn);
  }
  yield fr.at('done');
  m.leave(fr);
}
