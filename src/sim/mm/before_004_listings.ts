import { beforeListing } from '../core/before_listing';
import { regionCallBefore004 } from '../hugetlb/region_call_before_004';
import { HUGETLB_FAULT_C } from './hugetlb_fault_c';

/** __vma_reservation_common's region_chg/add/abort calls on the kernel before reference 004. */
export const HUGETLB_FAULT_BEFORE_004_C = beforeListing(HUGETLB_FAULT_C, '004', regionCallBefore004);
