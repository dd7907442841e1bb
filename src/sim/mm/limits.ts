/** What one memory statement may cover: user addresses, page ranges and the bounds a hostile scenario meets. */
import type { SourceRange } from '../core/source';
import { ScenarioError } from '../core/source';
import type { Machine } from '../core/machine';
import { work } from '../core/work';
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
    throw new ScenarioError(`${verb} covers ${pages} pages: a scenario may ${verb} at most ${MAX_PAGES_PER_STATEMENT} pages (16G) at once`, range);
  }
}

/** A user address argument: in [0, 2^47). */
export function userAddr(m: Machine, a: Arg, what: string): bigint {
  const v = argBig(m, a, what);
  if (v < 0n || v >= ADDR_LIMIT) throw new ScenarioError(`${what} 0x${v.toString(16)} is not a user address`, a.range);
  return v;
}

export interface RangeOptions {
  /** A zero length is the empty range, as mprotect(2) and migrate take it. */
  readonly zero?: boolean;
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
  if (len < 0n || (len === 0n && !o.zero)) throw new ScenarioError(o.zero ? '<len> must not be negative' : '<len> must be positive', at);
  const end = addr + ((len + 0xfffn) & ~0xfffn);
  if (end > ADDR_LIMIT) throw new ScenarioError('range ends above the user address space', at);
  const range: [number, number] = [Number(addr >> 12n), Number(end >> 12n)];
  if (o.perPage) {
    checkPerPage(s.verb, addr >> 12n, end >> 12n, at);
    // The statement walks each page of the range: the work budget counts them.
    work(m, range[1] - range[0]);
  }
  return range;
}
