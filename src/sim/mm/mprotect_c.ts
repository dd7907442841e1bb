import { kernelSource } from '../core/frames';

/**
 * mm/mprotect.c: new protections over a range; a writable device-private
 * entry becomes a read-only one (reference 002).
 */
export const MPROTECT_C = kernelSource(
  'mm/mprotect.c',
  `
static unsigned long change_pte_range(struct vm_area_struct *vma, pmd_t *pmd,
		unsigned long addr, unsigned long end, pgprot_t newprot) //@@ change_pte_range
{
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
			}
		}
	} while (pte++, addr += PAGE_SIZE, addr != end);
	return pages;                                                //@done
}

int do_mprotect_pkey(unsigned long start, size_t len,
		unsigned long prot, int pkey)                       //@@ do_mprotect_pkey
{
	vma = find_vma(current->mm, start);                          //@vma
	if (!vma)
		return -ENOMEM;
	/* mprotect_fixup -> change_protection -> change_pte_range */
	error = mprotect_fixup(vma, &prev, nstart, tmp, newflags);   //@fixup
	return error;                                                //@done
}
`,
);
