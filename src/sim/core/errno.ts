/**
 * The errnos the simulated kernel code returns, as include/uapi/asm-generic/errno-base.h
 * and errno.h number them. Kernel functions return them negated (`return -ENOMEM;`), as the kernel does.
 */
export const EPERM = 1;
export const ENOENT = 2;
export const EIO = 5;
export const EAGAIN = 11;
export const ENOMEM = 12;
export const EACCES = 13;
export const EFAULT = 14;
export const EBUSY = 16;
export const EEXIST = 17;
export const ENODEV = 19;
export const EINVAL = 22;
export const ENOSPC = 28;
export const ERANGE = 34;
export const EMSGSIZE = 90;
export const EOPNOTSUPP = 95;
