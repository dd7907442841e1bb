/**
 * include/linux/swap.h as reference 002 sets it up, x86-64 with
 * DEVICE_PRIVATE, MIGRATION and MEMORY_FAILURE: five bits of swap type, the
 * top ones taken by the special (non-swap) entries.
 */
export const MAX_SWAPFILES_SHIFT = 5;
export const SWP_DEVICE_NUM = 2;
export const SWP_MIGRATION_NUM = 2;
export const SWP_HWPOISON_NUM = 1;
export const MAX_SWAPFILES = (1 << MAX_SWAPFILES_SHIFT) - SWP_DEVICE_NUM - SWP_MIGRATION_NUM - SWP_HWPOISON_NUM;
export const SWP_HWPOISON = MAX_SWAPFILES;
export const SWP_MIGRATION_READ = MAX_SWAPFILES + SWP_HWPOISON_NUM;
export const SWP_MIGRATION_WRITE = MAX_SWAPFILES + SWP_HWPOISON_NUM + 1;
export const SWP_DEVICE_WRITE = MAX_SWAPFILES + SWP_HWPOISON_NUM + SWP_MIGRATION_NUM;
export const SWP_DEVICE_READ = MAX_SWAPFILES + SWP_HWPOISON_NUM + SWP_MIGRATION_NUM + 1;
