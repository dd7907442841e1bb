/**
 * libhugetlbfs tests/quota.c: a hugetlbfs mount with size= one huge page
 * (a subpool with max_hpages 1), and children that map, touch and COW files
 * in it. The kernel has private reservations, so bad_priv_resv is BAD_EXIT:
 * quota is checked at mmap for private mappings as for shared ones.
 *
 * The child is driven as the C drives it: each step is run, and what it
 * returned decides the next (exit(1) when mmap fails, killed on SIGBUS), so
 * the scenario grows statement by statement and is re-run from the start.
 * A child's fd is an unlinked file: its last close (after the child's
 * address space is gone) evicts the inode, which `hugetlb truncate <f> 0`
 * runs (remove_inode_hugepages(inode, 0, LLONG_MAX)).
 */
import { describe, expect, it } from 'vitest';
import { last, run, show } from '../support/kit';

const GOOD = 'pass';
const BAD_SIG = 'killed';
const BAD_EXIT = 'fail';
type Result = typeof GOOD | typeof BAD_SIG | typeof BAD_EXIT;

const ACTION_TOUCH = 1;
const ACTION_COW = 2;
const HPAGE = 0x200000;
const A = 0x40000000;
const C = 0x80000000;

/** The whole run so far; `step` appends a statement, runs everything and returns `last`. */
class QuotaRun {
  private readonly lines: string[] = [];
  private files = 0;
  private children = 0;

  constructor(setup: readonly string[]) {
    this.lines.push(...setup);
  }

  step(stmt: string): Record<string, unknown> {
    this.lines.push(stmt);
    return last(run(this.text())) as Record<string, unknown>;
  }

  text(): string {
    return `${this.lines.join('\n')}\n`;
  }

  /** map(): the child's body; 0 is exit(0), 1 is exit(1), 'killed' a fatal signal. */
  private map(file: string, size: number, flags: 'shared' | 'private', actions: number): 0 | 1 | 'killed' {
    const mapped = this.step(`mmap 0x${A.toString(16)} ${size} hugetlb=${file} ${flags}`);
    if (mapped.ret !== 0n) return 1;
    if (actions & ACTION_TOUCH) {
      for (let b = A; b < A + size; b += HPAGE) if (String(this.step(`write 0x${b.toString(16)} 1`).signal) !== 'none') return 'killed';
    }
    if (actions & ACTION_COW) {
      if (this.step(`mmap 0x${C.toString(16)} ${size} hugetlb=${file} private`).ret !== 0n) return 1;
      const r = this.step(`read 0x${C.toString(16)}`);
      if (String(r.signal) !== 'none') return 'killed';
      if (r.value !== 1n) return 1;
      if (String(this.step(`write 0x${C.toString(16)} 0`).signal) !== 'none') return 'killed';
      this.step(`munmap 0x${C.toString(16)} ${size}`);
    }
    this.step(`munmap 0x${A.toString(16)} ${size}`);
    return 0;
  }

  /** _spawn(): fork a child that runs map() and exits; the parent reads how it ended. */
  spawn(size: number, flags: 'shared' | 'private', actions: number): Result {
    const child = `child${this.children++}`;
    const file = `f${this.files++}`;
    this.step(`task ${child}`);
    this.step(`hugetlb file ${file} mount=quota`);
    const status = this.map(file, size, flags, actions);
    this.step(`exit ${child}`);
    this.step('task init');
    this.step(`hugetlb truncate ${file} 0`);
    return status === 'killed' ? BAD_SIG : status === 0 ? GOOD : BAD_EXIT;
  }
}

/** get_quota_fs(hpage_size): mount -t hugetlbfs -o size=<one huge page>; check_free_huge_pages(1) needs a pool. */
function quotaFs(): QuotaRun {
  const q = new QuotaRun(['hugetlb pool pages=2', 'hugetlb mount quota size=1', 'expect last.ret == 0']);
  return q;
}

/** verify_stat(tot, free, avail): statfs of the mount reads the subpool (f_bfree = f_bavail = max - used). */
function statfs(q: QuotaRun): [number, number, number] {
  const s = run(q.text());
  const max = Number(show(s, 'hugetlb.mount.quota.max_hpages'));
  const free = max - Number(show(s, 'hugetlb.mount.quota.used_hpages'));
  return [max, free, free];
}

describe('libhugetlbfs quota.c', () => {
  const privateResv = true;
  const badPrivResv: Result = privateResv ? BAD_EXIT : BAD_SIG;

  it('unused quota is cleared when untouched mmaps are cleaned up', () => {
    const q = quotaFs();
    expect(q.spawn(HPAGE, 'private', 0)).toBe(GOOD);
    expect(statfs(q)).toEqual([1, 1, 1]);
    expect(q.spawn(HPAGE, 'shared', 0)).toBe(GOOD);
    expect(statfs(q)).toEqual([1, 1, 1]);
  });

  it('simple page instantiation works within quota limits for private and shared mappings', () => {
    const q = quotaFs();
    expect(q.spawn(HPAGE, 'private', ACTION_TOUCH)).toBe(GOOD);
    expect(q.spawn(HPAGE, 'shared', ACTION_TOUCH)).toBe(GOOD);
    expect(statfs(q)).toEqual([1, 1, 1]);
  });

  it('page instantiation is refused if doing so puts the fs over quota', () => {
    const q = quotaFs();
    expect(q.spawn(2 * HPAGE, 'shared', ACTION_TOUCH)).toBe(BAD_EXIT);
    // If private mappings are reserved, the quota is checked up front (as for shared mappings).
    expect(q.spawn(2 * HPAGE, 'private', ACTION_TOUCH)).toBe(badPrivResv);
    expect(statfs(q)).toEqual([1, 1, 1]);
  });

  it('COW is not allowed if doing so puts the fs over quota', () => {
    const q = quotaFs();
    expect(q.spawn(HPAGE, 'shared', ACTION_TOUCH | ACTION_COW)).toBe(badPrivResv);
    expect(q.spawn(HPAGE, 'private', ACTION_TOUCH | ACTION_COW)).toBe(badPrivResv);
    expect(statfs(q)).toEqual([1, 1, 1]);
  });

  it('main: every spawn in order, operations within the quota succeeding after the failures', () => {
    const q = quotaFs();
    const results = [
      q.spawn(HPAGE, 'private', 0),
      q.spawn(HPAGE, 'shared', 0),
      q.spawn(HPAGE, 'private', ACTION_TOUCH),
      q.spawn(HPAGE, 'shared', ACTION_TOUCH),
      q.spawn(2 * HPAGE, 'shared', ACTION_TOUCH),
      q.spawn(2 * HPAGE, 'private', ACTION_TOUCH),
      q.spawn(HPAGE, 'shared', ACTION_TOUCH | ACTION_COW),
      q.spawn(HPAGE, 'private', ACTION_TOUCH | ACTION_COW),
      q.spawn(HPAGE, 'shared', ACTION_TOUCH),
      q.spawn(HPAGE, 'private', ACTION_TOUCH),
    ];
    expect(results).toEqual([GOOD, GOOD, GOOD, GOOD, BAD_EXIT, badPrivResv, badPrivResv, badPrivResv, GOOD, GOOD]);
    // Nothing is left charged: the pool and the subpool are as they started.
    const s = run(q.text());
    expect(show(s, '[hugetlb.total, hugetlb.free, hugetlb.rsvd, hugetlb.surp]')).toBe('[2, 2, 0, 0]');
    expect(show(s, 'hugetlb.mount.quota')).toBe('{max_hpages: 1, used_hpages: 0, min_hpages: -1, rsv_hpages: -1}');
  });
});

describe('quota.c without private reservations (bad_priv_resv = BAD_SIG) is not this kernel', () => {
  it('a 2-page private mapping over a 1-page quota fails at mmap, never at the touch', () => {
    const q = quotaFs();
    q.step('hugetlb file p mount=quota');
    expect(q.step(`mmap 0x${A.toString(16)} 4M hugetlb=p private`).ret).toBe(-12n);
  });
});
