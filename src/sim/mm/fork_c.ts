import { kernelSource } from '../core/frames';

/** kernel/fork.c: the VMA loop of fork; the PTEs are copied by copy_one_pte (mm/memory.c). */
export const FORK_C = kernelSource(
  'kernel/fork.c',
  `
static int dup_mmap(struct mm_struct *mm, struct mm_struct *oldmm)   //@@ dup_mmap
{
	for (mpnt = oldmm->mmap; mpnt; mpnt = mpnt->vm_next) {
		tmp = vm_area_dup(mpnt);                             //@vma
		retval = copy_page_range(mm, oldmm, mpnt);
	}
	return retval;                                               //@done
}
`,
);
