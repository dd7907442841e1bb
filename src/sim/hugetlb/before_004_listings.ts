import { beforeListing } from '../core/before_listing';
import { HUGETLB_POOL_C } from './hugetlb_pool_c';
import { regionCallBefore004 } from './region_call_before_004';

/** hugetlb_reserve_pages and the pool's other callers of region_chg/add/abort on the kernel before reference 004. */
export const HUGETLB_POOL_BEFORE_004_C = beforeListing(HUGETLB_POOL_C, '004', regionCallBefore004);
