import type { RecordValue, Value } from './values';
import { formatInt, isRecordValue, Sym } from './values';

/**
 * What an integer in the state tree stands for, which decides how every view
 * shows it: addresses, PFNs, masks, register and control words in hex (a
 * kernel engineer reads `0x7f0000010000`, not `139637976793088`); counts and
 * sizes in decimal; times with their unit; a string packed into an integer
 * (SCMI's algo "memlat") beside its text; byte lists as a hexdump.
 */
export type ValueKind = 'address' | 'pfn' | 'mask' | 'reg' | 'bytes' | 'count' | 'size' | 'time' | 'ticks' | 'time_ms' | 'str_int';

/** Kinds shown in hex when the views are in hex (the default). */
const HEX_KINDS: ReadonlySet<ValueKind> = new Set<ValueKind>(['address', 'pfn', 'mask', 'reg', 'bytes', 'str_int']);

export function isHexKind(k: ValueKind | undefined): boolean {
  return k !== undefined && HEX_KINDS.has(k);
}

/**
 * Kinds of plain values by the name they are found under: the fields of
 * `last`, decoded messages and registers, and kernel frames' arguments and
 * locals, which are values rather than declared nodes. The names are the
 * kernel's (and SCENARIO.md's); a declared node's own kind wins over this.
 */
const BY_NAME: Readonly<Record<string, ValueKind>> = {
  addr: 'address', address: 'address', start: 'address', end: 'address', vm_start: 'address', vm_end: 'address',
  gpa: 'address', base_gpa: 'address', input: 'address', haddr: 'address', va: 'address', offset: 'address',
  pfn: 'pfn', base_pfn: 'pfn', compound_head: 'pfn', page: 'pfn', head_pfn: 'pfn',
  mask: 'mask', cpumask: 'mask', flags: 'mask', vm_flags: 'mask', gup_flags: 'mask', perm: 'mask', valid_bank_mask: 'mask',
  control: 'reg', result: 'reg', value: 'reg', header: 'reg', msg_header: 'reg', channel_status: 'reg',
  payload: 'reg', regs: 'reg', values: 'reg', code: 'reg', guest_osid: 'reg', config: 'reg', sender: 'reg',
  tsc_scale: 'reg', scale: 'reg', vector: 'reg', apic_vector: 'reg', msg_id: 'reg', message_id: 'reg', param_id: 'reg',
  bytes: 'bytes', buf: 'bytes', msg_payload: 'bytes', data: 'bytes',
  algo: 'str_int', algo_low: 'str_int', algo_high: 'str_int',
  size: 'size', len: 'size', length: 'size', i_size: 'size', payload_size: 'size',
  ns: 'time', ticks: 'ticks', expires_at: 'ticks', expiration_time: 'ticks', delivery_time: 'ticks', exp_time: 'ticks', now: 'ticks',
  sample_ms: 'time_ms', output: 'reg', entry: 'reg', rx: 'bytes', msr: 'reg', input1: 'reg', input2: 'reg', input3: 'reg',
  // kernel frames' own names for the same things: the hypercall path's GPAs, registers and identity (x2..x7 of the
  // SMCCC call, partition/VP ids whose SELF values are 0xffff..., the guest OS id), and SCMI's algo string
  ingpa: 'address', outgpa: 'address', a2: 'reg', a3: 'reg', a4: 'reg', a5: 'reg', a6: 'reg', a7: 'reg',
  partitionid: 'reg', vpindex: 'reg', guest_os_id: 'reg', algo_str: 'str_int',
  // where a name means something else under one parent: an SCMI parameter's value is a count or a frequency
  'scmi.value': 'count',
};

/** The kind a value has by its name, or by its name under its parent record's (`scmi.value`). */
export function kindOfName(name: string, parent?: string): ValueKind | undefined {
  const own = (k: string): ValueKind | undefined => (Object.prototype.hasOwnProperty.call(BY_NAME, k) ? BY_NAME[k] : undefined);
  return (parent !== undefined ? own(`${parent}.${name}`) : undefined) ?? own(name);
}

/** The last name of a state path (`vp[0].reg.SINT2.vector` → `vector`), for kindOfName. */
export function lastName(path: string): string {
  const m = /([A-Za-z_][A-Za-z0-9_]*)(?:\[[^\]]*\])*$/.exec(path);
  return m ? (m[1] as string) : '';
}

const UNITS: ReadonlyArray<readonly [bigint, string]> = [
  [1_000_000_000n, 's'],
  [1_000_000n, 'ms'],
  [1_000n, 'us'],
  [1n, 'ns'],
];

/** A duration in nanoseconds in the largest unit it reaches, exactly: `24 ms`, `1.5 us`, `0 ns`. */
export function formatDuration(ns: bigint): string {
  const neg = ns < 0n;
  const a = neg ? -ns : ns;
  const [unit, name] = UNITS.find(([u]) => a >= u) ?? [1n, 'ns'];
  const whole = a / unit;
  const frac = a % unit;
  let text = whole.toString();
  if (frac !== 0n) text += `.${frac.toString().padStart(unit.toString().length - 1, '0').replace(/0+$/, '')}`;
  return `${neg ? '-' : ''}${text} ${name}`;
}

/**
 * The text of a string stored as a little-endian integer (`0x74616C6D656D` →
 * `memlat`), or undefined when its bytes are not printable ASCII.
 */
export function intText(v: bigint): string | undefined {
  if (v <= 0n) return undefined;
  let s = '';
  for (let x = v; x > 0n; x >>= 8n) {
    const c = Number(x & 0xffn);
    if (c < 0x20 || c > 0x7e) return undefined;
    s += String.fromCharCode(c);
  }
  return s;
}

function hex2(b: number): string {
  return b.toString(16).padStart(2, '0');
}

/** The bytes of a value that is a list of bytes, or undefined when it is not one. */
export function asBytes(v: Value): number[] | undefined {
  if (!Array.isArray(v)) return undefined;
  const out: number[] = [];
  for (const x of v as readonly Value[]) {
    if (typeof x !== 'bigint' || x < 0n || x > 0xffn) return undefined;
    out.push(Number(x));
  }
  return out;
}

/** One hexdump row: offset, 16 bytes (a gap after 8), their ASCII. */
export function hexdumpRow(bytes: ArrayLike<number>, offset: number, base = 0n): string {
  const cells: string[] = [];
  let ascii = '';
  for (let i = 0; i < 16; i++) {
    const b = offset + i < bytes.length ? (bytes[offset + i] as number) : undefined;
    cells.push(b === undefined ? '  ' : hex2(b));
    if (b !== undefined) ascii += b >= 0x20 && b <= 0x7e ? String.fromCharCode(b) : '.';
  }
  const addr = (base + BigInt(offset)).toString(16).padStart(base > 0xffffffffn ? 16 : 8, '0');
  return `${addr}  ${cells.slice(0, 8).join(' ')}  ${cells.slice(8).join(' ')}  |${ascii}|`;
}

/** Bytes as a hexdump, one row per 16, at most maxRows rows (then a line saying how many bytes are left). */
export function hexdump(bytes: ArrayLike<number>, base = 0n, maxRows = 256): string {
  const rows: string[] = [];
  for (let off = 0; off < bytes.length && rows.length < maxRows; off += 16) rows.push(hexdumpRow(bytes, off, base));
  const shown = Math.min(bytes.length, maxRows * 16);
  if (shown < bytes.length) rows.push(`… ${bytes.length - shown} more bytes`);
  return rows.join('\n');
}

/** A byte list on one line: its first bytes in hex, and how many there are when not all are shown. */
function bytesLine(bytes: readonly number[], limit: number): string {
  const shown = bytes.slice(0, Math.min(limit, 16));
  if (shown.length === bytes.length) return `[${shown.map(hex2).join(' ')}]`;
  return `[${shown.map(hex2).join(' ')} …] (${bytes.length} bytes)`;
}

export interface ShowOptions {
  /** Hex kinds in hex (the default); false shows every integer in decimal. */
  readonly hex: boolean;
  /** With hex: every integer in hex, counts too (a client's explicit DAP `format: { hex: true }`). */
  readonly all?: boolean;
  /** How many list elements a one-line rendering shows. */
  readonly limit?: number;
  /** Times with their unit (the default); false: the bare number, as `print` writes what a scenario compares. */
  readonly units?: boolean;
}

/** An integer by its kind. */
export function formatKindInt(v: bigint, kind: ValueKind | undefined, hex: boolean, units = true, all = false): string {
  if (hex && all && kind !== 'time' && kind !== 'time_ms' && kind !== 'ticks' && kind !== 'str_int') return formatInt(v, 'hex');
  if (!units && (kind === 'time' || kind === 'time_ms' || kind === 'ticks')) return v.toString();
  switch (kind) {
    case 'time':
      return formatDuration(v);
    case 'time_ms':
      return formatDuration(v * 1_000_000n);
    case 'ticks':
      // 100 ns units (HV_CLOCK_HZ): the number the scenario compares, and what it means.
      return v === 0n ? '0' : `${v} (${formatDuration(v * 100n)})`;
    case 'str_int': {
      const t = intText(v);
      const n = formatInt(v, hex ? 'hex' : 'dec');
      return t === undefined ? n : `${n} (${JSON.stringify(t)})`;
    }
    default:
      return formatInt(v, hex && isHexKind(kind) ? 'hex' : 'dec');
  }
}

/**
 * One-line rendering of a value by kind: the Variables view, hovers, the
 * Debug Console, inline values, `print` and `--trace`. A record's fields take
 * the kind their name has (kindOfName); a list's elements take the list's.
 */
export function showValue(v: Value, kind: ValueKind | undefined, opts: ShowOptions, name?: string): string {
  const limit = opts.limit ?? 64;
  if (typeof v === 'bigint') return formatKindInt(v, kind, opts.hex, opts.units, opts.all);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'string') return JSON.stringify(v);
  if (v instanceof Sym) return v.num !== undefined ? `${v.name} (${formatKindInt(v.num, kind, opts.hex, opts.units, opts.all)})` : v.name;
  if (Array.isArray(v)) {
    const arr = v as readonly Value[];
    if (kind === 'bytes' && opts.hex) {
      const b = asBytes(arr);
      if (b) return bytesLine(b, limit);
    }
    const items = arr.slice(0, limit).map((x) => showValue(x, kind, opts));
    if (arr.length > limit) items.push(`… ${arr.length - limit} more`);
    return `[${items.join(', ')}]`;
  }
  const rec = v as RecordValue;
  return `{${Object.keys(rec)
    .map((k) => `${k}: ${showValue(rec[k] as Value, kindOfName(k, name), opts, k)}`)
    .join(', ')}}`;
}

/** A value for the Debug Console and hovers, where there is room: byte lists as a full hexdump. */
export function showValueLong(v: Value, kind: ValueKind | undefined, opts: ShowOptions): string {
  if (kind === 'bytes' && opts.hex && !isRecordValue(v)) {
    const b = asBytes(v);
    if (b && b.length > 16) return hexdump(b);
  }
  return showValue(v, kind, opts);
}
