import { kernelSource } from '../core/frames';

/** mm/hmm.c: a device's view of a CPU page table, faulting it in when needed. */
export const HMM_C = kernelSource(
  'mm/hmm.c',
  `
int hmm_range_fault(struct hmm_range *range)                        //@@ hmm_range_fault
{
	/* hmm_vma_walk_pmd -> hmm_vma_handle_pte */
	pte = *ptep;                                                 //@walk
	if (!pte_present(pte)) {
		swp_entry_t entry = pte_to_swp_entry(pte);
		/* Never fault in device private pages, but just report
		 * the PFN even if not present. */
		if (hmm_is_device_private_entry(range, entry)) {
			*hmm_pfn = swp_offset(entry) | HMM_PFN_VALID;
			if (is_writable_device_private_entry(entry))
				*hmm_pfn |= HMM_PFN_WRITE;
			return 0;                                    //@own
		}
	}
	required_fault = hmm_pte_need_fault(hmm_vma_walk, pfn_req_flags, cpu_flags);
	if (required_fault)
		return hmm_vma_fault(addr, end, required_fault, walk); //@fault
	*hmm_pfn = pte_pfn(pte) | cpu_flags;                         //@done
	return 0;
}
`,
);
