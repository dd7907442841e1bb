import { kernelSource } from '../core/frames';

/**
 * mm/migrate.c of reference 003's era: move_pages(2) one page at a time
 * (add_page_for_migration looks the page up with follow_page, FOLL_LRU added
 * by reference 003), and the NUMA balancing side (migrate_misplaced_page).
 * The simulated machine has two memory nodes, 0 and 1.
 */
export const MIGRATE_C = kernelSource(
  'mm/migrate.c',
  `
static int do_pages_move(struct mm_struct *mm, nodemask_t task_nodes,
			 unsigned long nr_pages,
			 const void __user * __user *pages,
			 const int __user *nodes,
			 int __user *status, int flags)             //@@ do_pages_move
{
	for (i = start = 0; i < nr_pages; i++) {
		err = -ENODEV;
		if (node < 0 || node >= MAX_NUMNODES)
			goto out_flush;
		if (!node_state(node, N_MEMORY))
			goto out_flush;                              //@enodev

		/*
		 * Errors in the page lookup or isolation are not fatal and we simply
		 * report them via status
		 */
		err = add_page_for_migration(mm, addr, current_node,
				&pagelist, flags & MPOL_MF_MOVE_ALL); //@add

		if (err > 0) {
			/* The page is successfully queued for migration */
			continue;                                    //@queued
		}

		/*
		 * If the page is already on the target node (!err), store the
		 * node, otherwise, store the err.
		 */
		err = store_status(status, i, err ? : current_node, 1); //@store
	}
out_flush:
	/* Make sure we do not overwrite the existing error */
	err1 = move_pages_and_store_status(mm, current_node, status,
				start, i, nr_pages);                 //@move
	if (err >= 0)
		err = err1;
out:
	return err;                                                  //@out
}

static int add_page_for_migration(struct mm_struct *mm, unsigned long addr,
		int node, struct list_head *pagelist, bool migrate_all) //@@ add_page_for_migration
{
	struct vm_area_struct *vma;
	struct page *page;
	unsigned int follflags;
	int err;

	mmap_read_lock(mm);
	err = -EFAULT;
	vma = vma_lookup(mm, addr);                                  //@vma
	if (!vma || !vma_migratable(vma))
		goto out;                                            //@efault

	/* FOLL_DUMP to ignore special (like zero) pages */
	follflags = FOLL_GET | FOLL_DUMP | FOLL_LRU;
	page = follow_page(vma, addr, follflags);                    //@follow

	err = PTR_ERR(page);
	if (IS_ERR(page))
		goto out;                                            //@err

	err = -ENOENT;
	if (!page)
		goto out;                                            //@enoent

	err = 0;
	if (page_to_nid(page) == node)
		goto out_putpage;                                    //@same_node

	err = -EACCES;
	if (page_mapcount(page) > 1 && !migrate_all)
		goto out_putpage;                                    //@eacces

	if (PageHuge(page)) {
		if (PageHead(page)) {
			isolate_huge_page(page, pagelist);
			err = 1;
		}
	} else {
		struct page *head;

		head = compound_head(page);
		err = isolate_lru_page(head);
		if (err)
			goto out_putpage;                            //@ebusy

		err = 1;
		list_add_tail(&head->lru, pagelist);                 //@isolated
		mod_node_page_state(page_pgdat(head),
			NR_ISOLATED_ANON + page_is_file_lru(head),
			thp_nr_pages(head));
	}
out_putpage:
	/*
	 * Either remove the duplicate refcount from
	 * isolate_lru_page() or drop the page ref if it was
	 * not isolated.
	 */
	put_page(page);                                              //@put
out:
	mmap_read_unlock(mm);
	return err;                                                  //@out
}

int migrate_pages(struct list_head *from, new_page_t get_new_page,
		free_page_t put_new_page, unsigned long private,
		enum migrate_mode mode, int reason, unsigned int *ret_succeeded) //@@ migrate_pages
{
	list_for_each_entry_safe(page, page2, from, lru) {
		/* unmap_and_move() -> __unmap_and_move(): */
		newpage = get_new_page(page, private);   /* alloc_migration_target(nid) */ //@alloc
		/* try_to_migrate(): the PTEs become migration entries */
		try_to_migrate(page, 0);                             //@unmap
		/* move_to_new_page(): the page cache slot (if any) and the data */
		rc = move_to_new_page(newpage, page, mode);          //@copy
		if (rc) {
			/* migrate_page_move_mapping(): page_count(page) !=
			 * expected_count (a pin) is -EAGAIN, every retry */
			remove_migration_ptes(page, page, false);
			put_new_page(newpage);
			nr_failed++;
			continue;                                    //@busy
		}
		/* remove_migration_ptes(): the PTEs point at the new page */
		remove_migration_ptes(page, newpage, false);         //@remap
		/* the old page is freed: putback of its last reference */
		put_page(page);                                      //@free
	}
	return nr_failed;                                            //@out
}

int migrate_misplaced_page(struct page *page, struct vm_area_struct *vma,
			   int node)                                //@@ migrate_misplaced_page
{
	/*
	 * Don't migrate file pages that are mapped in multiple processes
	 * with execute permissions as they are probably shared libraries.
	 */
	if (page_mapcount(page) != 1 && page_is_file_lru(page) &&
	    (vma->vm_flags & VM_EXEC))
		goto out;                                            //@shared_exec

	isolated = numamigrate_isolate_page(pgdat, page);            //@isolate
	if (!isolated)
		goto out;

	list_add(&page->lru, &migratepages);
	nr_remaining = migrate_pages(&migratepages, *new,
				     NULL, node, MIGRATE_ASYNC,
				     MR_NUMA_MISPLACED, &nr_succeeded); //@migrate
	return isolated;
out:
	put_page(page);
	return 0;                                                    //@out
}
`,
);
