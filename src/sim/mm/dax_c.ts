import { kernelSource } from '../core/frames';

/**
 * fs/dax.c of the v5.18 era: a PTE fault on an fsdax file maps the pmem
 * pfn (PFN_DEV|PFN_MAP, so a devmap PTE) with vmf_insert_mixed, taking no
 * page reference and no rmap; the pages stay owned by the dev_pagemap.
 */
export const DAX_C = kernelSource(
  'fs/dax.c',
  `
static vm_fault_t dax_iomap_pte_fault(struct vm_fault *vmf, pfn_t *pfnp,
			       int *iomap_errp, const struct iomap_ops *ops) //@@ dax_iomap_pte_fault
{
	struct address_space *mapping = vmf->vma->vm_file->f_mapping;
	XA_STATE(xas, &mapping->i_pages, vmf->pgoff);
	struct iomap_iter iter = {
		.inode		= mapping->host,
		.pos		= (loff_t)vmf->pgoff << PAGE_SHIFT,
		.len		= PAGE_SIZE,
		.flags		= IOMAP_DAX | IOMAP_FAULT,
	};
	bool write = vmf->flags & FAULT_FLAG_WRITE;

	if (iter.pos >= i_size_read(iter.inode))
		return VM_FAULT_SIGBUS;                              //@sigbus

	if (write && !vmf->cow_page)
		iter.flags |= IOMAP_WRITE;

	entry = grab_mapping_entry(&xas, mapping, 0);                //@entry

	while ((error = iomap_iter(&iter, ops)) > 0) {
		/* dax_fault_iter(): */
		err = dax_iomap_pfn(&iter->iomap, pos, size, &pfn);  //@pfn
		entry = dax_insert_entry(xas, mapping, vmf, entry, pfn, 0,
					 write && !sync);
		/* dax_associate_entry: page->mapping = mapping, page->index */
		if (!write)
			return vmf_insert_mixed(vmf->vma, vmf->address, pfn); //@insert
		return vmf_insert_mixed_mkwrite(vmf->vma, vmf->address, pfn); //@insert_mkwrite
	}
	return ret;                                                  //@out
}
`,
);
