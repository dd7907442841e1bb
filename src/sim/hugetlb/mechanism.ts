import type { KernelSource } from '../core/frames';
import type { MechanismDescriptor } from '../mechanism';
import { hugetlbCompilers } from './compilers';
import { HUGETLB_C } from './hugetlb_c';
import { HUGETLB_POOL_C } from './hugetlb_pool_c';
import { HUGETLB_SUBPOOL_C } from './hugetlb_subpool_c';
import { hugetlbPicture } from './picture';
import { Hugetlb } from './subsystem';
import { HUGETLB_VERBS } from './verbs';
import { HUGETLB_CALLS } from './call_decls';
import { HUGETLB_BEFORE_004_C } from './hugetlb_before_004_c';
import { HUGETLB_POOL_BEFORE_004_C } from './before_004_listings';

/** Its kernel listings: known without building the mechanism (the debugger's sources, function breakpoints). */
export const HUGETLB_SOURCES: readonly KernelSource[] = [HUGETLB_C, HUGETLB_POOL_C, HUGETLB_SUBPOOL_C, HUGETLB_BEFORE_004_C, HUGETLB_POOL_BEFORE_004_C];

/** The hugetlb reservation map and the hstate pool (SCENARIO.md §6, reference 004). */
export const hugetlbMechanism: MechanismDescriptor<Hugetlb> = {
  id: 'hugetlb',
  title: 'the hugetlb pool and reservation flows (SCENARIO.md §6)',
  verbs: HUGETLB_VERBS,
  scopes: [{ name: 'hugetlb' }],
  roots: [
    { name: 'resv', scope: 'hugetlb', summary: "each hugetlbfs file's resv_map: regions, adds_in_progress, the file_region cache" },
    { name: 'hugetlb', scope: 'hugetlb', summary: 'the hstate pool counters (total, free, rsvd, surp, overcommit), the hugetlbfs inodes and mounts (their subpools)' },
  ],
  nameSets: {
    'hugetlbfs file': { what: 'hugetlbfs file', names: [], declared: true, hint: 'hugetlb file <name>' },
    mount: { what: 'hugetlbfs mount', names: [], declared: true, hint: 'hugetlb mount <name> size=<pages>' },
  },
  // Names no state field has: a member named like one would pass for a declared name.
  sample: ['hugetlb pool pages=4', 'hugetlb mount sample_mount size=2', 'hugetlb file sample_file mount=sample_mount', 'region_chg sample_file 0 1', 'region_add sample_file 0 1', 'mmap 0x40000000 2M hugetlb=sample_file'],
  exceptionFilters: [],
  calls: HUGETLB_CALLS,
  sources: HUGETLB_SOURCES,
  breakpointAliases: [],
  create() {
    const subsystem = new Hugetlb();
    return { subsystem, compilers: hugetlbCompilers(() => subsystem), picture: () => hugetlbPicture(subsystem) };
  },
};
