import type { VerbDecl } from '../scenario/verbs';
import { E, pe, pn } from '../scenario/verbs';

/** The statements of the hugetlb pool and reservation flows (SCENARIO.md §6). */
export const HUGETLB_VERBS: readonly VerbDecl[] = [
  { verb: 'hugetlb pool', args: [], keys: { pages: E, size: E }, required: ['pages'], summary: "the hstate's pool" },
  { verb: 'hugetlb file', args: [pn('name')], summary: 'a hugetlbfs inode with its own resv_map' },
  { verb: 'hugetlb reserve', args: [pn('file'), pe('from'), pe('to')], flags: ['private'], sets: ['ret'], summary: 'hugetlb_reserve_pages' },
  { verb: 'region_chg', args: [pn('file'), pe('f'), pe('t')], sets: ['ret', 'regions_needed'], summary: 'count pages to add, reserve cache entries' },
  { verb: 'region_add', args: [pn('file'), pe('f'), pe('t')], keys: { regions_needed: E }, sets: ['ret'], summary: 'add [f, t) to the reservation map' },
  { verb: 'region_abort', args: [pn('file'), pe('f'), pe('t')], keys: { regions_needed: E }, summary: 'abandon a region_chg' },
  { verb: 'region_del', args: [pn('file'), pe('f'), pe('t')], sets: ['ret'], summary: 'delete [f, t) from the map' },
  { verb: 'region_count', args: [pn('file'), pe('f'), pe('t')], sets: ['ret'], summary: 'count reserved pages in [f, t)' },
  { verb: 'inject enomem', args: [], keys: { count: E }, summary: 'the next n file_region allocations fail' },
];
