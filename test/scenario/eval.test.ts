/**
 * SCENARIO.md §2 (expressions and the state tree) and §3 (general
 * statements). Expressions are evaluated directly against a machine built
 * with createSimulation; the §3 statements run through `kstep run`'s
 * runSource, exactly as the CLI runs them.
 */
import { describe, expect, it } from 'vitest';
import { ScenarioError } from '../../src/sim/scenario/diagnostics';
import { evaluate } from '../../src/sim/scenario/eval';
import type { Machine } from '../../src/sim/core/machine';
import type { Value } from '../../src/sim/core/values';
import { Sym, toJson } from '../../src/sim/core/values';
import { cli, expr, run } from '../support/kit';
import { loadScenario } from '../../src/sim';

/** Runs a scenario to its end and returns the machine, for evaluating expressions against its state. */
function machineAfter(source: string): Machine {
  return run(source, { file: 'm.kstep', history: false }).machine;
}

/** A machine holding one hugetlb file with regions [[0,1],[2,3]], last = region_chg f 5 6, time 1500 ns. */
const FIXTURE = [
  'hugetlb file f',
  'region_chg f 0 1',
  'region_add f 0 1',
  'region_chg f 2 3',
  'region_add f 2 3',
  'region_chg f 5 6',
  'advance 1500ns',
].join('\n');

const m = machineAfter(FIXTURE);
const empty = machineAfter('');

function ev(text: string, on: Machine = m): Value {
  return evaluate(on, expr(text));
}

/** The ScenarioError an expression raises: its message and [col, endCol] on the `expect` line. */
function evalError(text: string, on: Machine = m): { message: string; cols: [number, number] } {
  try {
    ev(text, on);
  } catch (e) {
    if (!(e instanceof ScenarioError)) throw e;
    expect(e.range?.line).toBe(1);
    return { message: e.message, cols: [e.range?.col ?? 0, e.range?.endCol ?? 0] };
  }
  throw new Error(`'${text}' evaluated without an error`);
}

describe('operators', () => {
  it.each([
    ['7 + 5', 12n],
    ['7 - 5', 2n],
    ['7 * 5', 35n],
    ['7 / 2', 3n],
    ['7 % 4', 3n],
    ['-7 / 2', -3n], // truncates toward zero, as C does
    ['-7 % 2', -1n],
    ['0xf0 & 0x3c', 0x30n],
    ['0xf0 | 0x0f', 0xffn],
    ['0xff ^ 0x0f', 0xf0n],
    ['1 << 12', 4096n],
    ['0x1000 >> 4', 0x100n],
    ['-5', -5n],
    ['- (2 + 3)', -5n],
    ['--5', 5n],
    ['+5', 5n],
    ['0xff & ~0x0f', 0xf0n],
    ['0xffff_ffff_ffff_ffff & ~1', 0xffff_ffff_ffff_fffen],
  ])('%s = %s', (text, value) => {
    expect(ev(text)).toBe(value);
  });

  it.each([
    ['1 == 1', true],
    ['1 == 2', false],
    ['1 != 2', true],
    ['1 != 1', false],
    ['1 < 2', true],
    ['2 < 2', false],
    ['2 <= 2', true],
    ['3 <= 2', false],
    ['3 > 2', true],
    ['2 > 2', false],
    ['2 >= 2', true],
    ['1 >= 2', false],
    ['-1 < 0', true],
    ['1 && 2', true],
    ['1 && 0', false],
    ['0 || 3', true],
    ['0 || 0', false],
    ['!0', true],
    ['!7', false],
    ['!!7', true],
  ])('%s is %s', (text, value) => {
    expect(ev(text)).toBe(value);
  });

  it.each([
    // bitwise binds tighter than comparisons
    ['6 & 3 == 2', true],
    ['6 | 1 == 7', true],
    ['6 ^ 3 == 5', true],
    // * over +, + over shifts, shifts over &, & over ^, ^ over |
    ['1 + 2 * 3', 7n],
    ['(1 + 2) * 3', 9n],
    ['1 << 2 + 1', 8n],
    ['0xff & 1 << 4', 0x10n],
    ['1 | 2 ^ 3 & 4', 3n],
    ['1 ^ 3 | 4', 6n],
    // left associative
    ['10 - 2 - 3', 5n],
    ['100 / 10 / 5', 2n],
    ['1 << 3 >> 1', 4n],
    // unary binds tightest
    ['-2 * 3', -6n],
    ['~0 & 0xf', 0xfn],
    ['!0 == 1', true],
    // comparisons over &&, && over ||
    ['1 == 1 && 2 == 2', true],
    ['0 || 1 && 0', false],
    ['1 || 0 && 0', true],
    ['(0 || 1) && 0', false],
  ] as const)('%s → %s', (text, value) => {
    expect(ev(text)).toBe(value);
  });

  it('short-circuits && and || (the right side is not evaluated)', () => {
    expect(ev('0 && 1 / 0')).toBe(false);
    expect(ev('1 || 1 / 0')).toBe(true);
  });

  it('adds strings', () => {
    expect(ev('"ab" + "cd"')).toBe('abcd');
    expect(ev('"ab" + "cd" == "abcd"')).toBe(true);
  });
});

describe('64-bit exactness', () => {
  it.each([
    ['0xffff_ffff_ffff_ffff + 1 == 1 << 64', true],
    ['(0xffff_ffff_ffff_ffff + 1) >> 64', 1n],
    ['0xffff_ffff_ffff_ffff - 1 == 0xffff_ffff_ffff_fffe', true],
    ['0xffff_ffff_ffff_ffff * 0xffff_ffff_ffff_ffff == (1 << 128) - (1 << 65) + 1', true],
    ['0x1234_5678_9abc_def1 ^ 0xffff_ffff_ffff_ffff == 0xedcb_a987_6543_210e', true],
    ['9007199254740993 == 9007199254740992', false], // 2^53 + 1: a JS number would round it
    ['9007199254740992 + 1 == 9007199254740993', true],
    ['0xffff_ffff_ffff_ffff / 3 == 0x5555_5555_5555_5555', true],
    ['0x8000_0000_0000_0000 >> 63', 1n],
    ['-0xffff_ffff_ffff_ffff', -(2n ** 64n - 1n)],
  ])('%s → %s', (text, value) => {
    expect(ev(text)).toBe(value);
  });

  it('gives BigInt results, never JS numbers', () => {
    expect(typeof ev('0xffff_ffff_ffff_ffff')).toBe('bigint');
    expect(ev('0xffff_ffff_ffff_ffff')).toBe(2n ** 64n - 1n);
  });
});

describe('lists and ranges', () => {
  it.each([
    ['[1, 2, 3]', [1n, 2n, 3n]],
    ['[]', []],
    ['[[0, 1], [2, 3]]', [[0n, 1n], [2n, 3n]]],
    ['[0..3]', [0n, 1n, 2n, 3n]],
    ['[4..7]', [4n, 5n, 6n, 7n]],
    ['[1, 3..5, 9]', [1n, 3n, 4n, 5n, 9n]],
    ['[2..2]', [2n]],
    ['[1 + 1..2 * 2]', [2n, 3n, 4n]],
    ['[3..1]', []],
    ['[-1..1]', [-1n, 0n, 1n]],
  ])('%s', (text, value) => {
    expect(ev(text)).toEqual(value);
  });

  it.each([
    ['[1, 2] == [1, 2]', true],
    ['[1, 2] == [2, 1]', false],
    ['[1, 2] == [1, 2, 3]', false],
    ['[1, 2] != [1, 2, 3]', true],
    ['[[0, 1], [2, 3]] == [[0, 1], [2, 3]]', true],
    ['[[0, 1], [2, 3]] == [[0, 1], [2, 4]]', false],
    ['[0..3] == [0, 1, 2, 3]', true],
    ['[HV_STATUS_SUCCESS, ENOMEM] == [0, 12]', true],
    ['[] == []', true],
    ['[1] == 1', false],
  ])('%s is %s', (text, value) => {
    expect(ev(text)).toBe(value);
  });

  it('indexes a literal list', () => {
    expect(ev('[10, 20, 30][1]')).toBe(20n);
    expect(ev('[[0, 1], [2, 3]][1][0]')).toBe(2n);
  });

  it.each([
    ['len([1, 2, 3])', 3n],
    ['len([])', 0n],
    ['len([0..9])', 10n],
    ['len("abc")', 3n],
    ['len("")', 0n],
  ])('%s = %s', (text, value) => {
    expect(ev(text)).toBe(value);
  });
});

describe('symbols and constants', () => {
  it.each([
    ['HV_STATUS_SUCCESS == 0', true],
    ['HV_STATUS_SUCCESS == HV_STATUS_SUCCESS', true],
    ['HV_STATUS_SUCCESS == "HV_STATUS_SUCCESS"', true],
    ['HV_STATUS_INVALID_PARAMETER == 5', true],
    ['HV_STATUS_INVALID_CONNECTION_ID == 0x12', true],
    ['HV_STATUS_INSUFFICIENT_BUFFERS == 0x13', true],
    ['HV_STATUS_SUCCESS == 1', false],
    ['device_private == device_private', true],
    ['device_private == "device_private"', true],
    ['device_private == present', false],
    ['device_private == 0', false],
    ['SCAN_PAGE_NULL != SCAN_SUCCEED', true],
    ['true == 1', true],
    ['false == 0', true],
    ['true == 2', false],
    ['true && !false', true],
    ['HVCALL_POST_MESSAGE == 0x5c', true],
    ['HV_REGISTER_SINT2 == 0xA0002', true],
    ['HVMSG_TIMER_EXPIRED == 0x80000010', true],
    // mshyperv.h: ARM_SMCCC_CALL_VAL(ARM_SMCCC_STD_CALL, ARM_SMCCC_SMC_64, ARM_SMCCC_OWNER_VENDOR_HYP, 1), the TLFS's 0x46000001
    ['HV_FUNC_ID == 0x46000001', true],
    ['MEMLAT_SAMPLE_MS == 31', true], // SCMI_VENDOR_MSG_MODULE_START (16) + 15 in reference 001's enum
    ['FOLL_LRU == 0x100000', true],
    ['FOLL_MLOCK == 0x1000', true],
    ['FOLL_LRU | FOLL_MLOCK == 0x101000', true],
    ['-ENOMEM == -12', true],
    ['ENOMEM == 12', true],
    ['EINVAL == 22', true],
    ['ENOENT == 2', true],
    ['SCMI_ERR_SUPPORT == -1', true],
    ['SCMI_ERR_PARAMS == -2', true],
    ['SCMI_ERR_BUSY == -6', true],
    ['ENOMEM + 1', 13n],
  ])('%s → %s', (text, value) => {
    expect(ev(text)).toBe(value);
  });

  it('evaluates a bare unknown identifier to a symbol of that name with no number', () => {
    const v = ev('coherent');
    expect(v).toBeInstanceOf(Sym);
    expect((v as Sym).name).toBe('coherent');
    expect((v as Sym).num).toBeUndefined();
  });

  it('evaluates a constant to a symbol that keeps its name and its number', () => {
    const v = ev('HVCALL_POST_MESSAGE');
    expect(v).toBeInstanceOf(Sym);
    expect([(v as Sym).name, (v as Sym).num]).toEqual(['HVCALL_POST_MESSAGE', 0x5cn]);
  });

  it('treats a symbol without a number as true, zero-valued ones as false', () => {
    expect(ev('!device_private')).toBe(false);
    expect(ev('!HV_STATUS_SUCCESS')).toBe(true);
  });
});

describe('state paths', () => {
  it.each([
    ['resv.f.regions', [[0n, 1n], [2n, 3n]]],
    ['resv.f.regions[1]', [2n, 3n]],
    ['resv.f.regions[1][0]', 2n],
    ['resv.f.regions[0 + 1][1]', 3n],
    ['resv.f.regions.1', [2n, 3n]],
    ['len(resv.f.regions)', 2n],
    ['resv.f.adds_in_progress', 1n],
    ['resv.f.region_cache_count', 1n],
    ['resv["f"].adds_in_progress', 1n],
    ['time.ns', 1500n],
    ['time.ticks', 15n],
    ['last.ret', 1n],
    ['last.regions_needed', 1n],
    ['len(resv.f)', 3n],
  ])('%s', (text, value) => {
    expect(ev(text)).toEqual(value);
  });

  it('compares state with literals', () => {
    expect(ev('resv.f.regions == [[0, 1], [2, 3]]')).toBe(true);
    expect(ev('resv.f.regions[0] == [0, 1] && last.ret == 1')).toBe(true);
    expect(ev('len(resv.f.regions) * 2 == 4')).toBe(true);
    expect(ev('time.ticks * 100 == time.ns')).toBe(true);
  });

  it('starts with time at 0 and an empty last', () => {
    expect(ev('time.ns', empty)).toBe(0n);
    expect(ev('time.ticks', empty)).toBe(0n);
    expect(ev('last', empty)).toEqual({});
  });
});

describe('evaluation errors carry the range of what failed', () => {
  // The expression starts at column 8 of `expect <expr>`.
  it.each([
    ['1 / 0', 8, 13, 'division by zero'],
    ['5 % (2 - 2)', 8, 19, 'division by zero'], // the range includes the closing parenthesis
    ['resv.g', 8, 14, "resv has no 'g' (it has: f)"],
    ['resv.f.nope', 8, 19, "resv.f has no 'nope' (it has: regions, adds_in_progress, region_cache_count)"],
    ['time.minutes', 8, 20, "time has no 'minutes' (it has: ticks, ns)"],
    ['last.value', 8, 18, "last has no 'value' (it has: ret, regions_needed)"],
    ['resv.f.regions[5]', 8, 25, 'resv.f.regions[5]: index 5 is out of range (length 2)'],
    ['[1, 2][2]', 8, 17, 'index 2 is out of range (length 2)'],
    ['time.ns.x', 8, 17, "time.ns is a value: it has no '.x'"],
    ['1 < [1]', 12, 15, 'expected a number, got [1]'],
    ['len(5)', 8, 14, 'len() needs a list or a string'],
    ['1 << 1025', 13, 17, 'shift count 1025 is out of range 0..1024'],
    ['1 >> -1', 13, 15, 'shift count -1 is out of range 0..1024'],
    ['1 << 0xffff_ffff_ffff_ffff', 13, 34, 'shift count 18446744073709551615 is out of range 0..1024'],
    ['[0..1000000]', 9, 19, 'the list would have more than 1000000 elements (at range 0..1000000), a fixed limit: use smaller ranges, or repeat'],
  ])('%s', (text, col, endCol, message) => {
    expect(evalError(text)).toEqual({ message, cols: [col, endCol] });
  });

  it('a bare word an operator needs a number from, with no number, is a parse error at the word: nothing runs', () => {
    // SCENARIO.md §1: bad numbers are parse errors, all of them reported, before anything runs.
    const r = loadScenario('t.kstep', 'print 1\nexpect device_private + 1\nexpect -coherent\ngup 0x100000 flags=FOLL_PIM|FOLL_LONGTERM\nprint [0..NR_CPUS]\n');
    expect(r.diagnostics.map((d) => [d.range.line, d.range.col, d.range.endCol, d.message.split(': did you mean')[0]])).toEqual([
      [2, 8, 22, "'device_private' is not a known constant or state path, so it has no numeric value"],
      [3, 9, 17, "'coherent' is not a known constant or state path, so it has no numeric value"],
      [4, 20, 28, "'FOLL_PIM' is not a known constant or state path, so it has no numeric value"],
      [5, 11, 18, "'NR_CPUS' is not a known constant or state path, so it has no numeric value"],
    ]);
    expect(r.diagnostics[2]?.message).toMatch(/did you mean FOLL_PIN\b/);
    expect(r.diagnostics[2]?.fix?.replacements).toContain('FOLL_PIN');
    // Compared by name, read for truth, or a constant: left to the run.
    expect(loadScenario('t.kstep', 'expect last.fault != device_private\nexpect !coherent || SELF == SELF\nexpect -EINVAL < 0\nexpect [HV_STATUS_SUCCESS..2] == [0, 1, 2]\n').diagnostics).toEqual([]);
  });

  it('rejects a negative index', () => {
    const { message, cols } = evalError('resv.f.regions[-1]');
    expect(cols).toEqual([8, 26]);
    expect(message).toMatch(/index -1 is out of range \(length 2\)$/);
  });

  it('reports the missing child of a state root on a fresh machine', () => {
    expect(evalError('resv.f', empty)).toEqual({ message: "resv has no 'f' (it is empty)", cols: [8, 14] });
  });

  it('allows the largest shift and keeps the result exact', () => {
    expect(ev('1 << 1024')).toBe(1n << 1024n);
  });
});

describe('§3 statements through kstep run', () => {
  it('expect: passes silently, exit 0', () => {
    expect(cli('expect 1 == 1\nexpect HV_STATUS_SUCCESS == 0', { file: 's.kstep' })).toEqual({ code: 0, out: [], err: [] });
  });

  it('expect: a failed comparison shows both sides, exit 1', () => {
    const r = cli(['hugetlb file f', 'region_chg f 0 4', 'expect last.ret == 3'].join('\n'), { file: 's.kstep' });
    expect(r).toEqual({ code: 1, out: [], err: ['s.kstep:3: expect failed: last.ret == 3 (left = 4, right = 3)'] });
  });

  it('expect: values are formatted as the user reads them (lists, symbols, negatives)', () => {
    const src = ['hugetlb file f', 'region_chg f 0 1', 'region_add f 0 1', 'expect resv.f.regions == [[0,1], [2, 3]]'].join('\n');
    expect(cli(src, { file: 's.kstep' }).err).toEqual(['s.kstep:4: expect failed: resv.f.regions == [[0,1], [2, 3]] (left = [[0, 1]], right = [[0, 1], [2, 3]])']);
    expect(cli('expect -ENOMEM == ENOMEM', { file: 's.kstep' }).err).toEqual(['s.kstep:1: expect failed: -ENOMEM == ENOMEM (left = -12, right = ENOMEM (12))']);
    expect(cli('expect 2 >= 3', { file: 's.kstep' }).err).toEqual(['s.kstep:1: expect failed: 2 >= 3 (left = 2, right = 3)']);
  });

  it('expect: the message quotes the expression as written, without a trailing comment', () => {
    const r = cli('   expect  1+1   ==  3   # why not', { file: 's.kstep' });
    expect(r.err).toEqual(['s.kstep:1: expect failed: 1+1   ==  3 (left = 2, right = 3)']);
  });

  it('expect: parentheses at either end of a side are part of the quoted expression', () => {
    expect(cli('expect (1 + 2) == 4', { file: 's.kstep' }).err).toEqual(['s.kstep:1: expect failed: (1 + 2) == 4 (left = 3, right = 4)']);
    expect(cli('expect 4 == (1 + 2)', { file: 's.kstep' }).err).toEqual(['s.kstep:1: expect failed: 4 == (1 + 2) (left = 4, right = 3)']);
    expect(cli('expect 4 == -(1)', { file: 's.kstep' }).err).toEqual(['s.kstep:1: expect failed: 4 == -(1) (left = 4, right = -1)']);
  });

  it('expect: a non-comparison shows its value', () => {
    expect(cli('expect 0', { file: 's.kstep' }).err).toEqual(['s.kstep:1: expect failed: 0 (value = 0)']);
    expect(cli('expect 1 == 1 && 2 == 3', { file: 's.kstep' }).err).toEqual(['s.kstep:1: expect failed: 1 == 1 && 2 == 3 (value = false)']);
  });

  it('expect: the run reports every failed expect and goes on (SCENARIO.md §8); --bail stops at the first', () => {
    const src = ['print "before"', 'expect 1 == 2', 'print "after"', 'expect 3 == 4'].join('\n');
    expect(cli(src, { file: 's.kstep' })).toEqual({
      code: 1,
      out: ['before', 'after'],
      err: ['s.kstep:2: expect failed: 1 == 2 (left = 1, right = 2)', 's.kstep:4: expect failed: 3 == 4 (left = 3, right = 4)'],
    });
    expect(cli(src, { file: 's.kstep', bail: true })).toEqual({ code: 1, out: ['before'], err: ['s.kstep:2: expect failed: 1 == 2 (left = 1, right = 2)'] });
  });

  it('expect: a failure inside a proc names the line inside the proc', () => {
    const r = cli(['proc check {', '  expect 1 == 0', '}', 'call check'].join('\n'), { file: 's.kstep' });
    expect(r.code).toBe(1);
    expect(r.err).toEqual(['s.kstep:2: expect failed: 1 == 0 (left = 1, right = 0)']);
  });

  it('print: values separated by spaces, strings raw', () => {
    const r = cli(['print "a\\tb", 1, 0x10, -5, [1, [2]], ENOMEM, coherent, true, "q\\"x"', 'print time'].join('\n'), { file: 's.kstep' });
    expect(r).toEqual({ code: 0, out: ['a\tb 1 16 -5 [1, [2]] ENOMEM (12) coherent true q"x', '{ticks: 0, ns: 0}'], err: [] });
  });

  it('print: state paths', () => {
    const r = cli(['hugetlb file f', 'region_chg f 0 1', 'region_add f 0 1', 'print resv.f.regions, len(resv.f.regions), last.ret'].join('\n'), { file: 's.kstep' });
    expect(r.out).toEqual(['[[0, 1]] 1 1']);
  });

  it('print: exact 64-bit values', () => {
    expect(cli('print 0xffff_ffff_ffff_ffff, 0xffff_ffff_ffff_ffff + 1', { file: 's.kstep' }).out).toEqual(['18446744073709551615 18446744073709551616']);
  });

  it('repeat: runs its block n times, nested repeats multiply', () => {
    const src = ['repeat 3 {', '  repeat 2 {', '    print "x"', '  }', '  print "y"', '}', 'print "done"'].join('\n');
    expect(cli(src, { file: 's.kstep' }).out).toEqual(['x', 'x', 'y', 'x', 'x', 'y', 'x', 'x', 'y', 'done']);
  });

  it('repeat: 0 runs nothing; the count is an expression', () => {
    expect(cli('repeat 0 {\n  print "never"\n}\nprint "after"', { file: 's.kstep' }).out).toEqual(['after']);
    expect(cli('repeat 1 + 1 {\n  print "z"\n}', { file: 's.kstep' }).out).toEqual(['z', 'z']);
  });

  it('repeat: state changes accumulate across iterations', () => {
    const src = ['hugetlb file f', 'repeat 4 {', '  region_chg f 0 100', '  region_add f 0 100', '}', 'print len(resv.f.regions), resv.f.regions'].join('\n');
    expect(cli(src, { file: 's.kstep' }).out).toEqual(['1 [[0, 100]]']);
  });

  it('repeat: a negative count is an error at the count', () => {
    const r = cli('repeat -1 {\n  print 1\n}', { file: 's.kstep' });
    expect(r).toEqual({ code: 2, out: [], err: ['s.kstep:1:8: error: repeat count -1 is negative'] });
  });

  it('proc/call: the definition does not run, each call does', () => {
    const src = ['proc hello {', '  print "hello"', '}', 'print "start"', 'call hello', 'call hello', 'print "end"'].join('\n');
    expect(cli(src, { file: 's.kstep' }).out).toEqual(['start', 'hello', 'hello', 'end']);
  });

  it('proc/call: procs call procs and calls sit inside repeats', () => {
    const src = ['proc inner {', '  print "i"', '}', 'proc outer {', '  call inner', '  print "o"', '}', 'repeat 2 {', '  call outer', '}'].join('\n');
    expect(cli(src, { file: 's.kstep' }).out).toEqual(['i', 'o', 'i', 'o']);
  });

  it('proc/call: unbounded recursion is an error, not a crash', () => {
    const r = cli('proc a {\n  call a\n}\ncall a', { file: 's.kstep' });
    expect(r.code).toBe(2);
    expect(r.err).toEqual(["s.kstep:2:3: error: call depth exceeds 200 (recursive proc 'a'?), a fixed limit: loop with repeat instead of recursing"]);
  });

  it('advance: moves time.ns and time.ticks (100 ns units)', () => {
    const src = ['advance 1us', 'print time.ns, time.ticks', 'advance 150ns', 'print time.ns, time.ticks', 'advance 8ms', 'print time.ns, time.ticks', 'advance 2s', 'print time.ns, time.ticks'].join('\n');
    expect(cli(src, { file: 's.kstep' }).out).toEqual(['1000 10', '1150 11', '8001150 80011', '2008001150 20080011']);
  });

  it('advance: time only moves on advance', () => {
    const src = ['hugetlb file f', 'region_chg f 0 1', 'print time.ns'].join('\n');
    expect(cli(src, { file: 's.kstep' }).out).toEqual(['0']);
  });

  it('advance: a number without a duration unit is an error at the number', () => {
    expect(cli('advance 5', { file: 's.kstep' })).toEqual({ code: 2, out: [], err: ['s.kstep:1:9: error: advance needs a duration with a unit: ns, us, ms or s (e.g. advance 8ms)'] });
    expect(cli('advance 4K', { file: 's.kstep' }).err).toEqual(['s.kstep:1:9: error: advance needs a duration with a unit: ns, us, ms or s (e.g. advance 8ms)']);
  });

  it('advance: time never moves backwards', () => {
    expect(cli('advance -1s', { file: 's.kstep' }).err).toEqual(['s.kstep:1:9: error: advance cannot move time backwards']);
  });

  it('a statement refused at run time: exit 2 at file:line:col, later statements do not run', () => {
    const r = cli(['print "a"', 'hugetlb file f', '  mmap 0x200000 2M file=f', 'print "b"'].join('\n'), { file: 's.kstep' });
    expect(r.code).toBe(2);
    expect(r.out).toEqual(['a']);
    // a hugetlbfs file is not a page-cache file
    expect(r.err).toEqual(["s.kstep:3:25: warning: no file 'f' is declared in this scenario (file <name> size=<len>)", "s.kstep:3:25: error: no file 'f' (create one with: file f size=<len>)"]);
  });

  it('a bare word that names no state root is a symbol', () => {
    const env = { root: () => undefined };
    expect(evaluate(env, expr('device_private'))).toEqual(new Sym('device_private'));
    expect(evaluate(env, expr('vp'))).toEqual(new Sym('vp'));
  });

  it('an evaluation error is reported at its own columns', () => {
    expect(cli('print 1, 2 / 0', { file: 's.kstep' }).err).toEqual(['s.kstep:1:10: error: division by zero']);
    expect(cli('hugetlb file f\nregion_chg f 0 x', { file: 's.kstep' }).err).toEqual(['s.kstep:2:16: error: <t> must be a number, not x']);
  });
});

describe('--json', () => {
  it('prints the final state tree as one JSON document on stdout, and print output on stderr', () => {
    const src = ['hugetlb file f', 'region_chg f 0 1', 'region_add f 0 1', 'advance 10000s', 'print "hi"'].join('\n');
    const r = cli(src, { file: 's.kstep', json: true });
    expect(r.code).toBe(0);
    expect(r.err).toEqual(['hi']);
    expect(r.out).toHaveLength(1);
    const doc = JSON.parse(r.out[0] as string) as unknown;
    expect(doc).toMatchObject({
      time: { ticks: 100_000_000_000, ns: 10_000_000_000_000 },
      last: { ret: 1 },
      resv: { f: { regions: [[0, 1]], adds_in_progress: 0, region_cache_count: 0 } },
      hugetlb: { files: ['f'], inject_enomem: 0 },
    });
    // Every state root is in the document, the other mechanisms' too.
    expect(Object.keys(doc as object)).toEqual(expect.arrayContaining(['time', 'last', 'resv', 'hugetlb', 'partition', 'vp', 'memlat', 'scmi']));
  });

  it('still prints the state after a failed expect, with exit 1', () => {
    const r = cli('advance 1us\nexpect 1 == 2', { file: 's.kstep', json: true });
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.out.join('\n')) as { time: { ns: number } };
    expect(doc.time.ns).toBe(1000);
  });

  it('prints no JSON when the scenario does not parse', () => {
    const r = cli('frob', { file: 's.kstep', json: true });
    expect(r.code).toBe(2);
    expect(r.out).toEqual([]);
  });

  it('writes u64 values above 2^53 as "0x..." strings and smaller ones as numbers', () => {
    expect(toJson(2n ** 60n)).toBe('0x1000000000000000');
    expect(toJson(2n ** 64n - 1n)).toBe('0xffffffffffffffff');
    expect(toJson(-(2n ** 60n))).toBe('-0x1000000000000000');
    expect(toJson(2n ** 53n - 1n)).toBe(9007199254740991);
    expect(toJson(-5n)).toBe(-5);
    expect(toJson([1n, 2n ** 60n, { a: 2n ** 63n }])).toEqual([1, '0x1000000000000000', { a: '0x8000000000000000' }]);
    expect(toJson(new Sym('ENOMEM', 12n))).toBe('ENOMEM');
    expect(toJson(true)).toBe(true);
  });
});
