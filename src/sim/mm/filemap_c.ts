import { kernelSource } from '../core/frames';

/**
 * mm/filemap.c of the v5.18 era: the page-cache side of a file mapping's
 * fault (filemap_fault) and of write(2) into a file (generic_perform_write,
 * the path `file write` takes).
 */
export const FILEMAP_C = kernelSource(
  'mm/filemap.c',
  `
vm_fault_t filemap_fault(struct vm_fault *vmf)                      //@@ filemap_fault
{
	struct file *file = vmf->vma->vm_file;
	struct address_space *mapping = file->f_mapping;
	struct inode *inode = mapping->host;
	pgoff_t max_idx, index = vmf->pgoff;
	struct folio *folio;

	max_idx = DIV_ROUND_UP(i_size_read(inode), PAGE_SIZE);
	if (unlikely(index >= max_idx))
		return VM_FAULT_SIGBUS;                              //@sigbus

	/*
	 * Do we have something in the page cache already?
	 */
	folio = filemap_get_folio(mapping, index);                   //@lookup
	if (likely(folio)) {
		/*
		 * We found the page, so try async readahead before waiting for
		 * the lock.
		 */
		fpin = do_async_mmap_readahead(vmf, folio);          //@found
	} else {
		/* No page in the page cache at all */
		count_vm_event(PGMAJFAULT);
		fpin = do_sync_mmap_readahead(vmf);
retry_find:
		folio = __filemap_get_folio(mapping, index,
					  FGP_CREAT|FGP_FOR_MMAP,
					  vmf->gfp_mask);            //@no_cached_page
		if (!folio)
			return VM_FAULT_OOM;
	}
	/* the folio holds the page cache's reference and now the fault's */
	vmf->page = folio_file_page(folio, index);
	return ret | VM_FAULT_LOCKED;                                //@out
}

ssize_t generic_perform_write(struct kiocb *iocb, struct iov_iter *i) //@@ generic_perform_write
{
	struct file *file = iocb->ki_filp;
	loff_t pos = iocb->ki_pos;
	struct address_space *mapping = file->f_mapping;

	do {
		offset = (pos & (PAGE_SIZE - 1));
		bytes = min_t(unsigned long, PAGE_SIZE - offset,
						iov_iter_count(i));
		/* ext4_write_begin -> grab_cache_page_write_begin */
		status = a_ops->write_begin(file, mapping, pos, bytes,
						&page, &fsdata);     //@write_begin
		copied = copy_page_from_iter_atomic(page, offset, bytes, i); //@copy
		status = a_ops->write_end(file, mapping, pos, bytes, copied,
						page, fsdata);       //@write_end
		pos += copied;
	} while (iov_iter_count(i));
	/* i_size_write() when the write went past the end */
	return written ? written : status;                           //@out
}
`,
);
