/**
 * include/linux/swap.h, x86-64 with DEVICE_PRIVATE, MIGRATION and
 * MEMORY_FAILURE: five bits of swap type, the top ones taken by the special
 * (non-swap) entries. MAX_SWAPFILES and the device-private types are the
 * scenario constants (SCENARIO.md §5.1, reference 002's SWP_DEVICE_NUM 2), as
 * are the shift and counts they are built from; the rest follow from them as
 * swap.h derives them.
 */
import { namedConstant as named } from '../scenario/constants';

export const MAX_SWAPFILES_SHIFT = named('MAX_SWAPFILES_SHIFT');
export const SWP_HWPOISON_NUM = named('SWP_HWPOISON_NUM');
export const SWP_MIGRATION_NUM = named('SWP_MIGRATION_NUM');
export const MAX_SWAPFILES = named('MAX_SWAPFILES');
export const SWP_HWPOISON = MAX_SWAPFILES;
export const SWP_MIGRATION_READ = MAX_SWAPFILES + SWP_HWPOISON_NUM;
export const SWP_MIGRATION_WRITE = MAX_SWAPFILES + SWP_HWPOISON_NUM + 1;
export const SWP_DEVICE_WRITE = named('SWP_DEVICE_WRITE');
export const SWP_DEVICE_READ = named('SWP_DEVICE_READ');
/**
 * v5.14's device-exclusive entries come after the device-private ones
 * (SWP_DEVICE_WRITE + 2 and + 3, with SWP_DEVICE_NUM 4). Reference 002's
 * numbering the contract keeps has no room left for them in five bits: these
 * are 32 and 33, the values the kernel's formula gives on that numbering.
 */
export const SWP_DEVICE_EXCLUSIVE_WRITE = SWP_DEVICE_WRITE + 2;
export const SWP_DEVICE_EXCLUSIVE_READ = SWP_DEVICE_WRITE + 3;
