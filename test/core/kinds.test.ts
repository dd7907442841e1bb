import { describe, expect, it } from 'vitest';
import { formatDuration, hexdump, hexdumpRow, intText, kindOfName, showValue, showValueLong, Sym } from '../../src/sim';
import { formatKindInt } from '../../src/sim/core/kinds';

const bytesOf = (s: string): bigint[] => [...s].map((c) => BigInt(c.charCodeAt(0)));

describe('time units', () => {
  it('shows a duration in the largest unit it reaches, exactly', () => {
    expect(formatDuration(24_000_000n)).toBe('24 ms');
    expect(formatDuration(1_500n)).toBe('1.5 us');
    expect(formatDuration(999n)).toBe('999 ns');
    expect(formatDuration(0n)).toBe('0 ns');
    expect(formatDuration(2_008_001_150n)).toBe('2.00800115 s');
    expect(formatDuration(8_001_150n)).toBe('8.00115 ms');
    expect(formatDuration(-5_000n)).toBe('-5 us');
  });

  it('ticks are 100 ns units shown with what they mean; sample_ms is milliseconds', () => {
    expect(formatKindInt(240_000n, 'ticks', true)).toBe('240000 (24 ms)');
    expect(formatKindInt(0n, 'ticks', true)).toBe('0');
    expect(formatKindInt(8n, 'time_ms', true)).toBe('8 ms');
    expect(formatKindInt(24_000_000n, 'time', false)).toBe('24 ms');
    // `print` writes the number a scenario compares
    expect(formatKindInt(24_000_000n, 'time', true, false)).toBe('24000000');
  });
});

describe('strings stored as integers', () => {
  it('reads the little-endian bytes of SCMI algo "memlat" (0x74616C6D656D)', () => {
    expect(intText(0x74616c6d656dn)).toBe('memlat');
    expect(formatKindInt(0x74616c6d656dn, 'str_int', true)).toBe('0x74616c6d656d ("memlat")');
    expect(formatKindInt(0x74616c6d656dn, 'str_int', false)).toBe(`${BigInt('0x74616c6d656d').toString(10)} ("memlat")`);
  });

  it('a number whose bytes are not printable is only a number', () => {
    expect(intText(0x0102n)).toBeUndefined();
    expect(intText(0n)).toBeUndefined();
    expect(formatKindInt(0x1ff00n, 'str_int', true)).toBe('0x1ff00');
  });
});

describe('hexdump', () => {
  it('one row per 16 bytes: offset, two groups of 8, ASCII', () => {
    const b = [...bytesOf('monitor-0'), ...new Array<bigint>(11).fill(0n)].map(Number);
    expect(hexdump(b)).toBe(
      ['00000000  6d 6f 6e 69 74 6f 72 2d  30 00 00 00 00 00 00 00  |monitor-0.......|', `00000010  00 00 00 00${' '.repeat(39)}|....|`].join('\n'),
    );
  });

  it('rows start at the base address, 16 hex digits above 4 GiB', () => {
    // 15 empty cells keep the ASCII column where a full row has it
    expect(hexdumpRow([0x41], 0, 0x20000n)).toBe(`00020000  41${' '.repeat(48)}|A|`);
    expect(hexdumpRow([0x7f], 0, 0x7f0000000000n).slice(0, 16)).toBe('00007f0000000000');
  });

  it('stops after maxRows rows and says how many bytes are left', () => {
    const text = hexdump(new Array<number>(100).fill(0x41), 0n, 2);
    expect(text.split('\n')).toHaveLength(3);
    expect(text.split('\n')[2]).toBe('… 68 more bytes');
  });
});

describe('values by kind', () => {
  it('addresses, PFNs, masks and registers in hex; counts and sizes in decimal', () => {
    const last = { hvc: { code: new Sym('HVCALL_POST_MESSAGE', 0x5cn), status: new Sym('HV_STATUS_SUCCESS', 0n), reps_completed: 16n, control: 0x10005cn } };
    expect(showValue(last, undefined, { hex: true })).toBe('{hvc: {code: HVCALL_POST_MESSAGE (0x5c), status: HV_STATUS_SUCCESS (0), reps_completed: 16, control: 0x10005c}}');
    expect(showValue(last, undefined, { hex: false })).toBe('{hvc: {code: HVCALL_POST_MESSAGE (92), status: HV_STATUS_SUCCESS (0), reps_completed: 16, control: 1048668}}');
    expect(showValue({ addr: 0x10000n, pfn: 0xfffn, rss: 16n, len: 4096n }, undefined, { hex: true })).toBe('{addr: 0x10000, pfn: 0xfff, rss: 16, len: 4096}');
  });

  it('an explicit hex request shows counts in hex too, times keep their unit', () => {
    expect(showValue({ rss: 16n, ns: 1000n }, undefined, { hex: true, all: true })).toBe('{rss: 0x10, ns: 1 us}');
  });

  it('byte lists read as hex bytes on one line and as a hexdump where there is room', () => {
    expect(showValue({ bytes: [0x66n, 0x55n] }, undefined, { hex: true })).toBe('{bytes: [66 55]}');
    const long = new Array<bigint>(20).fill(0x30n);
    expect(showValue(long, 'bytes', { hex: true })).toBe('[30 30 30 30 30 30 30 30 30 30 30 30 30 30 30 30 …] (20 bytes)');
    expect(showValueLong(long, 'bytes', { hex: true }).split('\n')).toHaveLength(2);
    expect(showValue([1n, 2n], 'bytes', { hex: false })).toBe('[1, 2]');
  });

  it('a name means its kind, or another one under a parent that says so', () => {
    expect(kindOfName('base_gpa')).toBe('address');
    expect(kindOfName('value')).toBe('reg');
    expect(kindOfName('value', 'scmi')).toBe('count');
    expect(kindOfName('regions_needed')).toBeUndefined();
  });

  it('stimer_expiration\'s exp_time and now are TIME_REFCOUNT ticks, shown with what they mean', () => {
    expect(kindOfName('exp_time')).toBe('ticks');
    expect(kindOfName('now')).toBe('ticks');
    expect(formatKindInt(240_000n, kindOfName('exp_time'), true)).toBe('240000 (24 ms)');
  });
});
