import { kernelSource } from '../core/frames';

/** mm/mmap.c: the VMA side of mmap, munmap and exit; the PTEs go through zap_pte_range. */
export const MMAP_C = kernelSource(
  'mm/mmap.c',
  `
unsigned long do_mmap(struct file *file, unsigned long addr,
			unsigned long len, unsigned long prot,
			unsigned long flags)                        //@@ do_mmap
{
	vma = vm_area_alloc(mm);
	vma->vm_start = addr;
	vma->vm_end = addr + len;
	vma->vm_flags = calc_vm_prot_bits(prot) | calc_vm_flag_bits(flags);
	vma_link(mm, vma, prev, rb_link, rb_parent);                 //@link
	return addr;
}

int __do_munmap(struct mm_struct *mm, unsigned long start, size_t len) //@@ __do_munmap
{
	/* split the first and last VMA if they straddle the range */
	vma = find_vma(mm, start);                                   //@split
	unmap_region(mm, vma, prev, start, end);   /* zap_pte_range */ //@unmap
	remove_vma_list(mm, vma);
	return 0;                                                    //@done
}

void exit_mmap(struct mm_struct *mm)                                //@@ exit_mmap
{
	unmap_vmas(&tlb, vma, 0, -1);   /* zap_pte_range */          //@unmap
	free_pgtables(&tlb, vma, FIRST_USER_ADDRESS, USER_PGTABLES_CEILING);
	while (vma)
		vma = remove_vma(vma);                               //@done
}
`,
);
