import { kernelSource } from '../core/frames';

/**
 * mm/hmm.c: a device's view of a CPU page table, faulting it in when needed,
 * with the VMA and entry permission checks every access goes through (the
 * device's own private pages included).
 */
export const HMM_C = kernelSource(
  'mm/hmm.c',
  `
static int hmm_vma_fault(unsigned long addr, unsigned long end,
			 unsigned int required_fault, struct mm_walk *walk) //@@ hmm_vma_fault
{
	struct vm_area_struct *vma = walk->vma;
	unsigned int fault_flags = FAULT_FLAG_REMOTE;

	hmm_vma_walk->last = addr;
	if (required_fault & HMM_NEED_WRITE_FAULT) {
		if (!(vma->vm_flags & VM_WRITE))
			return -EPERM;                               //@eperm
		fault_flags |= FAULT_FLAG_WRITE;
	}
	for (; addr < end; addr += PAGE_SIZE)
		if (handle_mm_fault(vma, addr, fault_flags, NULL) &  //@fault
		    VM_FAULT_ERROR)
			return -EFAULT;                              //@efault
	return -EBUSY;                                               //@ebusy
}

static int hmm_vma_walk_hole(unsigned long addr, unsigned long end,
			     __always_unused int depth, struct mm_walk *walk) //@@ hmm_vma_walk_hole
{
	required_fault = hmm_range_need_fault(hmm_vma_walk, hmm_pfns, npages, 0);
	if (!walk->vma) {
		if (required_fault)
			return -EFAULT;                              //@efault
		return hmm_pfns_fill(addr, end, range, HMM_PFN_ERROR); //@error
	}
	if (required_fault)
		return hmm_vma_fault(addr, end, required_fault, walk);
	return hmm_pfns_fill(addr, end, range, 0);
}

static int hmm_vma_handle_pte(struct mm_walk *walk, unsigned long addr,
			      unsigned long end, pmd_t *pmdp, pte_t *ptep,
			      unsigned long *hmm_pfn)                //@@ hmm_vma_handle_pte
{
	pte_t pte = *ptep;                                           //@pte
	uint64_t pfn_req_flags = *hmm_pfn;

	if (!pte_present(pte)) {
		swp_entry_t entry = pte_to_swp_entry(pte);
		/*
		 * Never fault in device private pages owned by the caller,
		 * but just report the PFN, and its write permission.
		 */
		if (hmm_is_device_private_entry(range, entry)) {
			cpu_flags = HMM_PFN_VALID;
			if (is_writable_device_private_entry(entry))
				cpu_flags |= HMM_PFN_WRITE;
			*hmm_pfn = swp_offset(entry) | cpu_flags;
			return 0;                                    //@own
		}
		required_fault = hmm_pte_need_fault(hmm_vma_walk, pfn_req_flags, 0);
		if (!required_fault) {
			*hmm_pfn = 0;
			return 0;                                    //@no_fault
		}
		/* device-private of another owner, device-exclusive, none */
		goto fault;
	}
	cpu_flags = pte_to_hmm_pfn_flags(range, pte);
	required_fault = hmm_pte_need_fault(hmm_vma_walk, pfn_req_flags, cpu_flags);
	if (required_fault)
		goto fault;
	*hmm_pfn = pte_pfn(pte) | cpu_flags;
	return 0;                                                    //@present
fault:
	pte_unmap(ptep);
	/* Fault any virtual address we were asked to fault */
	return hmm_vma_fault(addr, end, required_fault, walk);       //@fault
}

static int hmm_vma_walk_test(unsigned long start, unsigned long end,
			     struct mm_walk *walk)                   //@@ hmm_vma_walk_test
{
	if (!(vma->vm_flags & (VM_IO | VM_PFNMAP)) &&
	    vma->vm_flags & VM_READ)
		return 0;                                            //@ok
	/*
	 * vma ranges that don't have struct page backing them or map I/O
	 * devices directly cannot be handled by hmm_range_fault().
	 *
	 * If the vma does not allow read access, then assume that it does not
	 * allow write access either. HMM does not support architectures that
	 * allow write without read.
	 *
	 * If a fault is requested for an unsupported range then it is a hard
	 * failure.
	 */
	if (hmm_range_need_fault(hmm_vma_walk, ..., 0))
		return -EFAULT;                                      //@efault
	hmm_pfns_fill(start, end, range, HMM_PFN_ERROR);
	return 1;                                                    //@error
}

static int hmm_vma_walk_hugetlb_entry(pte_t *pte, unsigned long hmask,
				      unsigned long start, unsigned long end,
				      struct mm_walk *walk)         //@@ hmm_vma_walk_hugetlb_entry
{
	entry = huge_ptep_get(pte);

	i = (start - range->start) >> PAGE_SHIFT;
	pfn_req_flags = range->hmm_pfns[i];
	cpu_flags = pte_to_hmm_pfn_flags(range, entry) |
		    hmm_pfn_flags_order(huge_page_order(hstate_vma(vma)));
	required_fault =
		hmm_pte_need_fault(hmm_vma_walk, pfn_req_flags, cpu_flags);
	if (required_fault) {
		spin_unlock(ptl);
		return hmm_vma_fault(addr, end, required_fault, walk);
	}

	pfn = pte_pfn(entry) + ((start & ~hmask) >> PAGE_SHIFT);
	for (; addr < end; addr += PAGE_SIZE, i++, pfn++)
		range->hmm_pfns[i] = pfn | cpu_flags;                //@pfns

	spin_unlock(ptl);
	return 0;
}

int hmm_range_fault(struct hmm_range *range)                        //@@ hmm_range_fault
{
	struct hmm_vma_walk hmm_vma_walk = {
		.range = range,
		.last = range->start,
	};
	do {
		/* If range is no longer valid force retry. */
		if (mmu_interval_check_retry(range->notifier,
					     range->notifier_seq))
			return -EBUSY;
		/* test_walk = hmm_vma_walk_test, pte_hole = hmm_vma_walk_hole,
		 * pmd_entry = hmm_vma_walk_pmd -> hmm_vma_handle_pte */
		ret = walk_page_range(mm, hmm_vma_walk.last, range->end,
				      &hmm_walk_ops, &hmm_vma_walk); //@walk
		/*
		 * When -EBUSY is returned the loop restarts with
		 * hmm_vma_walk.last set to an address that has not been stored
		 * in pfns. All entries < last in the pfn array are set to their
		 * output, and all >= are still at their input values.
		 */
	} while (ret == -EBUSY);
	return ret;                                                  //@done
}
`,
);
