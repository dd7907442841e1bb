/**
 * Fuzzing the scenario front end and the step engine with a fixed seed.
 *
 * Half of the scenarios come from a generator that follows the grammar of
 * SCENARIO.md and the statement table (src/sim/scenario/statements.ts): they
 * must all parse cleanly. The other half are mutations of valid scenarios
 * (characters deleted, inserted or duplicated, tokens swapped, lines
 * truncated, random bytes including non-ASCII and control characters,
 * unbalanced brackets and braces).
 *
 * For every scenario: parsing never throws; every diagnostic has a line and
 * a column inside the file; a scenario that parses runs (within a step
 * budget) without any exception escaping, and a scenario error stop names a
 * line and column inside the file too.
 *
 * A failure prints the seed, the case number and the scenario text, so it
 * reproduces from this file alone.
 */
import { describe, expect, it } from 'vitest';
import { createSimulation, loadScenario, REGISTRY } from '../../src/sim';
import type { Stop } from '../../src/sim/core/machine';
import type { SourceRange } from '../../src/sim/scenario/diagnostics';
import { formatDiagnostic } from '../../src/sim/scenario/diagnostics';
import type { KeySpec, PosSpec, VerbSpec } from '../../src/sim/scenario/verbs';

const VERBS = REGISTRY.verbs.specs;
import { CONSTANTS } from '../../src/sim/scenario/constants';
import { stateJson } from '../../src/cli/run';
import { Rng } from '../support/rng';

const SEED = 0x6b73_7465; // "kste"
const GRAMMAR_CASES = 5_000;
const MUTATION_CASES = 5_000;
const SLICE = 100_000;
const MAX_SLICES = 3;
const MAX_REPEAT = 50;
const FILE = 'fuzz.kstep';

// ---- grammar generator ------------------------------------------------------

const FILES = ['f', 'g'];
const PROCS = ['p', 'q', 'setup'];
const NAMES = ['gpu', 'cxl', 'child', 'init', 'x', 'hf'];
const SYMBOLS = ['none', 'present', 'device_private', 'coherent', 'DEVICE', 'SCAN_PAGE_NULL', 'SELF'];
const CONSTANT_NAMES = [...CONSTANTS.keys()];
const PATHS = [
  'resv.f.regions',
  'resv.f.regions[0]',
  'resv.f.regions[0][1]',
  'resv.f.adds_in_progress',
  'resv.f.region_cache_count',
  'resv.g.regions',
  'len(resv.f.regions)',
  'last.ret',
  'last.regions_needed',
  'last',
  'time.ns',
  'time.ticks',
  'hugetlb.inject_enomem',
  'hugetlb.files',
  'resv',
];
/** Every state root, from a machine: paths into them mostly name nothing in a generated scenario. */
const ROOTS = createSimulation(loadScenario(FILE, '').program).machine.rootNames();
const BINOPS = ['==', '!=', '<', '<=', '>', '>=', '&&', '||', '+', '-', '*', '/', '%', '&', '|', '^', '<<', '>>'];
const STRING_PIECES = ['a', 'hello', ' ', '\\n', '\\t', '\\"', '\\\\', '\\x41', '\\x7e', 'é', '☃', '#', '{', '}'];

/** The statement table's verbs: the general ones (blocks and `call` are generated apart), and each mechanism's. */
const GENERAL = VERBS.filter((v) => v.section === 'general' && !v.block && v.verb !== 'call' && v.verb !== 'kernel');
const MECHANISMS: ReadonlyArray<readonly VerbSpec[]> = [...new Set(VERBS.map((v) => v.section))]
  .filter((section) => section !== 'general')
  .map((section) => VERBS.filter((v) => v.section === section));

function genNumber(r: Rng): string {
  switch (r.int(0, 11)) {
    case 0: return `0x${r.int(0, 0xffff).toString(16)}`;
    case 1: return `0b${r.int(0, 31).toString(2)}`;
    case 2: return `${r.int(1, 9)}_${String(r.int(0, 999)).padStart(3, '0')}`;
    case 3: return `${r.int(1, 64)}${r.pick(['K', 'M', 'G'])}`;
    case 4: return `${r.int(1, 999)}${r.pick(['ns', 'us', 'ms', 's'])}`;
    case 5: return r.pick(['0xffff_ffff_ffff_ffff', '18446744073709551615', '9007199254740993', '0x7f00_0000_0000']);
    default: return String(r.int(0, 12));
  }
}

function genString(r: Rng): string {
  let s = '';
  for (let n = r.int(0, 4); n > 0; n--) s += r.pick(STRING_PIECES);
  return `"${s}"`;
}

function genAtom(r: Rng): string {
  switch (r.int(0, 9)) {
    case 0: return genString(r);
    case 1: return r.pick(CONSTANT_NAMES);
    // A symbol has no number: beside an arithmetic operator it is a parse error (numeric_operands.ts), so it is
    // generated where it means something, compared by name.
    case 2: return `(${r.pick(SYMBOLS)} ${r.pick(['==', '!='])} ${r.chance(0.5) ? r.pick(SYMBOLS) : genNumber(r)})`;
    case 3: return r.pick(['true', 'false']);
    case 4:
    case 5: return r.chance(0.05) ? genRootPath(r) : r.pick(PATHS);
    default: return genNumber(r);
  }
}

/** A state root, then up to two fields or indexes. */
function genRootPath(r: Rng): string {
  let path = r.pick(ROOTS);
  for (let n = r.int(0, 2); n > 0; n--) path += r.chance(0.5) ? `[${r.int(0, 3)}]` : `.${r.pick([...FILES, ...NAMES])}`;
  return path;
}

function genList(r: Rng, depth: number): string {
  const items: string[] = [];
  for (let n = r.int(0, 4); n > 0; n--) {
    if (r.chance(0.25)) {
      const a = r.int(-3, 10);
      items.push(`${a}..${a + r.int(-1, 8)}`);
    } else items.push(genExpr(r, depth - 1));
  }
  return `[${items.join(r.pick([', ', ',']))}]`;
}

function genExpr(r: Rng, depth = 3): string {
  if (depth <= 0) return genAtom(r);
  switch (r.int(0, 9)) {
    case 0: return `${r.pick(['-', '!', '~'])}${genExpr(r, depth - 1)}`;
    case 1: return `(${genExpr(r, depth - 1)})`;
    case 2: return genList(r, depth);
    case 3: return `len(${r.chance(0.5) ? genList(r, depth) : genExpr(r, depth - 1)})`;
    case 4:
    case 5:
    case 6: return `${genExpr(r, depth - 1)} ${r.pick(BINOPS)} ${genExpr(r, depth - 1)}`;
    default: return genAtom(r);
  }
}

/** A comparison, the usual shape of an `expect`. */
function genCondition(r: Rng): string {
  if (r.chance(0.3)) return genExpr(r);
  return `${genExpr(r, 2)} ${r.pick(['==', '!=', '<', '<=', '>', '>='])} ${genExpr(r, 2)}`;
}

/** One whitespace-separated argument: compound expressions go in parentheses. */
function genWordValue(r: Rng): string {
  if (r.chance(0.6)) return String(r.int(0, 12));
  if (r.chance(0.2)) return `-${r.int(1, 5)}`;
  if (r.chance(0.3)) return genNumber(r);
  if (r.chance(0.3)) return genList(r, 2);
  return `(${genExpr(r, 2)})`;
}

function genSpecValue(r: Rng, spec: KeySpec | PosSpec, verb: VerbSpec): string {
  if (spec.kind === 'word') return r.pick(spec.words ?? ['x']);
  if (spec.kind === 'name') return verb.section === 'hugetlb' ? r.pick(FILES) : r.pick(NAMES);
  return genWordValue(r);
}

/** State paths that exist in a tame scenario (it always starts with `hugetlb file f`). */
const TAME_PATHS = ['time.ns', 'time.ticks', 'len(resv.f.regions)', 'resv.f.adds_in_progress', 'resv.f.region_cache_count', 'hugetlb.inject_enomem', 'resv.f.regions'];

/** An expression that evaluates without error in a tame scenario: no division, small shifts, existing paths. */
function genTameExpr(r: Rng, depth = 2): string {
  if (depth <= 0 || r.chance(0.4)) {
    switch (r.int(0, 4)) {
      case 0: return r.pick(TAME_PATHS.slice(0, -1));
      case 1: return r.pick(['ENOMEM', 'HV_STATUS_SUCCESS', 'FOLL_LRU', 'true']);
      default: return genNumber(r);
    }
  }
  if (r.chance(0.2)) return `(${genTameExpr(r, depth - 1)})`;
  if (r.chance(0.2)) return `${r.pick(['-', '~', '!'])}${genTameExpr(r, depth - 1)}`;
  if (r.chance(0.2)) return `${genTameExpr(r, depth - 1)} << ${r.int(0, 70)}`;
  return `${genTameExpr(r, depth - 1)} ${r.pick(['+', '-', '*', '&', '|', '^', '==', '!=', '<', '>=', '&&', '||'])} ${genTameExpr(r, depth - 1)}`;
}

/** A statement that should not stop the run: the runner then goes deep into repeats, procs and kernel frames. */
function genTameStatement(r: Rng, indent: string, out: string[]): void {
  const a = r.int(0, 40);
  const b = a + r.int(0, 12);
  switch (r.int(0, 9)) {
    case 0:
    case 1:
    case 2:
      out.push(`${indent}region_chg f ${a} ${b}`, `${indent}region_add f ${a} ${b}`);
      return;
    case 3:
      out.push(`${indent}${r.pick(['region_del', 'region_count'])} f ${a} ${b}`);
      return;
    case 4:
    case 5: {
      const x = genTameExpr(r);
      out.push(`${indent}expect ${r.pick([`${x} == ${x}`, 'len(resv.f.regions) >= 0', `[${x}, 1..3] == [${x}, 1, 2, 3]`, 'resv.f.adds_in_progress == 0'])}`);
      return;
    }
    case 6:
    case 7:
      out.push(`${indent}print ${genTameExpr(r)}, ${r.pick(TAME_PATHS)}, ${genString(r)}`);
      return;
    default:
      out.push(`${indent}advance ${r.int(1, 999)}${r.pick(['ns', 'us', 'ms', 's'])}`);
  }
}

interface GenCtx {
  /** Only statements that should succeed (see genTameStatement). */
  tame: boolean;
  depth: number;
  /** Product of the enclosing repeat counts, so nested repeats stay small. */
  weight: number;
  procs: string[];
}

function genLine(r: Rng, ctx: GenCtx, out: string[], indent: string): void {
  const roll = r.int(0, 99);
  if (roll < 8 && ctx.depth < 3) {
    const n = r.int(0, Math.max(0, Math.min(MAX_REPEAT, Math.floor(200 / ctx.weight))));
    out.push(`${indent}repeat ${n} {`);
    const inner: GenCtx = { ...ctx, depth: ctx.depth + 1, weight: ctx.weight * Math.max(1, n) };
    for (let k = r.int(0, 4); k > 0; k--) genLine(r, inner, out, `${indent}  `);
    out.push(`${indent}}`);
    return;
  }
  if (roll < 12 && ctx.procs.length) {
    out.push(`${indent}call ${r.pick(ctx.procs)}`);
    return;
  }
  if (roll < 15) {
    out.push(r.pick(['', '# a comment', `${indent}# region_chg f 0 1 @ "unbalanced {`]));
    return;
  }
  if (ctx.tame) {
    genTameStatement(r, indent, out);
    return;
  }
  const verb = roll < 45 ? r.pick(GENERAL) : r.pick(r.pick(MECHANISMS));
  out.push(indent + genStatement(r, verb) + (r.chance(0.05) ? '  # trailing' : ''));
}

function genStatement(r: Rng, v: VerbSpec): string {
  switch (v.verb) {
    case 'expect':
      return `expect ${genCondition(r)}`;
    case 'print': {
      const items: string[] = [];
      for (let n = r.int(1, 3); n > 0; n--) items.push(genExpr(r, 2));
      return `print ${items.join(', ')}`;
    }
    case 'advance':
      return `advance ${r.chance(0.9) ? `${r.int(0, 500)}${r.pick(['ns', 'us', 'ms', 's'])}` : genWordValue(r)}`;
  }
  // Optional arguments come in order: a prefix of them.
  const positional: string[] = [];
  for (const a of v.args) {
    if (a.optional && !r.chance(0.6)) break;
    positional.push(genSpecValue(r, a, v));
  }
  const pairs: string[] = [];
  for (const [k, spec] of Object.entries(v.keys ?? {})) {
    if ((v.required ?? []).includes(k) || r.chance(0.3)) pairs.push(`${k}=${genSpecValue(r, spec, v)}`);
  }
  const flags = (v.flags ?? []).filter(() => r.chance(0.3));
  let assign: string | undefined;
  if (v.assign && positional.length === 0 && r.chance(0.6)) {
    assign = `${r.pick(['SINT2', 'HV_REGISTER_SINT2', 'SIMP', '0xA0002'])}${r.pick([' = ', '='])}${genWordValue(r)}`;
  } else if (v.assign && positional.length === 0) positional.push(r.pick(['SINT2', 'SCONTROL', 'VPINDEX']));
  // Pairs and flags may stand anywhere after the verb: shuffle them in among the positionals.
  const parts = [...positional];
  for (const e of [...pairs, ...flags, ...(assign ? [assign] : [])]) parts.splice(r.int(0, parts.length), 0, e);
  return [v.verb, ...parts].join(' ');
}

function genScenario(r: Rng): string {
  const out: string[] = [];
  const procs: string[] = [];
  const tame = r.chance(0.5);
  if (tame || r.chance(0.8)) out.push('hugetlb file f');
  if (r.chance(0.3)) out.push('hugetlb file g');
  // Procs first; a proc body calls only the procs defined before it, so there is no recursion.
  for (let n = r.int(0, 2); n > 0; n--) {
    const name = PROCS[procs.length] as string;
    const body: string[] = [];
    for (let k = r.int(0, 4); k > 0; k--) genLine(r, { tame, depth: 1, weight: 1, procs: [...procs] }, body, '  ');
    out.push(`proc ${name} {`, ...body, '}');
    procs.push(name);
  }
  for (let n = r.int(1, 14); n > 0; n--) genLine(r, { tame, depth: 0, weight: 1, procs }, out, '');
  return out.join(r.chance(0.1) ? '\r\n' : '\n');
}

// ---- mutations --------------------------------------------------------------

const SEEDS = [
  ['hugetlb file f', 'region_chg f 0 1', 'region_add f 0 1', 'expect resv.f.regions == [[0, 1]]'].join('\n'),
  ['proc p {', '  region_chg f 10 11', '  region_add f 10 11', '}', 'hugetlb file f', 'repeat 3 {', '  call p', '}', 'print len(resv.f.regions)'].join('\n'),
  ['hugetlb file g', 'inject enomem count=1', 'region_chg g 0 10', 'expect last.ret == -ENOMEM', 'region_abort g 0 10 regions_needed=1'].join('\n'),
  ['advance 8ms', 'expect time.ticks == 80000', 'print "t=", time.ns, [0..3], 0xffff_ffff_ffff_ffff'].join('\n'),
  ['memlat monitor 0 cpus=[4..7] compute map=[[1,2],[3,4]]', 'hvc HVCALL_POST_MESSAGE connection=1 type=42 payload=[0xdead, 0xbeef]'].join('\n'),
  ['vpreg vp=1 SINT2 = 0x22', 'follow_page 0x1000 flags=FOLL_LRU | FOLL_MLOCK', 'mmap 0x7f00_0000_0000 64K prot=rw shared file=x'].join('\n'),
];

const NASTY = [
  '{', '}', '[', ']', '(', ')', '"', '\\', '#', '=', ',', '..', '.', '-', '_', '0x', '0b', 'K', 'ms', ' ', '\t', '\r',
  '\u0000', '\u0007', '\u001b', '\u007f', 'é', '☃', '😀', '\ud800', '\udfff', '\u200b', '\ufeff', '\u2028', 'ﬀ', '\n',
  '@', '$', ';', '?', '`', "'", '~', '!', '<<', '>>', '&&', '||', '9', '0xffff_ffff_ffff_ffff_ff', '18446744073709551616',
];

function randomChar(r: Rng): string {
  if (r.chance(0.5)) return r.pick(NASTY);
  if (r.chance(0.7)) return String.fromCharCode(r.int(0, 0x7f));
  return String.fromCodePoint(r.int(0x80, 0x10ffff) & ~0x800 /* avoid lone surrogates here */);
}

function mutate(r: Rng, src: string): string {
  let s = src;
  for (let n = r.int(1, 4); n > 0; n--) {
    const at = r.int(0, s.length);
    switch (r.int(0, 9)) {
      case 0: // delete a run of characters
        s = s.slice(0, at) + s.slice(at + r.int(1, 4));
        break;
      case 1: { // insert random characters
        let ins = '';
        for (let k = r.int(1, 5); k > 0; k--) ins += randomChar(r);
        s = s.slice(0, at) + ins + s.slice(at);
        break;
      }
      case 2: { // duplicate a span
        const len = r.int(1, 12);
        s = s.slice(0, at) + s.slice(at, at + len) + s.slice(at);
        break;
      }
      case 3: { // swap two tokens on one line
        const lines = s.split('\n');
        const li = r.int(0, lines.length - 1);
        const toks = (lines[li] as string).split(' ');
        if (toks.length > 1) {
          const a = r.int(0, toks.length - 1);
          const b = r.int(0, toks.length - 1);
          [toks[a], toks[b]] = [toks[b] as string, toks[a] as string];
          lines[li] = toks.join(' ');
        }
        s = lines.join('\n');
        break;
      }
      case 4: { // truncate a line
        const lines = s.split('\n');
        const li = r.int(0, lines.length - 1);
        lines[li] = (lines[li] as string).slice(0, r.int(0, (lines[li] as string).length));
        s = lines.join('\n');
        break;
      }
      case 5: { // delete or duplicate a whole line
        const lines = s.split('\n');
        const li = r.int(0, lines.length - 1);
        if (r.chance(0.5)) lines.splice(li, 1);
        else lines.splice(li, 0, lines[li] as string);
        s = lines.join('\n');
        break;
      }
      case 6: // unbalanced brackets and braces
        s = s.slice(0, at) + r.pick(['{', '}', '\n}', '[', ']', '(', ')', 'repeat 2 {\n', '\n}\n}', '[[', ']]']) + s.slice(at);
        break;
      case 7: { // replace a digit
        const digits = [...s.matchAll(/[0-9]/g)];
        if (digits.length) {
          const d = r.pick(digits).index;
          s = s.slice(0, d) + r.pick(['0', '9', '99', '_', 'x', 'K', '..', '-1', '0xffff_ffff']) + s.slice(d + 1);
        }
        break;
      }
      case 8: { // flip an operator
        const ops = [...s.matchAll(/==|!=|<=|>=|&&|\|\||<<|>>|[+\-*/%&|^<>=,]/g)];
        if (ops.length) {
          const o = r.pick(ops);
          s = s.slice(0, o.index) + r.pick(BINOPS) + s.slice(o.index + o[0].length);
        }
        break;
      }
      default: // random bytes anywhere, control characters included
        s = s.slice(0, at) + String.fromCharCode(r.int(0, 31)) + randomChar(r) + s.slice(at);
    }
  }
  return s;
}

// ---- checks -----------------------------------------------------------------

interface Stats {
  parsed: number;
  rejected: number;
  ended: number;
  errorStops: number;
  expectStops: number;
  bugStops: number;
  budget: number;
}

function newStats(): Stats {
  return { parsed: 0, rejected: 0, ended: 0, errorStops: 0, expectStops: 0, bugStops: 0, budget: 0 };
}

/** Why a range does not point inside the file, or undefined when it does. */
function badRange(range: SourceRange | undefined, lines: readonly string[]): string | undefined {
  if (!range) return 'no range';
  const text = lines[range.line - 1];
  if (!Number.isInteger(range.line) || range.line < 1 || text === undefined) return `line ${range.line} outside 1..${lines.length}`;
  if (!Number.isInteger(range.col) || range.col < 1 || range.col > text.length + 1) return `column ${range.col} outside 1..${text.length + 1} on line ${range.line}`;
  if (range.endLine !== range.line || range.endCol < range.col) return `bad end ${range.endLine}:${range.endCol} for ${range.line}:${range.col}`;
  return undefined;
}

function runToStop(source: string): { stop: Stop | undefined; json: unknown } | { skipped: true } {
  const { program, diagnostics } = loadScenario(FILE, source);
  if (diagnostics.length) return { skipped: true };
  const { machine } = createSimulation(program);
  machine.startRun('continue');
  let stop: Stop | undefined;
  for (let i = 0; i < MAX_SLICES && !stop; i++) stop = machine.slice(SLICE);
  return { stop, json: stateJson(machine) };
}

/** What a stop says, comparable across runs. */
function stopKey(stop: Stop | undefined): string {
  if (!stop) return 'budget';
  const e = stop.exception;
  return `${stop.reason}${e ? ` ${e.kind} ${e.line ?? '-'} ${e.message}` : ''}`;
}

/** Checks one scenario; returns a description of the problem, or undefined. */
function check(source: string, stats: Stats, mustParse: boolean, replay: boolean): string | undefined {
  let loaded: ReturnType<typeof loadScenario>;
  try {
    loaded = loadScenario(FILE, source);
  } catch (e) {
    return `loadScenario threw: ${(e as Error).stack ?? String(e)}`;
  }
  const lines = loaded.program.lines;
  for (const d of loaded.diagnostics) {
    const bad = badRange(d.range, lines);
    if (bad) return `diagnostic "${formatDiagnostic(d)}": ${bad}`;
    if (d.file !== FILE || d.severity !== 'error' || !d.message) return `malformed diagnostic ${JSON.stringify(d)}`;
  }
  if (loaded.diagnostics.length) {
    stats.rejected++;
    if (mustParse) return `a grammar-generated scenario was rejected: ${loaded.diagnostics.map(formatDiagnostic).join(' | ')}`;
    return undefined;
  }
  stats.parsed++;
  let stop: Stop | undefined;
  let json: unknown;
  try {
    const { machine } = createSimulation(loaded.program);
    machine.startRun('continue');
    for (let i = 0; i < MAX_SLICES && !stop; i++) stop = machine.slice(SLICE);
    if (replay) json = stateJson(machine);
  } catch (e) {
    return `the run threw: ${(e as Error).stack ?? String(e)}`;
  }
  if (!stop) {
    stats.budget++;
  } else if (stop.reason === 'end') {
    stats.ended++;
  } else if (stop.reason === 'exception' && stop.exception) {
    const exc = stop.exception;
    if (exc.kind === 'error') {
      stats.errorStops++;
      const bad = badRange(exc.range, lines);
      if (bad) return `error stop "${exc.message}" (line ${exc.line}): ${bad}`;
      if (exc.line !== exc.range?.line) return `error stop line ${exc.line} differs from its range line ${exc.range?.line}`;
    } else {
      if (exc.kind === 'expect') stats.expectStops++;
      else if (exc.kind === 'bug') stats.bugStops++;
      else return `unexpected exception kind ${exc.kind}: ${exc.message}`;
      if (exc.line === undefined || exc.line < 1 || exc.line > lines.length) return `${exc.kind} stop at line ${exc.line} outside 1..${lines.length}`;
    }
  } else {
    return `unexpected stop ${JSON.stringify(stop)}`;
  }
  if (replay) {
    // SCENARIO.md §8: same scenario, same result.
    const again = runToStop(source);
    if ('skipped' in again) return 'the second parse differed from the first';
    if (stopKey(again.stop) !== stopKey(stop) || JSON.stringify(again.json) !== JSON.stringify(json)) {
      return 'a second run of the same scenario ended differently';
    }
  }
  return undefined;
}

function report(kind: string, seed: number, i: number, source: string, problem: string): string {
  return `${kind} seed=${seed} case=${i}: ${problem}\n----- scenario -----\n${source}\n--------------------`;
}

describe('scenario fuzzing (fixed seed)', () => {
  it(`${GRAMMAR_CASES} grammar-generated scenarios parse cleanly and run without escaping exceptions`, () => {
    const r = new Rng(SEED);
    const stats = newStats();
    const problems: string[] = [];
    for (let i = 0; i < GRAMMAR_CASES; i++) {
      const source = genScenario(r);
      const p = check(source, stats, true, i % 20 === 0);
      if (p && problems.length < 5) problems.push(report('grammar', SEED, i, source, p));
    }
    expect(problems).toEqual([]);
    // The generator must exercise the runner, not just the parser.
    expect(stats.parsed).toBe(GRAMMAR_CASES);
    expect(stats.ended).toBeGreaterThan(GRAMMAR_CASES / 4);
    expect(stats.errorStops).toBeGreaterThan(GRAMMAR_CASES / 20);
    expect(stats.expectStops).toBeGreaterThan(GRAMMAR_CASES / 50);
  });

  it(`${MUTATION_CASES} mutated scenarios give located diagnostics or run without escaping exceptions`, () => {
    const r = new Rng(SEED ^ 0x5a5a5a5a);
    const gen = new Rng(SEED + 1);
    const stats = newStats();
    const problems: string[] = [];
    for (let i = 0; i < MUTATION_CASES; i++) {
      const base = i % 4 === 0 ? r.pick(SEEDS) : genScenario(gen);
      const source = mutate(r, base);
      const p = check(source, stats, false, i % 20 === 0);
      if (p && problems.length < 5) problems.push(report('mutation', SEED ^ 0x5a5a5a5a, i, source, p));
    }
    expect(problems).toEqual([]);
    // Mutations must produce both rejected and runnable scenarios.
    expect(stats.rejected).toBeGreaterThan(MUTATION_CASES / 10);
    expect(stats.parsed).toBeGreaterThan(MUTATION_CASES / 10);
  });
});
