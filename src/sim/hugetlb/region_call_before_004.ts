/**
 * A call of region_chg, region_add or region_abort as the kernel before
 * reference 004 writes it: without the regions_needed argument the patch
 * added (`region_add(resv, f, t, regions_needed)` → `region_add(resv, f, t)`).
 */
export const regionCallBefore004 = (line: string): string => line.replace(/\b(region_(?:chg|add|abort)\([^(),]*,[^(),]*,[^(),]*),[^(),]*\)/g, '$1)');
