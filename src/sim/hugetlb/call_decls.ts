import type { CallDecls } from '../core/call_graph';

/**
 * The calls of hugetlb's simulated kernel functions that their listings' step-point lines do not spell
 * (an ops pointer, a wrapper the listing folds, a callee entered before the first step point: label ''),
 * and the functions each statement enters first. stepInTargets answers from these without running
 * the statement; test/core/call_graph.test.ts checks them against the calls that happen.
 */
export const HUGETLB_CALLS: CallDecls = {
  calls: {
    gather_surplus_pages: { alloc: ['alloc_surplus_huge_page'] },
    hugepage_new_subpool: { init: ['hugetlb_acct_memory'] },
    hugetlbfs_fill_super: { '': ['hugepage_new_subpool'] },
    region_add: { retry: ['add_reservation_in_range'] },
  },
  verbs: {
    'hugetlb file': ['resv_map_alloc'],
    'hugetlb mount': ['hugetlbfs_fill_super'],
    'hugetlb overcommit': ['hugetlb_overcommit_handler'],
    'hugetlb pool': ['set_max_huge_pages'],
    'hugetlb reserve': ['hugetlb_reserve_pages'],
    region_abort: ['region_abort'],
    region_add: ['region_add'],
    region_chg: ['region_chg'],
    region_count: ['region_count'],
    region_del: ['region_del'],
  },
};
