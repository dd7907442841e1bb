/**
 * Hyper-V TLFS definitions for ARM64, as reference 000 (arch/arm64/include/asm/
 * hyperv-tlfs.h and mshyperv.h) declares them: register numbers, hypercall
 * codes, statuses, SynIC and stimer layouts.
 */
import { Sym } from '../core/values';

export const PAGE = 4096;
export const SINT_COUNT = 16;
export const STIMER_COUNT = 4;
export const MESSAGE_SIZE = 256;
export const PAYLOAD_BYTES = 240;
export const EVENT_FLAGS_COUNT = 2048;
/** Messages the hypervisor keeps per SINT while the slot is busy. */
export const QUEUE_DEPTH = 16;

export const HV_PARTITION_ID_SELF = 0xffff_ffff_ffff_ffffn;
export const HV_VP_INDEX_SELF = 0xffff_fffen;
export const HYPERVISOR_CALLBACK_VECTOR = 16n;
export const HV_STIMER0_IRQNR = 17n;
export const U64 = (1n << 64n) - 1n;

export const HVMSG_NONE = 0n;
export const HVMSG_TIMER_EXPIRED = 0x8000_0010n;

// ---- statuses ----------------------------------------------------------------

export const STATUS_NAMES: ReadonlyMap<number, string> = new Map([
  [0, 'HV_STATUS_SUCCESS'],
  [2, 'HV_STATUS_INVALID_HYPERCALL_CODE'],
  [3, 'HV_STATUS_INVALID_HYPERCALL_INPUT'],
  [4, 'HV_STATUS_INVALID_ALIGNMENT'],
  [5, 'HV_STATUS_INVALID_PARAMETER'],
  [6, 'HV_STATUS_ACCESS_DENIED'],
  [7, 'HV_STATUS_INVALID_PARTITION_STATE'],
  [8, 'HV_STATUS_OPERATION_DENIED'],
  [0xb, 'HV_STATUS_INSUFFICIENT_MEMORY'],
  [0xd, 'HV_STATUS_INVALID_PARTITION_ID'],
  [0xe, 'HV_STATUS_INVALID_VP_INDEX'],
  [0x11, 'HV_STATUS_INVALID_PORT_ID'],
  [0x12, 'HV_STATUS_INVALID_CONNECTION_ID'],
  [0x13, 'HV_STATUS_INSUFFICIENT_BUFFERS'],
  [0x15, 'HV_STATUS_INVALID_VP_STATE'],
  [0x18, 'HV_STATUS_INVALID_SYNIC_STATE'],
]);

export const S = {
  SUCCESS: 0,
  INVALID_HYPERCALL_CODE: 2,
  INVALID_HYPERCALL_INPUT: 3,
  INVALID_ALIGNMENT: 4,
  INVALID_PARAMETER: 5,
  ACCESS_DENIED: 6,
  INVALID_PARTITION_STATE: 7,
  OPERATION_DENIED: 8,
  INSUFFICIENT_MEMORY: 0xb,
  INVALID_PARTITION_ID: 0xd,
  INVALID_VP_INDEX: 0xe,
  INVALID_PORT_ID: 0x11,
  INVALID_CONNECTION_ID: 0x12,
  INSUFFICIENT_BUFFERS: 0x13,
  INVALID_VP_STATE: 0x15,
  INVALID_SYNIC_STATE: 0x18,
} as const;

export function statusSym(status: number): Sym {
  return new Sym(STATUS_NAMES.get(status) ?? `HV_STATUS_0x${status.toString(16)}`, BigInt(status));
}

// ---- hypercalls --------------------------------------------------------------

export interface CallDef {
  readonly name: string;
  readonly code: number;
  /** A rep call: rep count must be at least 1. */
  readonly rep: boolean;
  /** Documented as taking a variable header (a sparse VP set's banks); any other call with one is refused. */
  readonly varHeader?: boolean;
  /** Writes an output list: only then does the output GPA matter. */
  readonly output?: boolean;
}

export const CALLS: readonly CallDef[] = [
  { name: 'HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE', code: 0x0002, rep: false },
  { name: 'HVCALL_FLUSH_VIRTUAL_ADDRESS_LIST', code: 0x0003, rep: true },
  { name: 'HVCALL_NOTIFY_LONG_SPIN_WAIT', code: 0x0008, rep: false },
  { name: 'HVCALL_SEND_IPI', code: 0x000b, rep: false },
  { name: 'HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE_EX', code: 0x0013, rep: false, varHeader: true },
  { name: 'HVCALL_FLUSH_VIRTUAL_ADDRESS_LIST_EX', code: 0x0014, rep: true, varHeader: true },
  { name: 'HVCALL_SEND_IPI_EX', code: 0x0015, rep: false, varHeader: true },
  { name: 'HVCALL_GET_VP_REGISTERS', code: 0x0050, rep: true, output: true },
  { name: 'HVCALL_SET_VP_REGISTERS', code: 0x0051, rep: true },
  { name: 'HVCALL_POST_MESSAGE', code: 0x005c, rep: false },
  { name: 'HVCALL_SIGNAL_EVENT', code: 0x005d, rep: false },
  { name: 'HVCALL_RETARGET_INTERRUPT', code: 0x007e, rep: false },
  { name: 'HVCALL_START_VIRTUAL_PROCESSOR', code: 0x0099, rep: false },
];

export const CALL_BY_CODE: ReadonlyMap<number, CallDef> = new Map(CALLS.map((c) => [c.code, c]));
export const CALL_BY_NAME: ReadonlyMap<string, CallDef> = new Map(CALLS.map((c) => [c.name, c]));

/** The names a function breakpoint may use for a hypercall handler frame. */
export function callAliases(c: CallDef): string[] {
  const hex = c.code.toString(16);
  return [c.name, `0x${hex}`, `0x${hex.toUpperCase()}`, `0x${hex.padStart(4, '0')}`, `0x${hex.padStart(4, '0').toUpperCase()}`, String(c.code)];
}

/** Every extra function-breakpoint name Hyper-V frames answer to: `hvc`, each call's name and code. */
export const HYPERCALL_BREAKPOINT_NAMES: readonly string[] = ['hvc', ...new Set(CALLS.flatMap(callAliases))];

// ---- the hypercall control word ------------------------------------------------

export interface Control {
  readonly code: number;
  readonly fast: boolean;
  /** The variable header size in qwords (bits 17-26). */
  readonly varHead: number;
  readonly repCount: number;
  readonly repStart: number;
  /** Bits outside code, fast, variable header size, rep count and rep start (27-31 with "is nested", 44-47, 60-63). */
  readonly reserved: bigint;
}

export const VARHEAD_MAX = 0x3ff;
export const CONTROL_RESERVED_MASK = ~(0xffffn | (1n << 16n) | (0x3ffn << 17n) | (0xfffn << 32n) | (0xfffn << 48n)) & U64;

export function decodeControl(c: bigint): Control {
  return {
    code: Number(c & 0xffffn),
    fast: ((c >> 16n) & 1n) === 1n,
    varHead: Number((c >> 17n) & 0x3ffn),
    repCount: Number((c >> 32n) & 0xfffn),
    repStart: Number((c >> 48n) & 0xfffn),
    reserved: c & CONTROL_RESERVED_MASK,
  };
}

export function encodeControl(code: number, fast: boolean, repCount = 0, repStart = 0, varHead = 0): bigint {
  return (
    BigInt(code & 0xffff) |
    (fast ? 1n << 16n : 0n) |
    (BigInt(varHead & VARHEAD_MAX) << 17n) |
    (BigInt(repCount & 0xfff) << 32n) |
    (BigInt(repStart & 0xfff) << 48n)
  );
}

/** The x0 result: status in bits 0-15, reps completed in 32-43. */
export function encodeResult(status: number, reps: number): bigint {
  return BigInt(status & 0xffff) | (BigInt(reps & 0xfff) << 32n);
}

// ---- registers -----------------------------------------------------------------

export type RegKind =
  | 'plain'
  | 'ro'
  | 'sint'
  | 'simp'
  | 'siefp'
  | 'scontrol'
  | 'eom'
  | 'stimer_config'
  | 'stimer_count'
  | 'refcount'
  | 'reference_tsc'
  | 'crash_ctl'
  | 'crash_p'
  | 'guest_osid'
  | 'vbar';

export interface RegDef {
  /** Name in the state tree (the HV_REGISTER_ prefix dropped). */
  readonly name: string;
  readonly num: number;
  readonly kind: RegKind;
  /** Index for SINTn, STIMERn, CRASH_Pn. */
  readonly index?: number;
  /** Other names accepted in `vpreg` (SIPP for SIMP, SIFP for SIEFP). */
  readonly aliases?: readonly string[];
}

function regs(): RegDef[] {
  const out: RegDef[] = [
    { name: 'HYPERVISOR_VERSION', num: 0x100, kind: 'ro' },
    { name: 'PRIVILEGES_AND_FEATURES', num: 0x200, kind: 'ro' },
    { name: 'FEATURES', num: 0x201, kind: 'ro' },
    { name: 'IMPLEMENTATION_LIMITS', num: 0x202, kind: 'ro' },
    { name: 'HARDWARE_FEATURES', num: 0x203, kind: 'ro' },
    { name: 'INTERFACE_VERSION', num: 0x90006, kind: 'ro', aliases: ['ARM64_REGISTER_INTERFACE_VERSION', 'HV_ARM64_REGISTER_INTERFACE_VERSION'] },
  ];
  for (let i = 0; i < 5; i++) out.push({ name: `CRASH_P${i}`, num: 0x210 + i, kind: 'crash_p', index: i });
  out.push(
    { name: 'CRASH_CTL', num: 0x215, kind: 'crash_ctl' },
    { name: 'GUEST_OSID', num: 0x90002, kind: 'guest_osid' },
    { name: 'VPINDEX', num: 0x90003, kind: 'ro' },
    { name: 'TIME_REFCOUNT', num: 0x90004, kind: 'refcount' },
    { name: 'REFERENCE_TSC', num: 0x90017, kind: 'reference_tsc' },
    // The ARM64 synthetic exception registers the TLFS early lists name (numbers as Microsoft's hvdef gives them).
    { name: 'SYNTHETIC_VBAR_EL1', num: 0x40400, kind: 'vbar', aliases: ['HV_ARM64_REGISTER_SYNTHETIC_VBAR_EL1'] },
    { name: 'SYNTHETIC_ESR_EL1', num: 0x40401, kind: 'ro', aliases: ['HV_ARM64_REGISTER_SYNTHETIC_ESR_EL1'] },
  );
  for (let i = 0; i < SINT_COUNT; i++) out.push({ name: `SINT${i}`, num: 0xa0000 + i, kind: 'sint', index: i });
  out.push(
    { name: 'SCONTROL', num: 0xa0010, kind: 'scontrol' },
    { name: 'SVERSION', num: 0xa0011, kind: 'ro' },
    { name: 'SIEFP', num: 0xa0012, kind: 'siefp', aliases: ['SIFP'] },
    { name: 'SIMP', num: 0xa0013, kind: 'simp', aliases: ['SIPP'] },
    { name: 'EOM', num: 0xa0014, kind: 'eom' },
    { name: 'SIRBP', num: 0xa0015, kind: 'plain' },
  );
  for (let i = 0; i < STIMER_COUNT; i++) {
    out.push({ name: `STIMER${i}_CONFIG`, num: 0xb0000 + 2 * i, kind: 'stimer_config', index: i });
    out.push({ name: `STIMER${i}_COUNT`, num: 0xb0001 + 2 * i, kind: 'stimer_count', index: i });
  }
  return out;
}

export const REGS: readonly RegDef[] = regs();

/**
 * The TLFS ARM64 early register lists (HvCallSetVpRegisters /
 * HvCallGetVpRegisters): what the guest may touch while GUEST_OSID is zero.
 */
export const EARLY_SET: ReadonlySet<string> = new Set(['GUEST_OSID', 'SYNTHETIC_VBAR_EL1', 'CRASH_CTL', 'CRASH_P0', 'CRASH_P1', 'CRASH_P2', 'CRASH_P3', 'CRASH_P4']);
export const EARLY_GET: ReadonlySet<string> = new Set([
  ...EARLY_SET, 'HYPERVISOR_VERSION', 'PRIVILEGES_AND_FEATURES', 'FEATURES', 'IMPLEMENTATION_LIMITS', 'HARDWARE_FEATURES', 'TIME_REFCOUNT',
  'SYNTHETIC_ESR_EL1',
]);
export const REG_BY_NUM: ReadonlyMap<number, RegDef> = new Map(REGS.map((r) => [r.num, r]));
export const REG_BY_NAME: ReadonlyMap<string, RegDef> = (() => {
  const m = new Map<string, RegDef>();
  for (const r of REGS) {
    for (const n of [r.name, ...(r.aliases ?? [])]) {
      m.set(n, r);
      if (!n.startsWith('HV_')) m.set(`HV_REGISTER_${n}`, r);
    }
  }
  return m;
})();

// ---- values the hypervisor advertises -------------------------------------------

export const HV_MSR_TIME_REF_COUNT_AVAILABLE = 1n << 1n;
export const HV_MSR_SYNTIMER_AVAILABLE = 1n << 3n;
export const HV_MSR_REFERENCE_TSC_AVAILABLE = 1n << 9n;
export const HV_FEATURE_GUEST_CRASH_MSR_AVAILABLE = 1n << 8n;
export const HV_STIMER_DIRECT_MODE_AVAILABLE = 1n << 13n;
export const HV_DEPRECATING_AEOI_RECOMMENDED = 1n << 9n;

/**
 * HvRegisterPrivilegesAndFeaturesInfo (128 bits): the partition privilege
 * and feature flags in the low 64 bits, the "high order" group (crash MSRs,
 * stimer direct mode) in the high 64 bits, at the bit positions reference 000 gives.
 */
export const PRIVILEGES_LOW = HV_MSR_TIME_REF_COUNT_AVAILABLE | HV_MSR_SYNTIMER_AVAILABLE | HV_MSR_REFERENCE_TSC_AVAILABLE;
export const PRIVILEGES_HIGH = HV_FEATURE_GUEST_CRASH_MSR_AVAILABLE | HV_STIMER_DIRECT_MODE_AVAILABLE;
export const PRIVILEGES_AND_FEATURES = PRIVILEGES_LOW | (PRIVILEGES_HIGH << 64n);
export const FEATURES_VALUE = HV_DEPRECATING_AEOI_RECOMMENDED;
/** HvRegisterHypervisorVersion: build 17763, version 10.0, service pack 0. */
export const HYPERVISOR_VERSION_VALUE = (0x000a_0000n << 32n) | 17763n;
export const INTERFACE_VERSION_VALUE = 1n;
export const SVERSION_VALUE = 1n;

/** The arch counter the TSC page scales: 1 GHz (CNTVCT counts nanoseconds). */
export const TSC_SCALE = ((1n << 64n) + 99n) / 100n;

// ---- stimer config ------------------------------------------------------------------

export const STIMER_ENABLE = 1n;
export const STIMER_PERIODIC = 2n;
export const STIMER_LAZY = 4n;
export const STIMER_AUTOENABLE = 8n;
export const STIMER_DIRECT = 1n << 12n;

export function stimerSint(config: bigint): number {
  return Number((config >> 16n) & 0xfn);
}

/** The vector a direct-mode timer asserts (ApicVector, bits 4-11). */
export function stimerVector(config: bigint): number {
  return Number((config >> 4n) & 0xffn);
}

// ---- SINTx ---------------------------------------------------------------------------

export const SINT_MASKED = 1n << 16n;
export const SINT_AUTO_EOI = 1n << 17n;
/** Polling: the source behaves as unmasked, but no interrupt is generated. */
export const SINT_POLLING = 1n << 18n;
