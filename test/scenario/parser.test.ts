/**
 * SCENARIO.md §1 (statements) and the statement tables of §3–§7: every form
 * the contract shows parses, pairs and flags may stand anywhere after the
 * verb, the word-argument rule, and parse errors — all of them, each as
 * `file:line:col: error: message`, with nothing run.
 */
import { describe, expect, it } from 'vitest';
import type { Arg, Expr, Program, Stmt } from '../../src/sim/scenario/ast';
import { formatDiagnostic } from '../../src/sim/scenario/diagnostics';
import { REGISTRY } from '../../src/sim';
import { evaluate } from '../../src/sim/scenario/eval';
import { loadScenario } from '../../src/sim';
import { cli, sim } from '../support/kit';

function parseOk(source: string): Program {
  const { program, diagnostics } = loadScenario('t.kstep', source);
  expect(diagnostics.map(formatDiagnostic)).toEqual([]);
  return program;
}

/** The one statement of a one-line scenario. */
function stmt(line: string): Stmt {
  const p = parseOk(line);
  expect(p.stmts).toHaveLength(1);
  return p.stmts[0] as Stmt;
}

function errors(source: string, file = 't.kstep'): string[] {
  return loadScenario(file, source).diagnostics.map(formatDiagnostic);
}

/** A constant expression's value, evaluated on an empty machine. */
function valueOf(e: Expr): unknown {
  return evaluate(sim('', { history: false }).machine, e);
}

function argValues(s: Stmt): unknown[] {
  return s.args.map((a) => a.word ?? valueOf(a.expr));
}

function key(s: Stmt, name: string): Arg {
  const a = s.keys.get(name);
  if (!a) throw new Error(`statement has no key ${name}`);
  return a;
}

/** Every example form of SCENARIO.md §3–§7, with the verb it must parse as. */
const FORMS: ReadonlyArray<readonly [string, string]> = [
  // §3
  ['expect 1 == 1', 'expect'],
  ['print "a", 1, resv', 'print'],
  ['advance 10us', 'advance'],
  ['call p', 'call'],
  ['kernel before=004', 'kernel'],
  // §4
  ['partition vps=2', 'partition'],
  ['vpreg vp=1 SINT2 = 0x22', 'vpreg'],
  ['vpreg SINT2=0x22', 'vpreg'],
  ['vpreg HV_REGISTER_SINT2 = 0x22', 'vpreg'],
  ['vpreg 0xA0002 = 0x22', 'vpreg'],
  ['vpreg SINT2', 'vpreg'],
  ['vpreg vp=1 SIMP', 'vpreg'],
  ['hvc HVCALL_POST_MESSAGE connection=1 type=42 payload=[0xdead, 0xbeef]', 'hvc'],
  ['hvc HVCALL_GET_VP_REGISTERS names=[SINT2, SIMP]', 'hvc'],
  ['hvc HVCALL_SET_VP_REGISTERS names=[SINT2] values=[0x22] partition=SELF target_vp=SELF', 'hvc'],
  ['hvc HVCALL_SIGNAL_EVENT connection=2 flag=1', 'hvc'],
  ['hvc HVCALL_SEND_IPI vector=0x20 targets=[0, 1]', 'hvc'],
  ['hvc HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE address_space=0 flags=0 targets=[0]', 'hvc'],
  ['hvc 0x5c vp=0 fast rep=2 rep_start=1', 'hvc'],
  ['hvc raw control=0x10051 input=0x1000', 'hvc raw'],
  ['hvc raw control=0x5c input=0x1000 output=0x2000 vp=1', 'hvc raw'],
  ['hvc raw control=0x20015|HV_HYPERCALL_FAST_BIT regs=[0xfe, 0, 1, 4]', 'hvc raw'],
  ['gpa write 0x1000 [1, 2, 0xffff_ffff_ffff_ffff]', 'gpa write'],
  ['gpa read 0x1000 16', 'gpa read'],
  ['port 1 vp=0 sint=2', 'port'],
  ['port 2 vp=0 sint=3 kind=event flag=5', 'port'],
  ['port 3 vp=1 sint=2 kind=message', 'port'],
  ['port 4 vp=0 sint=2 kind=event flag=8 flag_count=4', 'port'],
  ['hvc HVCALL_SEND_IPI_EX vector=0x20 targets=[1] varhead=1', 'hvc'],
  ['hostmsg vp=0 sint=2 type=1 payload=[1, 2]', 'hostmsg'],
  ['hostmsg sint=2 type=HVMSG_TIMER_EXPIRED', 'hostmsg'],
  ['ack vp=0 sint=2', 'ack'],
  ['ack sint=2', 'ack'],
  ['eom', 'eom'],
  ['eom vp=1', 'eom'],
  ['gic_eoi vector=0xf1', 'gic_eoi'],
  ['gic_eoi vp=1 vector=HYPERVISOR_CALLBACK_VECTOR', 'gic_eoi'],
  // §5
  ['device gpu type=private pages=16', 'device'],
  ['device cxl type=coherent pages=4', 'device'],
  ['device h type=host pages=1', 'device'],
  ['device gpu fail=on', 'device'],
  ['device gpu fail=off', 'device'],
  ['task init', 'task'],
  ['mmap 0x7f00_0000_0000 64K prot=rw shared file=x', 'mmap'],
  ['mmap 0x10000 2M', 'mmap'],
  ['mmap 0x10000 2M prot=r private anon', 'mmap'],
  ['mmap 0x200000 2M prot=rwx hugetlb=hf', 'mmap'],
  ['mmap 0x1000 4K prot=none', 'mmap'],
  ['read 0x10000', 'read'],
  ['write 0x10000', 'write'],
  ['write 0x10000 0xdead', 'write'],
  ['migrate 0x10000 4K to=gpu', 'migrate'],
  ['migrate 0x10000 4K to=system', 'migrate'],
  ['device_access gpu read 0x10000', 'device_access'],
  ['device_access gpu write 0x10000', 'device_access'],
  ['fork', 'fork'],
  ['fork as child', 'fork'],
  ['exit', 'exit'],
  ['exit child', 'exit'],
  ['mprotect 0x10000 4K r', 'mprotect'],
  ['munmap 0x10000 4K', 'munmap'],
  ['follow_page 0x1000', 'follow_page'],
  ['follow_page 0x1000 flags=FOLL_LRU|FOLL_MLOCK', 'follow_page'],
  ['khugepaged 0x200000', 'khugepaged'],
  ['ksm 0x10000', 'ksm'],
  ['madvise 0x10000 4K MADV_COLD', 'madvise'],
  ['madvise 0x10000 4K MADV_PAGEOUT', 'madvise'],
  ['madvise 0x10000 4K MADV_FREE', 'madvise'],
  ['mlock 0x10000 4K', 'mlock'],
  ['numa_stats 0x10000 4K', 'numa_stats'],
  // §5.1: page-cache files, fsdax and the rest of reference 003's callers
  ['file f size=16K', 'file'],
  ['file write f 0x1000 42', 'file write'],
  ['file truncate f', 'file truncate'],
  ['file truncate f 8K', 'file truncate'],
  ['file invalidate f', 'file invalidate'],
  ['mmap 0x10000 16K prot=r shared file=f', 'mmap'],
  ['mmap 0x10000 16K private file=f', 'mmap'],
  ['mmap 0x10000 16K shared dax=pm', 'mmap'],
  ['madvise 0x10000 4K MADV_DONTNEED', 'madvise'],
  ['move_pages 0x10000 node=1', 'move_pages'],
  ['mbind 0x10000 8K node=1', 'mbind'],
  ['numa_fault 0x10000', 'numa_fault'],
  ['munlock 0x10000 8K', 'munlock'],
  ['pagemap 0x10000', 'pagemap'],
  ['smaps 0x10000', 'smaps'],
  // §5.1
  ['device_exclusive gpu 0x10000 4K', 'device_exclusive'],
  ['device_check_exclusive gpu 0x10000 4K', 'device_check_exclusive'],
  ['device_snapshot gpu 0x10000 4K', 'device_snapshot'],
  ['gup 0x10000', 'gup'],
  ['gup 0x10000 8K flags=FOLL_PIN|FOLL_LONGTERM', 'gup'],
  ['unpin 0x10000', 'unpin'],
  ['unpin 0x10000 8K', 'unpin'],
  ['mmap 0x10000 16K shared file=f offset=8K', 'mmap'],
  // §6
  ['hugetlb pool pages=4', 'hugetlb pool'],
  ['hugetlb pool pages=4 size=2M', 'hugetlb pool'],
  ['hugetlb file f', 'hugetlb file'],
  ['hugetlb truncate f', 'hugetlb truncate'],
  ['hugetlb truncate f 4M', 'hugetlb truncate'],
  ['hugetlb reserve f 0 4', 'hugetlb reserve'],
  ['hugetlb reserve f 0 4 private', 'hugetlb reserve'],
  ['hugetlb overcommit pages=3', 'hugetlb overcommit'],
  ['hugetlb mount q size=4 min_size=1', 'hugetlb mount'],
  ['hugetlb file f mount=q', 'hugetlb file'],
  ['hugetlb punch f 2M 4M', 'hugetlb punch'],
  ['mmap 0x200000 2M hugetlb=hf shared noreserve offset=4M', 'mmap'],
  ['region_chg f 0 1', 'region_chg'],
  ['region_add f 0 1', 'region_add'],
  ['region_add f 0 1 regions_needed=1', 'region_add'],
  ['region_abort f 0 1', 'region_abort'],
  ['region_abort f 0 1 regions_needed=1', 'region_abort'],
  ['region_del f 0 1', 'region_del'],
  ['region_count f 0 1', 'region_count'],
  ['inject enomem', 'inject enomem'],
  ['inject enomem count=2', 'inject enomem'],
  // §7
  ['memlat memory 0 min=100000 max=2000000', 'memlat memory'],
  ['memlat monitor 0 cpus=[4..7] compute map=[[1,2],[3,4]]', 'memlat monitor'],
  ['memlat monitor 1 cpus=[0..3] map=[[300, 200000], [1000, 800000]]', 'memlat monitor'],
  ['scmi probe', 'scmi probe'],
  ['scmi set_param MEMLAT_SAMPLE_MS val=8', 'scmi set_param'],
  ['scmi set_param MEMLAT_IPM_CEIL hw=0 mon=1 val=20000000', 'scmi set_param'],
  ['scmi get_param MEMLAT_SAMPLE_MS', 'scmi get_param'],
  ['scmi get_param MEMLAT_SAMPLE_MS hw=0 mon=0', 'scmi get_param'],
  ['scmi message 0x42 payload=[1, 2, 3]', 'scmi message'],
  ['scmi set_param MEMLAT_SAMPLE_MS val=8 algo=0x6d656d size=20', 'scmi set_param'],
  ['memlat memory no_freq_table', 'memlat memory'],
  ['scmi start', 'scmi start'],
  ['scmi stop', 'scmi stop'],
  ['cpu 4 freq=2000', 'cpu'],
  ['cpu 4 freq=2000 inst=1000 l2_refill=10 cycles=2000000', 'cpu'],
];

describe('every statement form of SCENARIO.md §3–§7 parses', () => {
  it.each(FORMS)('%s', (line, verb) => {
    // `call p` needs a proc p; define an empty one around every form.
    const p = parseOk(`proc p {\n}\n${line}`);
    const s = p.stmts[1] as Stmt;
    expect(s.verb).toBe(verb);
    expect(s.line).toBe(3);
    expect(s.text).toBe(line);
  });

  it('covers every verb of the statement table', () => {
    const covered = new Set(FORMS.map(([, verb]) => verb));
    covered.add('repeat');
    covered.add('proc');
    expect(REGISTRY.verbs.specs.map((v) => v.verb).filter((v) => !covered.has(v))).toEqual([]);
  });
});

describe('statement structure', () => {
  it('vpreg: `vp=1 SINT2 = 0x22` and `SINT2=0x22` are the same assignment', () => {
    const a = stmt('vpreg vp=1 SINT2 = 0x22');
    const b = stmt('vpreg SINT2=0x22');
    for (const s of [a, b]) {
      expect(s.args).toEqual([]);
      expect(s.assign?.target.word).toBe('SINT2');
      expect(valueOf(s.assign?.value.expr as Expr)).toBe(0x22n);
    }
    expect(valueOf(key(a, 'vp').expr)).toBe(1n);
    expect(b.keys.has('vp')).toBe(false);
  });

  it('vpreg: a read names its register as an argument', () => {
    const s = stmt('vpreg vp=1 HV_REGISTER_SINT2');
    expect(s.assign).toBeUndefined();
    expect(s.args.map((a) => a.word)).toEqual(['HV_REGISTER_SINT2']);
    expect(valueOf(key(s, 'vp').expr)).toBe(1n);
  });

  it('vpreg: a register given by number may be assigned', () => {
    const s = stmt('vpreg 0xA0002 = 5');
    expect(valueOf(s.assign?.target.expr as Expr)).toBe(0xa0002n);
    expect(valueOf(s.assign?.value.expr as Expr)).toBe(5n);
  });

  it('memlat monitor: keys and a flag between and after the arguments', () => {
    const s = stmt('memlat monitor 0 cpus=[4..7] compute map=[[1,2],[3,4]]');
    expect(s.verb).toBe('memlat monitor');
    expect(argValues(s)).toEqual([0n]);
    expect(valueOf(key(s, 'cpus').expr)).toEqual([4n, 5n, 6n, 7n]);
    expect(valueOf(key(s, 'map').expr)).toEqual([[1n, 2n], [3n, 4n]]);
    expect([...s.flags]).toEqual(['compute']);
  });

  it('hvc: a call name, keys and a list payload', () => {
    const s = stmt('hvc HVCALL_POST_MESSAGE connection=1 type=42 payload=[0xdead, 0xbeef]');
    expect(s.verb).toBe('hvc');
    expect(s.args.map((a) => a.word)).toEqual(['HVCALL_POST_MESSAGE']);
    expect(valueOf(key(s, 'connection').expr)).toBe(1n);
    expect(valueOf(key(s, 'type').expr)).toBe(42n);
    expect(valueOf(key(s, 'payload').expr)).toEqual([0xdeadn, 0xbeefn]);
  });

  it('hvc raw: `raw` is a sub-verb, not the call argument', () => {
    const s = stmt('hvc raw control=0x10051 input=0x1000');
    expect(s.verb).toBe('hvc raw');
    expect(s.args).toEqual([]);
    expect(valueOf(key(s, 'control').expr)).toBe(0x10051n);
    expect(valueOf(key(s, 'input').expr)).toBe(0x1000n);
  });

  it('fork as child: two word arguments', () => {
    expect(stmt('fork as child').args.map((a) => a.word)).toEqual(['as', 'child']);
    expect(stmt('fork').args).toEqual([]);
  });

  it('mmap: values, a word key, a name key and a flag', () => {
    const s = stmt('mmap 0x7f00_0000_0000 64K prot=rw shared file=x');
    expect(argValues(s)).toEqual([0x7f00_0000_0000n, 65536n]);
    expect(key(s, 'prot').word).toBe('rw');
    expect(key(s, 'file').word).toBe('x');
    expect([...s.flags]).toEqual(['shared']);
  });

  it('follow_page: `A|B` and `A | B` are one flags value', () => {
    for (const line of ['follow_page 0x1000 flags=FOLL_LRU|FOLL_MLOCK', 'follow_page 0x1000 flags=FOLL_LRU | FOLL_MLOCK']) {
      const s = stmt(line);
      expect(argValues(s)).toEqual([0x1000n]);
      const flags = key(s, 'flags').expr;
      expect(flags.k === 'binary' && flags.op).toBe('|');
      expect(valueOf(flags)).toBe(0x100000n | 0x1000n);
    }
  });

  it('repeat: a block, nested blocks keep their bodies', () => {
    const p = parseOk(['repeat 3 {', '  print 1', '  repeat 2 {', '    print 2', '  }', '}', 'print 3'].join('\n'));
    expect(p.stmts.map((s) => s.verb)).toEqual(['repeat', 'print']);
    const outer = p.stmts[0] as Stmt;
    expect(argValues(outer)).toEqual([3n]);
    expect(outer.body?.map((s) => [s.verb, s.line])).toEqual([['print', 2], ['repeat', 3]]);
    expect(outer.body?.[1]?.body?.map((s) => [s.verb, s.line])).toEqual([['print', 4]]);
  });

  it('proc and call: the proc is defined by name and call refers to it', () => {
    const p = parseOk(['proc setup {', '  hugetlb file f', '  region_chg f 0 1', '}', 'call setup', 'call setup'].join('\n'));
    expect([...p.procs.keys()]).toEqual(['setup']);
    expect(p.procs.get('setup')?.body?.map((s) => s.verb)).toEqual(['hugetlb file', 'region_chg']);
    expect(p.stmts.map((s) => s.verb)).toEqual(['proc', 'call', 'call']);
    expect(p.stmts[1]?.args[0]?.word).toBe('setup');
  });

  it('a proc may be called before its definition', () => {
    parseOk(['call later', 'proc later {', '  print 1', '}'].join('\n'));
  });

  it('keeps the statement text trimmed and its range', () => {
    const s = parseOk('  region_chg f 0 1   # comment').stmts[0] as Stmt;
    expect(s.text).toBe('region_chg f 0 1   # comment');
    expect([s.range.col, s.line]).toEqual([3, 1]);
  });
});

describe('pairs and flags may stand anywhere after the verb', () => {
  it('memlat monitor: keys and flag before the argument', () => {
    const a = stmt('memlat monitor 0 cpus=[4..7] compute map=[[1,2],[3,4]]');
    const b = stmt('memlat monitor cpus=[4..7] compute map=[[1,2],[3,4]] 0');
    const c = stmt('memlat monitor compute map=[[1,2],[3,4]] 0 cpus=[4..7]');
    for (const s of [b, c]) {
      expect(argValues(s)).toEqual(argValues(a));
      expect(valueOf(key(s, 'cpus').expr)).toEqual(valueOf(key(a, 'cpus').expr));
      expect(valueOf(key(s, 'map').expr)).toEqual(valueOf(key(a, 'map').expr));
      expect([...s.flags]).toEqual(['compute']);
    }
  });

  it('hvc: a flag before the call name', () => {
    const s = stmt('hvc fast HVCALL_SIGNAL_EVENT connection=2');
    expect(s.args.map((a) => a.word)).toEqual(['HVCALL_SIGNAL_EVENT']);
    expect([...s.flags]).toEqual(['fast']);
  });

  it('region_add: a key between positional arguments', () => {
    const s = stmt('region_add f regions_needed=2 0 5');
    expect(argValues(s)).toEqual(['f', 0n, 5n]);
    expect(valueOf(key(s, 'regions_needed').expr)).toBe(2n);
  });

  it('a key may be written with spaces around `=`', () => {
    const s = stmt('inject enomem count = 3');
    expect(valueOf(key(s, 'count').expr)).toBe(3n);
  });
});

describe('the word-argument rule', () => {
  it('`region_chg f 2 -1` is three arguments: f, 2 and -1', () => {
    expect(argValues(stmt('region_chg f 2 -1'))).toEqual(['f', 2n, -1n]);
  });

  it('an operator with no space before it continues the argument', () => {
    expect(argValues(stmt('region_chg f 2-1 3'))).toEqual(['f', 1n, 3n]);
    expect(argValues(stmt('region_chg f 1+1 3'))).toEqual(['f', 2n, 3n]);
  });

  it('parentheses make one argument of anything', () => {
    expect(argValues(stmt('region_chg f (2 -1) (1 + 2)'))).toEqual(['f', 1n, 3n]);
  });

  it('`2 - 1` with spaces on both sides is one argument', () => {
    expect(errors('region_chg f 2 - 1')).toEqual(["t.kstep:1:19: error: 'region_chg' needs <t>"]);
  });

  it('other binary operators continue across spaces', () => {
    expect(argValues(stmt('region_chg f 1 << 2 4 * 2'))).toEqual(['f', 4n, 8n]);
  });

  it('an index must touch its operand: `a [1]` is two arguments', () => {
    expect(errors('hugetlb file f [1]')[0]).toMatch(/^t\.kstep:1:16: error: unexpected argument for 'hugetlb file'/);
  });
});

describe('parse errors', () => {
  it.each([
    ['unknown verb', 'frobnicate 1', "t.kstep:1:1: error: unknown statement 'frobnicate'"],
    ['unknown verb with leading space', '   frob', "t.kstep:1:4: error: unknown statement 'frob'"],
    ['a line starting with a value', '42', "t.kstep:1:1: error: expected a statement but found '42'"],
    ['unknown key', 'region_add f 0 1 regions=1', "t.kstep:1:18: error: unknown key 'regions' for 'region_add': did you mean regions_needed?"],
    ['key on a verb without keys', 'advance 1s x=1', "t.kstep:1:12: error: unknown key 'x' for 'advance'"],
    ['missing argument', 'region_chg f 0', "t.kstep:1:15: error: 'region_chg' needs <t>"],
    ['missing all arguments', 'region_del', "t.kstep:1:11: error: 'region_del' needs <file>"],
    ['missing required key', 'partition', "t.kstep:1:10: error: 'partition' needs vps=<value>"],
    ['missing expression', 'expect', "t.kstep:1:7: error: 'expect' needs an expression"],
    ['missing value after key', 'inject enomem count=', 't.kstep:1:21: error: expected a value'],
    ['missing sub-verb', 'hugetlb', "t.kstep:1:1: error: 'hugetlb' needs one of: pool, file, reserve, overcommit, mount, punch, truncate"],
    ['unknown sub-verb', 'scmi reboot', "t.kstep:1:6: error: 'scmi' needs one of: probe, set_param, get_param, message, start, stop"],
    ['too many arguments', 'region_chg f 0 1 2', "t.kstep:1:18: error: unexpected argument for 'region_chg' (it takes <file> <f> <t>)"],
    ['an argument to a verb without any', 'scmi probe now', "t.kstep:1:12: error: unexpected argument for 'scmi probe' (it takes no positional arguments)"],
    ['bad number', 'region_chg f 0 1x', "t.kstep:1:16: error: bad number '1x': unknown suffix 'x' (sizes K M G, durations ns us ms s)"],
    ['duplicate key', 'inject enomem count=1 count=2', "t.kstep:1:23: error: 'count' is given twice"],
    ['duplicate flag', 'mmap 0 4K shared shared', "t.kstep:1:18: error: 'shared' is given twice"],
    ['value instead of a name', 'hugetlb file 42', 't.kstep:1:14: error: <name> must be a name'],
    ['word not in its set', 'mprotect 0 4K rwz', "t.kstep:1:15: error: <prot> must be one of none, r, rw, rwx, not 'rwz'"],
    ['key word not in its set', 'device gpu type=magic', "t.kstep:1:17: error: type must be one of private, coherent, host, not 'magic'"],
    ['block header without `{`', 'repeat 3', "t.kstep:1:9: error: 'repeat' must end with '{'"],
    ['unclosed parenthesis', 'expect (1 + 2', "t.kstep:1:14: error: expected ')' before end of line"],
    ['unclosed list', 'print [1, 2', "t.kstep:1:12: error: expected ']' before end of line"],
    ['junk after an expression', 'expect 1 2', "t.kstep:1:10: error: unexpected '2' after the expression"],
    ['register and assignment together', 'vpreg SINT2 SINT3 = 1', "t.kstep:1:7: error: 'vpreg' takes either a register or 'REG = value', not both"],
    ['len with two arguments', 'print len(1, 2)', 't.kstep:1:7: error: len() takes exactly one argument'],
    ['stray `}`', 'print 1\n}', "t.kstep:2:1: error: '}' without an open block"],
    ['junk after `}`', 'repeat 1 {\n} x', "t.kstep:2:3: error: unexpected 'x' after '}'"],
    ['unclosed block', 'repeat 2 {\n  print 1', "t.kstep:1:1: error: 'repeat' block is not closed with '}'"],
    ['unclosed proc', 'proc p {\n  print 1', "t.kstep:1:1: error: 'proc' block is not closed with '}'"],
    ['call of an undefined proc', 'call nope', "t.kstep:1:6: error: no proc named 'nope'"],
    ['proc defined twice', 'proc p {\n}\nproc p {\n}', "t.kstep:3:6: error: proc 'p' is already defined"],
    ['proc inside a block', 'repeat 1 {\n  proc p {\n  }\n}', 't.kstep:2:3: error: proc must be defined at the top level'],
  ])('%s', (_what, source, message) => {
    expect(errors(source)).toEqual([message]);
  });

  it('uses the file name it was given', () => {
    expect(errors('frob', 'dir/sub/s.kstep')).toEqual(["dir/sub/s.kstep:1:1: error: unknown statement 'frob'"]);
  });

  it('reports all errors of a file in line order, not just the first', () => {
    const source = [
      'hugetlb file f', //                  1 fine
      'frobnicate 1', //                    2 unknown verb
      'region_add f 0 1 regions=1', //      3 unknown key
      'region_chg f 0', //                  4 missing argument
      'region_chg f 0 1 2', //              5 too many
      'print 0x1__2', //                    6 bad number
      'inject enomem count=1 count=2', //   7 duplicate key
      '}', //                               8 stray }
      'call nope', //                       9 undefined proc
      'repeat 2 {', //                      10 never closed
      '  print @', //                       11 unexpected character
    ].join('\n');
    expect(errors(source)).toEqual([
      "t.kstep:2:1: error: unknown statement 'frobnicate'",
      "t.kstep:3:18: error: unknown key 'regions' for 'region_add': did you mean regions_needed?",
      "t.kstep:4:15: error: 'region_chg' needs <t>",
      "t.kstep:5:18: error: unexpected argument for 'region_chg' (it takes <file> <f> <t>)",
      "t.kstep:6:7: error: bad number '0x1__2'",
      "t.kstep:7:23: error: 'count' is given twice",
      "t.kstep:8:1: error: '}' without an open block",
      "t.kstep:9:6: error: no proc named 'nope'",
      "t.kstep:10:1: error: 'repeat' block is not closed with '}'",
      "t.kstep:11:9: error: unexpected character '@'",
    ]);
  });

  it('checks the lines inside a block whose header is bad, and closes it at its `}`', () => {
    expect(errors(['repeat {', '  frob', '}', 'print 1'].join('\n'))).toEqual([
      "t.kstep:1:8: error: 'repeat' needs <count>",
      "t.kstep:2:3: error: unknown statement 'frob'",
    ]);
  });

  it('a block header with a lexical error still opens its block', () => {
    // The bad count is the only error: the `}` on line 3 closes that block
    // and must not be reported as a stray brace.
    expect(errors(['repeat 3x {', '  print 1', '}'].join('\n'))).toEqual([
      "t.kstep:1:8: error: bad number '3x': unknown suffix 'x' (sizes K M G, durations ns us ms s)",
    ]);
  });

  it('a closing brace with a lexical error after it still closes its block', () => {
    expect(errors(['repeat 3 {', '  print 1', '} @'].join('\n'))).toEqual([
      "t.kstep:3:3: error: unexpected character '@'",
    ]);
  });

  it('runs nothing when there is any error, and exits 2', () => {
    const source = ['print "first"', 'hugetlb file f', 'region_chg f 0 1', 'print "middle"', 'region_chg f 0', 'print "last"'].join('\n');
    const r = cli(source);
    expect(r.code).toBe(2);
    expect(r.out).toEqual([]);
    expect(r.err).toEqual(["t.kstep:5:15: error: 'region_chg' needs <t>", '1 error; nothing was run']);
  });

  it('counts the errors in its summary', () => {
    const r = cli('frob\nfrob\nfrob');
    expect(r.code).toBe(2);
    expect(r.out).toEqual([]);
    expect(r.err[r.err.length - 1]).toBe('3 errors; nothing was run');
    expect(r.err).toHaveLength(4);
  });
});
