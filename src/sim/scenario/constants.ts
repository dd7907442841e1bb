import type { ConstantDef } from './constants.generated';
import { REFERENCE_CONSTANTS } from './constants.generated';
import * as ERRNO from '../core/errno';

export type { ConstantDef };

const SPEC = 'SCENARIO.md §1';

/** Names SCENARIO.md defines beside the reference patches, and standard kernel values the statements use. */
const EXTRA: ReadonlyArray<readonly [string, bigint, string]> = [
  ['HV_STATUS_SUCCESS', 0n, SPEC],
  ['HV_STATUS_INVALID_HYPERCALL_CODE', 2n, SPEC],
  ['HV_STATUS_INVALID_HYPERCALL_INPUT', 3n, SPEC],
  ['HV_STATUS_INVALID_ALIGNMENT', 4n, SPEC],
  ['HV_STATUS_INVALID_PARAMETER', 5n, SPEC],
  ['HV_STATUS_ACCESS_DENIED', 6n, SPEC],
  ['HV_STATUS_INVALID_PARTITION_STATE', 7n, SPEC],
  ['HV_STATUS_OPERATION_DENIED', 8n, SPEC],
  ['HV_STATUS_INSUFFICIENT_MEMORY', 0xbn, SPEC],
  ['HV_STATUS_INVALID_PARTITION_ID', 0xdn, SPEC],
  ['HV_STATUS_INVALID_VP_INDEX', 0xen, SPEC],
  ['HV_STATUS_INVALID_PORT_ID', 0x11n, SPEC],
  ['HV_STATUS_INVALID_CONNECTION_ID', 0x12n, SPEC],
  ['HV_STATUS_INSUFFICIENT_BUFFERS', 0x13n, SPEC],
  ['HV_STATUS_INVALID_VP_STATE', 0x15n, 'TLFS HV_STATUS'],
  ['HV_STATUS_INVALID_SYNIC_STATE', 0x18n, 'TLFS HV_STATUS'],
  // SCENARIO.md §7 / §7.1: the vendor protocol's message ids and the shmem flag the mailbox transport sets.
  ['SET_PARAM', 0x10n, 'SCENARIO.md §7'],
  ['GET_PARAM', 0x11n, 'SCENARIO.md §7'],
  ['START_ACTIVITY', 0x12n, 'SCENARIO.md §7'],
  ['STOP_ACTIVITY', 0x13n, 'SCENARIO.md §7'],
  ['SCMI_SHMEM_FLAG_INTR_ENABLED', 1n, 'drivers/firmware/arm_scmi/shmem.c (SCENARIO.md §7.1)'],
  ['SCMI_SUCCESS', 0n, SPEC],
  ['SCMI_ERR_SUPPORT', -1n, SPEC],
  ['SCMI_ERR_PARAMS', -2n, SPEC],
  ['SCMI_ERR_ACCESS', -3n, SPEC],
  ['SCMI_ERR_ENTRY', -4n, SPEC],
  ['SCMI_ERR_RANGE', -5n, SPEC],
  ['SCMI_ERR_BUSY', -6n, SPEC],
  // Every errno the simulated code returns, from the one errno module; SCENARIO.md §1 names three of them.
  ...Object.entries(ERRNO).map(([name, v]) => [name, BigInt(v), ['ENOENT', 'ENOMEM', 'EINVAL'].includes(name) ? SPEC : 'include/uapi/asm-generic/errno.h'] as const),
  ['SIGBUS', 7n, 'arch/arm64 signal numbers'],
  ['SIGSEGV', 11n, 'arch/arm64 signal numbers'],
  ['FOLL_WRITE', 0x01n, 'include/linux/mm.h'],
  ['FOLL_TOUCH', 0x02n, 'include/linux/mm.h'],
  ['FOLL_GET', 0x04n, 'include/linux/mm.h'],
  ['FOLL_DUMP', 0x08n, 'include/linux/mm.h'],
  ['FOLL_FORCE', 0x10n, 'include/linux/mm.h'],
  ['FOLL_NOWAIT', 0x20n, 'include/linux/mm.h'],
  ['FOLL_POPULATE', 0x40n, 'include/linux/mm.h'],
  ['FOLL_HWPOISON', 0x100n, 'include/linux/mm.h'],
  ['FOLL_NUMA', 0x200n, 'include/linux/mm.h'],
  ['FOLL_MIGRATION', 0x400n, 'include/linux/mm.h'],
  ['FOLL_TRIED', 0x800n, 'include/linux/mm.h'],
  ['FOLL_MLOCK', 0x1000n, 'include/linux/mm.h'],
  ['FOLL_REMOTE', 0x2000n, 'include/linux/mm.h'],
  ['FOLL_COW', 0x4000n, 'include/linux/mm.h'],
  ['FOLL_ANON', 0x8000n, 'include/linux/mm.h'],
  ['FOLL_LONGTERM', 0x10000n, 'include/linux/mm.h'],
  // SCENARIO.md §5.1 names MADV_DONTNEED beside the others (a name listed there stands for its number, §1).
  ['MADV_DONTNEED', 4n, 'include/uapi/asm-generic/mman-common.h'],
  ['MADV_FREE', 8n, 'include/uapi/asm-generic/mman-common.h'],
  ['MAP_NORESERVE', 0x4000n, 'include/uapi/asm-generic/mman.h (SCENARIO.md §6.1)'],
  ['VM_WRITE', 0x2n, 'include/linux/mm.h (SCENARIO.md §5.1)'],
  ['MADV_COLD', 20n, 'include/uapi/asm-generic/mman-common.h'],
  ['MADV_PAGEOUT', 21n, 'include/uapi/asm-generic/mman-common.h'],
  // lib/test_hmm_uapi.h: HMM_DMIRROR_SNAPSHOT's per-page bytes (SCENARIO.md §5.1).
  ['HMM_DMIRROR_PROT_ERROR', 0xffn, 'lib/test_hmm_uapi.h'],
  ['HMM_DMIRROR_PROT_NONE', 0x00n, 'lib/test_hmm_uapi.h'],
  ['HMM_DMIRROR_PROT_READ', 0x01n, 'lib/test_hmm_uapi.h'],
  ['HMM_DMIRROR_PROT_WRITE', 0x02n, 'lib/test_hmm_uapi.h'],
  ['HMM_DMIRROR_PROT_PMD', 0x04n, 'lib/test_hmm_uapi.h'],
  ['HMM_DMIRROR_PROT_PUD', 0x08n, 'lib/test_hmm_uapi.h'],
  ['HMM_DMIRROR_PROT_ZERO', 0x10n, 'lib/test_hmm_uapi.h'],
  ['HMM_DMIRROR_PROT_DEV_PRIVATE_LOCAL', 0x20n, 'lib/test_hmm_uapi.h'],
  ['HMM_DMIRROR_PROT_DEV_PRIVATE_REMOTE', 0x30n, 'lib/test_hmm_uapi.h'],
  ['HMM_DMIRROR_PROT_DEV_COHERENT_LOCAL', 0x40n, 'lib/test_hmm_uapi.h'],
  ['HMM_DMIRROR_PROT_DEV_COHERENT_REMOTE', 0x50n, 'lib/test_hmm_uapi.h'],
  // include/linux/swap.h as reference 002 derives them (SWP_DEVICE_NUM 2, SWP_MIGRATION_NUM 2, SWP_HWPOISON_NUM 1):
  // MAX_SWAPFILES = (1 << 5) - 2 - 2 - 1; the device entries follow the hwpoison and migration types (SCENARIO.md §5.1).
  // The three names reference 002's MAX_SWAPFILES and SWP_DEVICE_* are built from, as configured there.
  ['MAX_SWAPFILES_SHIFT', 5n, 'include/linux/swap.h (reference 002)'],
  ['SWP_MIGRATION_NUM', 2n, 'include/linux/swap.h (reference 002, CONFIG_MIGRATION)'],
  ['SWP_HWPOISON_NUM', 1n, 'include/linux/swap.h (reference 002, CONFIG_MEMORY_FAILURE)'],
  ['MAX_SWAPFILES', 27n, 'include/linux/swap.h (reference 002)'],
  ['SWP_DEVICE_WRITE', 30n, 'include/linux/swap.h (reference 002)'],
  ['SWP_DEVICE_READ', 31n, 'include/linux/swap.h (reference 002)'],
];

/** Every named constant a scenario may use where a number is expected. */
export const CONSTANTS: ReadonlyMap<string, ConstantDef> = (() => {
  const m = new Map<string, ConstantDef>(REFERENCE_CONSTANTS);
  for (const [name, value, ref] of EXTRA) {
    if (!m.has(name)) m.set(name, { value, ref, line: 0, text: `${name} = ${value}` });
  }
  return m;
})();

export function constantValue(name: string): bigint | undefined {
  return CONSTANTS.get(name)?.value;
}

/** A constant a simulated module takes its value from, so the number is written once (here or in a reference). */
export function namedConstant(name: string): number {
  const v = constantValue(name);
  if (v === undefined) throw new Error(`no scenario constant ${name}`);
  return Number(v);
}
