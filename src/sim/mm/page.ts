/**
 * Physical memory as the simulator numbers it: where system, huge and
 * ZONE_DEVICE pfns live, and the struct page flags kept per pfn.
 */
export const PAGE_SHIFT = 12;
export const PAGE_SIZE = 4096;
/** The first system pfn handed out; pfns below are never used. */
export const SYS_BASE = 0x1000;
/** The shared zero page: anonymous read faults map it read-only (is_zero_pfn); never refcounted by mappings. */
export const ZERO_PFN = SYS_BASE - 1;
/** Huge pages (2 MiB, 512 pfns each) are handed out from here up to DEV_BASE. */
export const HUGE_BASE = 0x0400_0000;
export const HPAGE_NR = 512;
/** ZONE_DEVICE ranges start here (pte pfns must stay below 2^28). */
export const DEV_BASE = 0x0800_0000;
export const PFN_LIMIT = 0x1000_0000;

/** A page's address for messages and frames: vpn in hex then the page offset, no slow double-to-radix conversion. */
export const vpnHex = (vpn: number): string => `0x${vpn.toString(16)}000`;

/** struct page flags kept per pfn. */
export const PG_USED = 1;
export const PG_LRU = 2;
export const PG_ANON = 4;
/** A huge page's head in use (PageHuge). */
export const PG_HUGETLB = 8;
/** PagePrivate on a huge page: its allocation consumed a reservation (restored if freed unmapped). */
export const PG_PRIVATE = 16;

/** The page is on NUMA node 1 (page_to_nid); without it, node 0. The simulated machine has two memory nodes. */
export const PG_NODE1 = 32;
/** alloc_page_vma's node under the VMA's policy: mbind's MPOL_BIND node, else local (node 0). */
export const policyNodeFlag = (v: { readonly bind?: number }): number => (v.bind === 1 ? PG_NODE1 : 0);

/** The head pfn of the compound page holding pfn (itself for a small page). */
export const compoundHead = (pfn: number): number => (pfn >= HUGE_BASE && pfn < DEV_BASE ? pfn - ((pfn - HUGE_BASE) % HPAGE_NR) : pfn);

/** include/linux/mm.h: what FOLL_PIN adds to a small page's refcount (page_maybe_dma_pinned reads it back). */
export const GUP_PIN_COUNTING_BIAS = 1024;
