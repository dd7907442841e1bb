import type { VerbDecl } from '../scenario/verbs';
import { E, N, pe, pn, ref } from '../scenario/verbs';

/** The statements of the hugetlb pool and reservation flows (SCENARIO.md §6). */
export const HUGETLB_VERBS: readonly VerbDecl[] = [
  { verb: 'hugetlb pool', args: [], keys: { pages: E, size: E }, required: ['pages'], summary: "the hstate's pool" },
  { verb: 'hugetlb file', args: [ref(pn('name'), 'hugetlbfs file', { declares: true })], keys: { mount: ref(N, 'mount') }, summary: 'a hugetlbfs inode with its own resv_map (mount=<name>: in that mount, under its subpool)' },
  { verb: 'hugetlb reserve', args: [ref(pn('file'), 'hugetlbfs file'), pe('from'), pe('to')], flags: ['private'], sets: ['ret'], summary: 'hugetlb_reserve_pages' },
  { verb: 'region_chg', args: [ref(pn('file'), 'hugetlbfs file'), pe('f'), pe('t')], sets: ['ret', 'regions_needed'], summary: 'count pages to add, reserve cache entries' },
  { verb: 'region_add', args: [ref(pn('file'), 'hugetlbfs file'), pe('f'), pe('t')], keys: { regions_needed: E }, sets: ['ret'], summary: 'add [f, t) to the reservation map' },
  { verb: 'region_abort', args: [ref(pn('file'), 'hugetlbfs file'), pe('f'), pe('t')], keys: { regions_needed: E }, summary: 'abandon a region_chg' },
  { verb: 'region_del', args: [ref(pn('file'), 'hugetlbfs file'), pe('f'), pe('t')], sets: ['ret'], summary: 'delete [f, t) from the map' },
  { verb: 'region_count', args: [ref(pn('file'), 'hugetlbfs file'), pe('f'), pe('t')], sets: ['ret'], summary: 'count reserved pages in [f, t)' },
  { verb: 'hugetlb overcommit', args: [], keys: { pages: E }, required: ['pages'], summary: 'nr_overcommit_hugepages: how many surplus pages may be allocated beyond the pool' },
  { verb: 'hugetlb mount', args: [ref(pn('name'), 'mount', { declares: true })], keys: { size: E, min_size: E }, sets: ['ret'], summary: 'a hugetlbfs mount with a subpool: size= caps its pages, min_size= reserves them in the pool (both in huge pages)' },
  { verb: 'inject enomem', args: [], keys: { count: E }, summary: 'the next n file_region allocations fail' },
];
