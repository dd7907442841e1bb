import { kernelSource } from '../core/frames';

/**
 * mm/gup.c: follow_page, where reference 003's FOLL_LRU keeps ZONE_DEVICE
 * pages out, and the populate path mlock takes (__mm_populate), which faults
 * every page of the range in and mlocks what FOLL_MLOCK finds on an LRU.
 */
export const GUP_C = kernelSource(
  'mm/gup.c',
  `
struct page *follow_page(struct vm_area_struct *vma, unsigned long address,
			 unsigned int foll_flags)                   //@@ follow_page
{
	/* follow_page_mask -> follow_page_pte */
	vma = find_vma(mm, address);                                 //@vma
	pte = *ptep;
	if (!pte_present(pte))
		goto no_page;                                        //@no_page
	if (flags & (FOLL_MLOCK | FOLL_LRU))
		page = vm_normal_lru_page(vma, address, pte);        //@lru
	else
		page = vm_normal_any_page(vma, address, pte);        //@any
	return page;                                                 //@out
}

static long __get_user_pages(struct mm_struct *mm,
		unsigned long start, unsigned long nr_pages,
		unsigned int gup_flags, struct page **pages,
		struct vm_area_struct **vmas, int *locked)          //@@ __get_user_pages
{
	/* check_vma_flags(): no VM_READ and no FOLL_FORCE (PROT_NONE) */
	if (!(vm_flags & VM_READ) && !(gup_flags & FOLL_FORCE))
		return -EFAULT;                                      //@efault
	do {
retry:
		/* follow_page_pte(): NULL when the pte is not present, or
		 * (FOLL_WRITE) not writable; FOLL_MLOCK looks the page up
		 * with vm_normal_lru_page, so a ZONE_DEVICE page is -EEXIST
		 * (skipped) and an LRU page is mlock_vma_page()d */
		page = follow_page_mask(vma, start, foll_flags, &ctx); //@follow
		if (!page) {
			/* faultin_page() */
			ret = handle_mm_fault(vma, address, fault_flags, NULL); //@faultin
			if (ret & VM_FAULT_ERROR) {
				ret = vm_fault_to_errno(ret, *flags);
				goto out;                            //@error
			}
			goto retry;
		} else if (PTR_ERR(page) == -EEXIST) {
			goto next_page;
		}
next_page:
		i++;
		start += PAGE_SIZE;
	} while (--nr_pages);
out:
	return i ? i : ret;                                          //@done
}

long populate_vma_page_range(struct vm_area_struct *vma,
		unsigned long start, unsigned long end, int *locked) //@@ populate_vma_page_range
{
	unsigned long nr_pages = (end - start) / PAGE_SIZE;
	int gup_flags;

	gup_flags = FOLL_TOUCH | FOLL_POPULATE | FOLL_MLOCK;
	/*
	 * We want to touch writable mappings with a write fault in order
	 * to break COW, except for shared mappings because these don't COW
	 * and we would not want to dirty them for nothing.
	 */
	if ((vma->vm_flags & (VM_WRITE | VM_SHARED)) == VM_WRITE)
		gup_flags |= FOLL_WRITE;
	/*
	 * We want mlock to succeed for regions that have any permissions
	 * other than PROT_NONE.
	 */
	if (vma_is_accessible(vma))
		gup_flags |= FOLL_FORCE;                             //@flags
	return __get_user_pages(mm, start, nr_pages, gup_flags,
				NULL, NULL, locked);                 //@gup
}

int __mm_populate(unsigned long start, unsigned long len, int ignore_errors) //@@ __mm_populate
{
	end = start + len;
	for (nstart = start; nstart < end; nstart = nend) {
		vma = find_vma(mm, nstart);                          //@vma
		if (!vma || vma->vm_start >= end)
			break;
		nend = min(end, vma->vm_end);
		if (nstart < vma->vm_start)
			nstart = vma->vm_start;
		ret = populate_vma_page_range(vma, nstart, nend, &locked); //@populate
		if (ret < 0) {
			if (ignore_errors) {
				ret = 0;
				continue;	/* continue at next VMA */
			}
			break;                                       //@error
		}
		nend = nstart + ret * PAGE_SIZE;
		ret = 0;
	}
	return ret;	/* 0 or negative error code */               //@done
}

static struct page *follow_page_pte(struct vm_area_struct *vma,
		unsigned long address, pmd_t *pmd, unsigned int flags,
		struct dev_pagemap **pgmap)                         //@@ follow_page_pte
{
	/* FOLL_GET and FOLL_PIN are mutually exclusive. */
	if (WARN_ON_ONCE((flags & (FOLL_PIN | FOLL_GET)) ==
			 (FOLL_PIN | FOLL_GET)))
		return ERR_PTR(-EINVAL);                             //@einval
	ptep = pte_offset_map_lock(mm, pmd, address, &ptl);
	pte = *ptep;                                                 //@pte
	if (!pte_present(pte)) {
		/* FOLL_MIGRATION waits on a migration entry; nothing else here */
		goto no_page;                                        //@not_present
	}
	if ((flags & FOLL_WRITE) && !can_follow_write_pte(pte, flags)) {
		pte_unmap_unlock(ptep, ptl);
		return NULL;                                         //@no_write
	}
	if (flags & (FOLL_MLOCK | FOLL_LRU))
		page = vm_normal_lru_page(vma, address, pte);        //@lru
	else
		page = vm_normal_any_page(vma, address, pte);        //@any
	if (!page && pte_devmap(pte) && (flags & (FOLL_GET | FOLL_PIN))) {
		/*
		 * Only return device mapping pages in the FOLL_GET or FOLL_PIN
		 * case since they are only valid while holding the pgmap
		 * reference.
		 */
		*pgmap = get_dev_pagemap(pte_pfn(pte), *pgmap);      //@devmap
		if (*pgmap)
			page = pte_page(pte);                        //@devmap_page
		else
			goto no_page;
	} else if (unlikely(!page)) {
		if (flags & FOLL_DUMP) {
			/* Avoid special (like zero) pages in core dumps */
			page = ERR_PTR(-EFAULT);
			goto out;                                    //@dump
		}

		if (is_zero_pfn(pte_pfn(pte))) {
			page = pte_page(pte);                        //@zero
		} else {
			ret = follow_pfn_pte(vma, address, ptep, flags);
			page = ERR_PTR(ret);
			goto out;                                    //@pfn
		}
	}

	/* try_grab_page() does nothing unless FOLL_GET or FOLL_PIN is set. */
	if (unlikely(!try_grab_page(page, flags))) {
		page = ERR_PTR(-ENOMEM);
		goto out;
	}                                                            //@grab
out:
	pte_unmap_unlock(ptep, ptl);
	return page;                                                 //@out
no_page:
	pte_unmap_unlock(ptep, ptl);
	if (!pte_none(pte))
		return NULL;                                         //@null
	/* no_page_table(): */
	if ((flags & FOLL_DUMP) &&
			(vma_is_anonymous(vma) || !vma->vm_ops->fault))
		return ERR_PTR(-EFAULT);                             //@no_page_table
	return NULL;                                                 //@none
}
`,
);
