/**
 * SCENARIO.md §6.1 `hugetlb mount <name> size= min_size=` and
 * `hugetlb file <f> mount=<name>`: the mount's hugepage_subpool, charged at
 * reserve (hugetlb_reserve_pages), at fault (alloc_huge_page: -ENOSPC at the
 * limit) and given back at free (free_huge_page) and unreserve.
 */
import { describe, expect, it } from 'vitest';
import type { Sim } from '../support/kit';
import { cli, run, scenario, show, sim, subsystem } from '../support/kit';
import { Mm } from '../../src/sim/mm/subsystem';
import { checkInvariants } from '../mm/invariants';

const A = '0x40000000';
const counters = (s: Sim): string => show(s, '[hugetlb.total, hugetlb.free, hugetlb.rsvd, hugetlb.surp]');
const spool = (s: Sim, name: string): string => show(s, `hugetlb.mount.${name}`);

describe('hugetlb mount', () => {
  it('size= alone: a subpool with a limit and no minimum (rsv_hpages = min_hpages = -1, as hugepage_new_subpool sets it)', () => {
    const s = run(`
hugetlb mount m size=4
expect last.ret == 0
`);
    expect(spool(s, 'm')).toBe('{max_hpages: 4, used_hpages: 0, min_hpages: -1, rsv_hpages: -1}');
  });

  it('min_size= reserves its pages in the global pool at mount time', () => {
    const s = run(`
hugetlb pool pages=3
hugetlb mount m size=4 min_size=2
expect last.ret == 0
`);
    expect(spool(s, 'm')).toBe('{max_hpages: 4, used_hpages: 0, min_hpages: 2, rsv_hpages: 2}');
    expect(counters(s)).toBe('[3, 3, 2, 0]');
  });

  it('a min_size the pool cannot reserve fails the mount with -ENOMEM; min_size above size is -EINVAL', () => {
    const s = run(`
hugetlb pool pages=1
hugetlb mount m min_size=2
expect last.ret == -ENOMEM
hugetlb mount n size=1 min_size=2
expect last.ret == -EINVAL
`);
    expect(show(s, 'hugetlb.mount')).toBe('{}');
    expect(counters(s)).toBe('[1, 1, 0, 0]');
  });

  it('a file in an unknown mount and a second mount of one name are scenario errors', () => {
    const r = cli(scenario(`
hugetlb mount m size=1
hugetlb mount m size=2
hugetlb file f mount=nosuch
`));
    expect(r.code).toBe(2);
    // The checker warns of the undeclared mount first; the run stops at the second mount.
    expect(r.err).toEqual([expect.stringMatching(/t\.kstep:3:\d+: warning: no hugetlbfs mount 'nosuch' is declared/), expect.stringMatching(/t\.kstep:2:\d+: error: hugetlbfs mount 'm' already exists/)]);
  });

  it('a file in an unknown mount', () => {
    const r = cli(scenario('hugetlb file f mount=nosuch'));
    expect(r.code).toBe(2);
    expect(r.err[1]).toMatch(/error: no hugetlbfs mount 'nosuch' \(create one with: hugetlb mount <name> size=<pages>\)/);
  });
});

describe('subpool accounting at reserve time (hugetlb_reserve_pages)', () => {
  it('a reservation beyond the mount size fails with -ENOSPC and leaves nothing charged', () => {
    const s = run(`
hugetlb pool pages=4
hugetlb mount m size=2
hugetlb file f mount=m
hugetlb reserve f 0 3
expect last.ret == -ENOSPC
expect resv.f.regions == []
expect resv.f.adds_in_progress == 0
hugetlb reserve f 0 2
expect last.ret == 0
`);
    expect(spool(s, 'm')).toBe('{max_hpages: 2, used_hpages: 2, min_hpages: -1, rsv_hpages: -1}');
    expect(counters(s)).toBe('[4, 4, 2, 0]');
  });

  it('a reservation the min_size already holds takes nothing more from the global pool', () => {
    const s = run(`
hugetlb pool pages=3
hugetlb mount m min_size=2
hugetlb file f mount=m
mmap ${A} 6M hugetlb=f shared
expect last.ret == 0
`);
    // get_pages(3) with rsv_hpages 2: gbl_reserve = 1.
    expect(spool(s, 'm')).toBe('{max_hpages: -1, used_hpages: 0, min_hpages: 2, rsv_hpages: 0}');
    expect(counters(s)).toBe('[3, 3, 3, 0]');
  });

  it('the pool failing the reservation gives the subpool its pages back (out_put_pages)', () => {
    const s = run(`
hugetlb pool pages=1
hugetlb mount m size=4
hugetlb file f mount=m
mmap ${A} 4M hugetlb=f shared
expect last.ret == -ENOMEM
`);
    expect(spool(s, 'm')).toBe('{max_hpages: 4, used_hpages: 0, min_hpages: -1, rsv_hpages: -1}');
  });
});

describe('subpool accounting at fault and free time', () => {
  it('a MAP_NORESERVE fault charges the subpool and gets -ENOSPC (SIGBUS) at its limit', () => {
    const text = `
hugetlb pool pages=4
hugetlb mount m size=1
hugetlb file f mount=m
mmap ${A} 4M hugetlb=f shared noreserve
expect hugetlb.mount.m.used_hpages == 0
write ${A} 1
expect last.signal == none
expect hugetlb.mount.m.used_hpages == 1
write ${A} + 2M 1
expect last.signal == SIGBUS
expect hugetlb.mount.m.used_hpages == 1
`;
    const s = run(text);
    expect(counters(s)).toBe('[4, 3, 0, 0]');
    checkInvariants(subsystem(s, Mm));
    // alloc_huge_page returns -ENOSPC from the subpool check, before any page is dequeued.
    const d = sim(text);
    d.machine.breakpoints.setFunctions([{ id: 1, name: 'hugepage_subpool_get_pages', hits: 0 } as never]);
    d.machine.resume('continue');
    const st = d.machine.resume('continue');
    expect(st.reason).toBe('function breakpoint');
    expect(d.machine.frames.map((f) => f.fn.name)).toEqual(['handle_mm_fault', 'hugetlb_fault', 'hugetlb_no_page', 'alloc_huge_page', 'hugepage_subpool_get_pages']);
  });

  it('freeing a page gives its subpool page back; truncation then finds nothing more to give', () => {
    const s = run(`
hugetlb pool pages=2
hugetlb mount m size=2
hugetlb file f mount=m
mmap ${A} 4M hugetlb=f shared
write ${A} 1
expect hugetlb.mount.m.used_hpages == 2
munmap ${A} 4M
hugetlb truncate f 0
`);
    expect(spool(s, 'm')).toBe('{max_hpages: 2, used_hpages: 0, min_hpages: -1, rsv_hpages: -1}');
    expect(counters(s)).toBe('[2, 2, 0, 0]');
  });

  it('a subpool under its minimum keeps the reservation of a freed page (free_huge_page restores it)', () => {
    const s = run(`
hugetlb pool pages=2
hugetlb mount m min_size=2
hugetlb file f mount=m
mmap ${A} 2M hugetlb=f shared
write ${A} 1
expect [hugetlb.total, hugetlb.free, hugetlb.rsvd, hugetlb.surp] == [2, 1, 1, 0]
expect hugetlb.mount.m.rsv_hpages == 1
hugetlb truncate f 0
`);
    expect(spool(s, 'm')).toBe('{max_hpages: -1, used_hpages: 0, min_hpages: 2, rsv_hpages: 2}');
    expect(counters(s)).toBe('[2, 2, 2, 0]');
  });

  it('private mappings count against the quota at mmap; a COW copy in a child charges it at fault', () => {
    const s = run(`
hugetlb pool pages=4
hugetlb mount m size=2
hugetlb file f mount=m
mmap ${A} 2M hugetlb=f private
write ${A} 5
expect hugetlb.mount.m.used_hpages == 1
fork as child
task child
write ${A} 6
expect last.signal == none
expect hugetlb.mount.m.used_hpages == 2
exit child
task init
expect hugetlb.mount.m.used_hpages == 1
munmap ${A} 2M
`);
    expect(spool(s, 'm')).toBe('{max_hpages: 2, used_hpages: 0, min_hpages: -1, rsv_hpages: -1}');
    expect(counters(s)).toBe('[4, 4, 0, 0]');
  });

  it('the code itself leaves free < rsvd when a subpool under its minimum restores the reservation of a surplus page', () => {
    const s = run(`
hugetlb pool pages=0
hugetlb overcommit pages=2
hugetlb mount m min_size=1
expect [hugetlb.total, hugetlb.free, hugetlb.rsvd, hugetlb.surp] == [1, 1, 1, 1]
hugetlb file f mount=m
mmap ${A} 4M hugetlb=f shared noreserve
write ${A} 1
write ${A} + 2M 1
expect [hugetlb.total, hugetlb.free, hugetlb.rsvd, hugetlb.surp] == [2, 0, 0, 2]
hugetlb truncate f 0
`);
    // free_huge_page: restore_reserve (rsvd 1), then surplus_huge_pages > 0 sends the page to the buddy allocator.
    expect(counters(s)).toBe('[0, 0, 1, 0]');
    expect(spool(s, 'm')).toBe('{max_hpages: -1, used_hpages: 0, min_hpages: 1, rsv_hpages: 1}');
  });
});
