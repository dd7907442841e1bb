import { kernelSource } from '../core/frames';

/**
 * fs/hugetlbfs/inode.c: fallocate(FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE)
 * of a hugetlbfs file. The unmapping and the page cache's side
 * (hugetlb_vmdelete_list, remove_inode_hugepages) are in the mappings listing
 * beside truncation, which shares them.
 */
export const HUGETLBFS_INODE_C = kernelSource(
  'fs/hugetlbfs/inode.c',
  `
static long hugetlbfs_fallocate(struct file *file, int mode, loff_t offset,
				loff_t len)                                //@@ hugetlbfs_fallocate
{
	struct inode *inode = file_inode(file);

	if (mode & ~(FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE))
		return -EOPNOTSUPP;

	if (mode & FALLOC_FL_PUNCH_HOLE)
		return hugetlbfs_punch_hole(inode, offset, len);           //@punch
	...
}

static long hugetlbfs_punch_hole(struct inode *inode, loff_t offset, loff_t len)  //@@ hugetlbfs_punch_hole
{
	struct hstate *h = hstate_inode(inode);
	loff_t hpage_size = huge_page_size(h);
	loff_t hole_start, hole_end;

	/*
	 * For hole punch round up the beginning offset of the hole and
	 * round down the end.
	 */
	hole_start = round_up(offset, hpage_size);
	hole_end = round_down(offset + len, hpage_size);                   //@round

	if (hole_end > hole_start) {
		struct address_space *mapping = inode->i_mapping;

		inode_lock(inode);
		i_mmap_lock_write(mapping);
		if (!RB_EMPTY_ROOT(&mapping->i_mmap.rb_root))
			hugetlb_vmdelete_list(&mapping->i_mmap,
						hole_start >> PAGE_SHIFT,
						hole_end  >> PAGE_SHIFT);      //@vmdelete
		i_mmap_unlock_write(mapping);
		remove_inode_hugepages(inode, hole_start, hole_end);           //@remove
		inode_unlock(inode);
	}

	return 0;                                                          //@done
}
`,
);
