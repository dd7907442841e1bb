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
`,
);
