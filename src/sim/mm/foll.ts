/** The FOLL_* flags of include/linux/mm.h (v5.18) that kstep's gup paths read: one definition for every caller. */
export const FOLL_WRITE = 0x01n;
export const FOLL_TOUCH = 0x02n;
export const FOLL_GET = 0x04n;
export const FOLL_DUMP = 0x08n;
export const FOLL_FORCE = 0x10n;
export const FOLL_POPULATE = 0x40n;
export const FOLL_MLOCK = 0x1000n;
export const FOLL_REMOTE = 0x2000n;
export const FOLL_LONGTERM = 0x10000n;
export const FOLL_SPLIT_PMD = 0x20000n;
export const FOLL_PIN = 0x40000n;
export const FOLL_LRU = 0x100000n;
