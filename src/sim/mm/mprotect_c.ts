import { kernelSource } from '../core/frames';

/**
 * mm/mprotect.c: new protections over a range, VMA by VMA; a VMA whose flags
 * do not change is left alone, and where they do, a writable device-private
 * entry becomes a read-only one (reference 002).
 */
export const MPROTECT_C = kernelSource(
  'mm/mprotect.c',
  `
static unsigned long change_pte_range(struct vm_area_struct *vma, pmd_t *pmd,
		unsigned long addr, unsigned long end, pgprot_t newprot) //@@ change_pte_range
{
	/* change_pmd_range: mmu_notifier_invalidate_range_start
	 * (MMU_NOTIFY_PROTECTION_VMA) before the ptes change */
	do {
		oldpte = *pte;                                       //@walk
		if (pte_present(oldpte)) {
			ptent = ptep_modify_prot_start(mm, addr, pte);
			ptent = pte_modify(ptent, newprot);
			/* Avoid taking write faults for known dirty pages:
			 * a private page stays read-only until do_wp_page */
			ptep_modify_prot_commit(mm, addr, pte, ptent);
			pages++;
		} else if (IS_ENABLED(CONFIG_MIGRATION)) {
			swp_entry_t entry = pte_to_swp_entry(oldpte);
			if (is_write_device_private_entry(entry)) {
				/*
				 * We do not preserve soft-dirtiness. See
				 * copy_one_pte() for explanation.
				 */
				make_device_private_entry_read(&entry);
				newpte = swp_entry_to_pte(entry);
				set_pte_at(mm, addr, pte, newpte);   //@device_private
				pages++;
			} else if (is_writable_device_exclusive_entry(entry)) {
				entry = make_readable_device_exclusive_entry(
							swp_offset(entry));
				newpte = swp_entry_to_pte(entry);
				set_pte_at(mm, addr, pte, newpte);   //@device_exclusive
				pages++;
			}
		}
	} while (pte++, addr += PAGE_SIZE, addr != end);
	return pages;                                                //@done
}

int
mprotect_fixup(struct vm_area_struct *vma, struct vm_area_struct **pprev,
	unsigned long start, unsigned long end, unsigned long newflags) //@@ mprotect_fixup
{
	unsigned long oldflags = vma->vm_flags;

	if (newflags == oldflags) {
		*pprev = vma;
		return 0;                                            //@same
	}
	*pprev = vma_merge(mm, *pprev, start, end, newflags, ...);
	if (*pprev) {
		vma = *pprev;
		goto success;
	}
	*pprev = vma;
	if (start != vma->vm_start) {
		/* hugetlb_vm_op_split(): -EINVAL off a huge page boundary */
		error = split_vma(mm, vma, start, 1);
		if (error)
			goto fail;
	}
	if (end != vma->vm_end) {
		error = split_vma(mm, vma, end, 0);
		if (error)
			goto fail;                                   //@fail
	}
success:
	/*
	 * vm_flags and vm_page_prot are protected by the mmap_lock
	 * held in write mode.
	 */
	vma->vm_flags = newflags;                                    //@merge
	vma_set_page_prot(vma);
	change_protection(vma, start, end, vma->vm_page_prot,
			  dirty_accountable ? MM_CP_DIRTY_ACCT : 0); //@change
	/*
	 * Private VM_LOCKED VMA becoming writable: trigger COW to avoid major
	 * fault on access.
	 */
	if ((oldflags & (VM_WRITE | VM_SHARED | VM_LOCKED)) == VM_LOCKED &&
			(newflags & VM_WRITE)) {
		populate_vma_page_range(vma, start, end, NULL);      //@populate
	}
	return 0;                                                    //@done
fail:
	vm_unacct_memory(charged);
	return error;
}

int do_mprotect_pkey(unsigned long start, size_t len,
		unsigned long prot, int pkey)                       //@@ do_mprotect_pkey
{
	if (start & ~PAGE_MASK)
		return -EINVAL;
	if (!len)
		return 0;                                            //@zero
	len = PAGE_ALIGN(len);
	end = start + len;
	vma = find_vma(current->mm, start);                          //@vma
	error = -ENOMEM;
	if (!vma)
		goto out;
	if (vma->vm_start > start)
		goto out;
	for (nstart = start ; ; ) {
		newflags = calc_vm_prot_bits(prot, new_vma_pkey);
		newflags |= (vma->vm_flags & ~mask_off_old_flags);
		tmp = vma->vm_end;
		if (tmp > end)
			tmp = end;
		error = mprotect_fixup(vma, &prev, nstart, tmp, newflags); //@fixup
		if (error)
			goto out;
		nstart = tmp;
		if (nstart >= end)
			goto out;
		vma = prev->vm_next;
		if (!vma || vma->vm_start != nstart) {
			error = -ENOMEM;
			goto out;
		}
	}
out:
	return error;                                                //@done
}
`,
);
