import { kernelSource } from '../core/frames';

/**
 * mm/mlock.c of reference 003's era: mlock sets VM_LOCKED on the VMAs, then
 * __mm_populate faults the range in, and follow_page(FOLL_MLOCK) mlocks only
 * what vm_normal_lru_page returns, so device pages are never mlocked.
 */
export const MLOCK_C = kernelSource(
  'mm/mlock.c',
  `
static __must_check int do_mlock(unsigned long start, size_t len, vm_flags_t flags) //@@ do_mlock
{
	len = PAGE_ALIGN(len + (offset_in_page(start)));
	start &= PAGE_MASK;

	/* apply_vma_lock_flags() -> mlock_fixup(): VM_LOCKED on each VMA of
	 * the range in turn (not on hugetlb VMAs); a hole is -ENOMEM */
	error = apply_vma_lock_flags(start, len, flags);            //@apply
	mmap_write_unlock(current->mm);
	if (error)
		return error;                                        //@enomem

	error = __mm_populate(start, len, 0);                        //@populate
	if (error)
		return __mlock_posix_error_return(error);            //@error
	return 0;                                                    //@done
}

static int __mlock_posix_error_return(long retval)
{
	if (retval == -EFAULT)
		retval = -ENOMEM;
	else if (retval == -ENOMEM)
		retval = -EAGAIN;
	return retval;
}

SYSCALL_DEFINE2(munlock, unsigned long, start, size_t, len)         //@@ sys_munlock
{
	len = PAGE_ALIGN(len + (offset_in_page(start)));
	start &= PAGE_MASK;

	/* apply_vma_lock_flags(start, len, 0) -> mlock_fixup(): a VMA
	 * that was VM_LOCKED loses it and munlock_vma_pages_range() runs
	 * over its part of the range; a hole is -ENOMEM */
	ret = apply_vma_lock_flags(start, len, 0);                   //@apply
	mmap_write_unlock(current->mm);
	return ret;                                                  //@done
}

void munlock_vma_pages_range(struct vm_area_struct *vma,
			     unsigned long start, unsigned long end) //@@ munlock_vma_pages_range
{
	vma->vm_flags &= VM_LOCKED_CLEAR_MASK;

	while (start < end) {
		/*
		 * Although FOLL_DUMP is intended for get_dump_page(),
		 * it just so happens that its special treatment of the
		 * ZERO_PAGE (returning an error instead of doing get_page)
		 * suits munlock very well (and if somehow an abnormal page
		 * has sneaked into the range, we won't oops here: great).
		 */
		page = follow_page(vma, start, FOLL_GET | FOLL_DUMP | FOLL_LRU); //@follow

		if (page && !IS_ERR(page)) {
			/* non-THP page: pagevec_add(), __munlock_pagevec_fill()
			 * (vm_normal_lru_page on the next PTEs), then
			 * __munlock_pagevec(): TestClearPageMlocked, putback */
			pagevec_add(&pvec, page);
			__munlock_pagevec(&pvec, zone);              //@munlock
			goto next;
		}
		page_increm = 1 + page_mask;
		start += page_increm * PAGE_SIZE;                    //@skip
next:
		cond_resched();
	}
}                                                                    //@done
`,
);
