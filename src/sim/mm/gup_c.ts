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
	if (foll_flags & FOLL_PIN) return NULL;    /* pins are gup's */  //@pin
	vma = find_vma(mm, address); pte = *ptep;   /* follow_page_mask -> follow_page_pte */  //@vma
	if (!pte_present(pte))
		goto no_page;                                        //@no_page
	if ((flags & FOLL_WRITE) && !can_follow_write_pte(pte, flags)) return NULL;  //@no_write
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
	/* check_vma_flags(): no VM_READ and no FOLL_FORCE (PROT_NONE);
	 * FOLL_LONGTERM on an fsdax VMA is -EOPNOTSUPP */
	if ((gup_flags & FOLL_LONGTERM) && vma_is_fsdax(vma))
		return -EOPNOTSUPP;
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
			/* no struct page: gup wants pages, so it stops */
			if (pages) {
				ret = PTR_ERR(page);
				goto out;                            //@err_page
			}
			goto next_page;
		} else if (IS_ERR(page)) {
			ret = PTR_ERR(page);   /* FOLL_DUMP: -EFAULT */
			goto out;
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

/**
 * try_grab_page() - elevate a page's refcount by a flag-dependent amount
 *
 * FOLL_GET: one reference. FOLL_PIN on a small page: GUP_PIN_COUNTING_BIAS
 * (1024) references, so page_maybe_dma_pinned() can tell a pinned page; on
 * a compound page: one reference and one compound_pincount.
 */
bool __must_check try_grab_page(struct page *page, unsigned int flags) //@@ try_grab_page
{
	struct folio *folio = page_folio(page);

	if (flags & FOLL_GET)
		folio_ref_inc(folio);                                //@get
	else if (flags & FOLL_PIN) {
		if (folio_test_large(folio)) {
			folio_ref_add(folio, 1);
			atomic_add(1, folio_pincount_ptr(folio));
		} else {
			folio_ref_add(folio, GUP_PIN_COUNTING_BIAS);
		}
		node_stat_mod_folio(folio, NR_FOLL_PIN_ACQUIRED, 1); //@pin
	}
	return true;
}

/**
 * unpin_user_page() - release a dma-pinned page
 */
void unpin_user_page(struct page *page)                             //@@ unpin_user_page
{
	struct folio *folio = page_folio(page);

	/* gup_put_folio(folio, 1, FOLL_PIN) */
	node_stat_mod_folio(folio, NR_FOLL_PIN_RELEASED, 1);
	if (folio_test_large(folio))
		atomic_sub(1, folio_pincount_ptr(folio));
	else
		refs *= GUP_PIN_COUNTING_BIAS;
	folio_put_refs(folio, refs);                                 //@put
}

static long check_and_migrate_movable_pages(unsigned long nr_pages,
					    struct page **pages,
					    unsigned int gup_flags) //@@ check_and_migrate_movable_pages
{
	bool coherent_pages = false;

	for (i = 0; i < nr_pages; i++) {
		struct folio *folio = page_folio(pages[i]);

		if (folio == prev_folio)
			continue;
		prev_folio = folio;                                  //@page
		/*
		 * Device coherent pages are managed by a driver and should not
		 * be pinned indefinitely as it prevents the driver moving the
		 * page. So when trying to pin with FOLL_LONGTERM instead try
		 * to migrate the page out of device memory.
		 */
		if (folio_is_device_coherent(folio)) {
			/*
			 * We always want a new GUP lookup with device coherent
			 * pages.
			 */
			pages[i] = 0;
			coherent_pages = true;

			/*
			 * Migration will fail if the page is pinned, so convert
			 * the pin on the source page to a normal reference.
			 */
			if (gup_flags & FOLL_PIN) {
				get_page(&folio->page);
				unpin_user_page(&folio->page);
			}
			ret = migrate_device_coherent_page(&folio->page); //@coherent
			if (ret)
				goto unpin_pages;
			continue;
		}
		if (folio_is_longterm_pinnable(folio))
			continue;
	}
	if (coherent_pages)
		goto unpin_pages;
	/*
	 * If list is empty, and no isolation errors, means that all pages are
	 * in the correct zone.
	 */
	return nr_pages;                                             //@pinnable
unpin_pages:
	/*
	 * pages[i] might be NULL if any device coherent pages were found.
	 */
	for (i = 0; i < nr_pages; i++) {
		if (!pages[i])
			continue;
		if (gup_flags & FOLL_PIN)
			unpin_user_page(pages[i]);
		else
			put_page(pages[i]);                          //@unpin
	}
	return ret;                                                  //@retry
}

/*
 * __gup_longterm_locked() is a wrapper for __get_user_pages_locked which
 * allows us to process the FOLL_LONGTERM flag.
 */
static long __gup_longterm_locked(struct mm_struct *mm,
				  unsigned long start,
				  unsigned long nr_pages,
				  struct page **pages,
				  struct vm_area_struct **vmas,
				  unsigned int gup_flags)           //@@ __gup_longterm_locked
{
	if (!(gup_flags & FOLL_LONGTERM))
		return __get_user_pages_locked(mm, start, nr_pages, pages, vmas,
					       NULL, gup_flags);    //@gup
	flags = memalloc_pin_save();
	do {
		rc = __get_user_pages_locked(mm, start, nr_pages, pages, vmas,
					     NULL, gup_flags);      //@longterm
		if (rc <= 0)
			break;
		rc = check_and_migrate_movable_pages(rc, pages, gup_flags); //@check
	} while (!rc);
	memalloc_pin_restore(flags);
	return rc;                                                   //@done
}

long get_user_pages(unsigned long start, unsigned long nr_pages,
		unsigned int gup_flags, struct page **pages,
		struct vm_area_struct **vmas)                      //@@ get_user_pages
{
	if (!is_valid_gup_flags(gup_flags))
		return -EINVAL;                                      //@einval
	return __gup_longterm_locked(current->mm, start, nr_pages,
				     pages, vmas, gup_flags | FOLL_TOUCH | FOLL_GET); //@gup
}

long pin_user_pages(unsigned long start, unsigned long nr_pages,
		    unsigned int gup_flags, struct page **pages,
		    struct vm_area_struct **vmas)                  //@@ pin_user_pages
{
	/* FOLL_GET and FOLL_PIN are mutually exclusive. */
	if (WARN_ON_ONCE(gup_flags & FOLL_GET))
		return -EINVAL;                                      //@einval
	gup_flags |= FOLL_PIN;
	return __gup_longterm_locked(current->mm, start, nr_pages,
				     pages, vmas, gup_flags | FOLL_TOUCH); //@gup
}

long get_user_pages_remote(struct mm_struct *mm,
		unsigned long start, unsigned long nr_pages,
		unsigned int gup_flags, struct page **pages,
		struct vm_area_struct **vmas, int *locked)          //@@ get_user_pages_remote
{
	if (!is_valid_gup_flags(gup_flags))
		return -EINVAL;
	/* __get_user_pages_remote(): no FOLL_LONGTERM here */
	return __get_user_pages_locked(mm, start, nr_pages, pages, vmas,
				       locked,
				       gup_flags | FOLL_TOUCH | FOLL_REMOTE); //@gup
}
`,
);
