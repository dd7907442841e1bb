/** What one memory statement may cover: the bounds a hostile scenario meets. */
import type { SourceRange } from '../core/source';
import { ScenarioError } from '../core/source';

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
