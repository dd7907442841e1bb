/**
 * Where page-cache files and fsdax meet device-exclusive entries, gup pins
 * and mmap offsets: reference 002's check_mapping branch in zap_pte_range
 * for device-exclusive entries, pte_to_pagemap_entry / smaps_pte_entry on
 * them, __get_user_pages reaching follow_page_pte's devmap branch, and
 * migrate_page_move_mapping refusing a pinned page.
 */
import { describe, it } from 'vitest';
import { run } from '../support/kit';

const A = '0x7f0000000000';

describe('mmap offset= of page-cache and fsdax files', () => {
  it('a file mapping at offset 8K faults in file page 2 at its first address', () => {
    run(`
file f size=16K
file write f 0x2000 7
mmap ${A} 8K shared file=f offset=8K
read ${A}
expect last.value == 7
expect page[task.init.pte[${A}].pfn].index == 2
expect task.init.vma[0].offset == 8K
`);
  });

  it('a dax mapping at offset 4K maps the device page after the first', () => {
    run(`
device pm type=host pages=4
mmap ${A} 8K shared dax=pm offset=4K
write ${A} 1
expect task.init.pte[${A}].pfn == dev.pm.base_pfn + 1
`);
  });
});

describe('zap_pte_range: device-exclusive entries and zap_details', () => {
  const SETUP = `
device gpu type=private pages=4
file f size=8K
mmap ${A} 8K private file=f
write ${A} 1
device_exclusive gpu ${A} 4K
expect last.ret == 0
expect task.init.pte[${A}].kind == device_exclusive
`;

  it('file invalidate (check_mapping = the file) keeps the exclusive entry of a private COW page', () => {
    run(`${SETUP}
file invalidate f
expect task.init.pte[${A}].kind == device_exclusive
read ${A}
expect last.value == 1
expect last.fault == device_exclusive
`);
  });

  it('file truncate (check_mapping NULL, even_cows) zaps it: rss and the reference go', () => {
    run(`${SETUP}
expect task.init.rss == 1
file truncate f 0
expect task.init.pte[${A}].kind == none
expect task.init.rss == 0
`);
  });
});

describe('pagemap and smaps of a device-exclusive entry', () => {
  it('pagemap reports a swap entry of the device-exclusive type with the pfn as its offset; smaps counts the page', () => {
    run(`
device gpu type=private pages=4
mmap ${A} 8K
write ${A} 1
device_exclusive gpu ${A} 4K
pagemap ${A}
expect last.present == false
expect last.swap
expect last.swap_type == SWP_DEVICE_WRITE + 2
expect last.swap_offset == task.init.pte[${A}].pfn
smaps ${A}
expect last.rss == 4096
expect last.anonymous == 4096
`);
  });
});

describe('gup through devmap PTEs', () => {
  it('pin_user_pages of an fsdax page takes the devmap branch of follow_page_pte; unpin leaves the page with its device', () => {
    run(`
device pm type=host pages=2
mmap ${A} 8K shared dax=pm
gup ${A} 4K flags=FOLL_PIN|FOLL_WRITE
expect last.ret == 1
expect last.pages == [dev.pm.base_pfn]
expect page[dev.pm.base_pfn].refcount == 1025
expect page[dev.pm.base_pfn].pincount == 1
unpin ${A} 4K
expect page[dev.pm.base_pfn].refcount == 1
expect dev.pm.free == 2
`);
  });

  it('FOLL_LONGTERM on an fsdax VMA is -EOPNOTSUPP (check_vma_flags)', () => {
    run(`
device pm type=host pages=2
mmap ${A} 8K shared dax=pm
gup ${A} 4K flags=FOLL_PIN|FOLL_LONGTERM
expect last.ret == -EOPNOTSUPP
`);
  });
});

describe('move_pages of a pinned page', () => {
  it('migrate_page_move_mapping sees the pin: the page stays, one page is left unmigrated', () => {
    run(`
mmap ${A} 8K
write ${A} 1
gup ${A} 4K flags=FOLL_PIN
expect last.pages == [task.init.pte[${A}].pfn]
move_pages ${A} node=1
expect last.ret == 1
expect page[task.init.pte[${A}].pfn].pincount == 1
expect page[task.init.pte[${A}].pfn].node == 0
unpin ${A} 4K
move_pages ${A} node=1
expect last.ret == 0
expect last.status == 1
expect page[task.init.pte[${A}].pfn].node == 1
`);
  });
});
