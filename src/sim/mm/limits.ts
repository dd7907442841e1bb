/** What one memory statement may cover: user addresses, page ranges and the bounds a hostile scenario meets. */
import type { SourceRange } from '../core/source';
import { ScenarioError } from '../core/source';
import type { Machine } from '../core/machine';
import { work } from '../core/work';
import { EINVAL } from '../core/errno';
import type { Value } from '../core/values';
import { argBig } from '../scenario/args';
import type { Arg, Stmt } from '../scenario/ast';

/** TASK_SIZE of x86-64 with 4-level paging: user addresses stay exact JS numbers. */
export const ADDR_LIMIT = 1n << 47n;

/** 16G: the million-page scenarios the benchmarks run fit; a 1T migrate (a typed array per page) does not. */
export const MAX_PAGES_PER_STATEMENT = 1 << 22;

/** Statements that work (and allocate) per page of their range refuse more than MAX_PAGES_PER_STATEMENT: a terabyte would run for hours. */
export function checkPerPage(verb: string, startPage: bigint, endPage: bigint, range: SourceRange | undefined): void {
  const pages = endPage - startPage;
  if (pages > BigInt(MAX_PAGES_PER_STATEMENT)) {
    throw new ScenarioError(`${verb} covers ${pages} pages: a scenario may ${verb} at most ${MAX_PAGES_PER_STATEMENT} pages (16G) at once, a fixed limit: split the range across statements`, range);
  }
}

/** A user address argument: in [0, 2^47). */
export function userAddr(m: Machine, a: Arg, what: string): bigint {
  const v = argBig(m, a, what);
  if (v < 0n || v >= ADDR_LIMIT) throw new ScenarioError(`${what} 0x${v.toString(16)} is not a user address`, a.range);
  return v;
}

export interface RangeOptions {
  /** The statement works page by page: MAX_PAGES_PER_STATEMENT applies. */
  readonly perPage?: boolean;
  /** The length when the statement leaves it out (gup/unpin: one page). */
  readonly defaultLen?: bigint;
}

/** [start, end) page indexes of `<addr> <len>` at args[ai], args[ai + 1]: addr page-aligned, len rounded up. */
export function pageRange(m: Machine, s: Stmt, ai: number, o: RangeOptions = {}): [number, number] {
  const a = s.args[ai] as Arg;
  const l = s.args[ai + 1];
  const at = l?.range ?? s.range;
  const addr = userAddr(m, a, '<addr>');
  if (addr & 0xfffn) throw new ScenarioError(`<addr> 0x${addr.toString(16)} is not page-aligned (4K)`, a.range);
  const len = l ? argBig(m, l, '<len>') : (o.defaultLen ?? 0n);
  if (len <= 0n) throw new ScenarioError('<len> must be positive', at);
  return pagesOf(m, s, addr, len, at, o.perPage === true);
}

/** What a system call (or a dmirror ioctl) does with its `<addr> <len>` before it looks at any page. */
export interface SyscallRangeOptions {
  /**
   * An address inside a page: the call fails with -EINVAL (mprotect, munmap, madvise, mbind, mmap with
   * MAP_FIXED, the dmirror ioctls), or rounds it down and grows the length by the offset (mlock, munlock).
   */
  readonly unaligned: 'einval' | 'down';
  /** A zero length: what the call returns at once, or 'range' for the empty range it walks (mprotect and migrate, SCENARIO.md §5.1). */
  readonly zero: number | 'range';
  readonly perPage?: boolean;
}

/** The errno a call returns for its range before it does anything, and why. */
interface EarlyReturn {
  readonly ret: number;
  readonly why: string;
}

/**
 * `<addr> <len>` at args[ai], args[ai + 1] as the kernel entry point takes them: the start's alignment is
 * checked first, then a zero length, as do_mprotect_pkey, __do_munmap, do_madvise, do_mbind and the
 * dmirror ioctl do; [start, end) page indexes, or the value the call returns before it walks anything.
 */
function syscallRange(m: Machine, s: Stmt, ai: number, o: SyscallRangeOptions): [number, number] | EarlyReturn {
  const a = s.args[ai] as Arg;
  const l = s.args[ai + 1];
  const at = l?.range ?? s.range;
  let addr = userAddr(m, a, '<addr>');
  let len = l ? argBig(m, l, '<len>') : 0n;
  if (len < 0n) throw new ScenarioError('<len> must not be negative', at);
  if (addr & 0xfffn) {
    if (o.unaligned === 'einval') return { ret: -EINVAL, why: `start 0x${addr.toString(16)} is not page aligned` };
    // mlock/munlock: len = PAGE_ALIGN(len + offset_in_page(start)); start &= PAGE_MASK;
    len += addr & 0xfffn;
    addr &= ~0xfffn;
  }
  if (len === 0n && o.zero !== 'range') return { ret: o.zero, why: 'the length is 0' };
  return pagesOf(m, s, addr, len, at, o.perPage === true);
}

/**
 * syscallRange for a statement: an early return becomes its result (a console line saying why, and `last`
 * as `early` builds it from the return value), and null tells the statement to do nothing more.
 */
export function syscallRangeOr(m: Machine, s: Stmt, ai: number, o: SyscallRangeOptions, early: (ret: bigint) => Record<string, Value>): [number, number] | null {
  const r = syscallRange(m, s, ai, o);
  if (Array.isArray(r)) return r;
  m.output(`${s.verb}: returns ${r.ret}: ${r.why}; nothing changed`, 'console');
  m.last = early(BigInt(r.ret));
  return null;
}

/** [start, end) page indexes of a page-aligned addr and a length rounded up to whole pages. */
function pagesOf(m: Machine, s: Stmt, addr: bigint, len: bigint, at: SourceRange | undefined, perPage: boolean): [number, number] {
  const end = addr + ((len + 0xfffn) & ~0xfffn);
  if (end > ADDR_LIMIT) throw new ScenarioError('range ends above the user address space', at);
  const range: [number, number] = [Number(addr >> 12n), Number(end >> 12n)];
  if (perPage) {
    checkPerPage(s.verb, addr >> 12n, end >> 12n, at);
    // The statement walks each page of the range: the work budget counts them.
    work(m, range[1] - range[0]);
  }
  return range;
}
