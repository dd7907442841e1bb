/**
 * The program a parse keeps: the source and a statement index, each
 * statement parsed again from its line when it runs. Every error of the file,
 * the compile step's included, is still reported at load with its line and
 * column, and a program runs from the index as it ran from its tree.
 */
import { describe, expect, it } from 'vitest';
import type { MechanismDescriptor, Stmt } from '../../src/sim';
import { createSimulation, loadScenario, Registry, REGISTRY } from '../../src/sim';
import { MECHANISMS } from '../../src/sim/mechanisms';
import { ScenarioError } from '../../src/sim/scenario/diagnostics';
import { lexLine } from '../../src/sim/scenario/lexer';
import { parseStatement } from '../../src/sim/scenario/parser';
import { StmtKind } from '../../src/sim/scenario/program';
import { pe } from '../../src/sim/scenario/verbs';
import { Toy, toyMechanism } from '../support/toy/mechanism';
import { expectGotoExact, statements } from '../support/kit';

const SOURCE = [
  'hugetlb file f', //              1
  'proc setup {', //                2
  '  region_chg f 0 1', //          3
  '  region_add f 0 1', //          4
  '}', //                           5
  '', //                            6
  'repeat 2 {   # twice', //        7
  '  call setup', //                8
  '  repeat 3 {', //                9
  '    region_count f 0 1', //     10
  '  }', //                        11
  '}', //                          12
  'region_count f 0 1', //         13
  'region_count f 0 1', //         14
].join('\n');

function eager(text: string, line: number): Stmt {
  return parseStatement(line, text, lexLine('t.kstep', line, text, []), REGISTRY.verbs);
}

describe('the statement index', () => {
  const { program: p, diagnostics } = loadScenario('t.kstep', SOURCE);

  it('holds each statement line, its kind and the index past its block, in line order', () => {
    expect(diagnostics).toEqual([]);
    const ix = p.index;
    const rows = Array.from({ length: ix.count }, (_, i) => [ix.line(i), ix.kind(i), ix.next(i)]);
    expect(rows).toEqual([
      [1, StmtKind.Simple, 1],
      [2, StmtKind.Proc, 4],
      [3, StmtKind.Simple, 3],
      [4, StmtKind.Simple, 4],
      [7, StmtKind.Repeat, 8],
      [8, StmtKind.Call, 6],
      [9, StmtKind.Repeat, 8],
      [10, StmtKind.Simple, 8],
      [13, StmtKind.Simple, 9],
      [14, StmtKind.Simple, 10],
    ]);
    expect(p.procIndex.get('setup')).toBe(1);
  });

  it('parses a statement again from its line as the parser read it, the same line text twice included', () => {
    for (let i = 0; i < p.index.count; i++) {
      const line = p.index.line(i);
      expect(p.statement(i)).toEqual(eager(SOURCE.split('\n')[line - 1] as string, line));
    }
    expect(p.statement(9).range).toEqual({ line: 14, col: 1, endLine: 14, endCol: 19 });
  });

  it('binds a line to its statement or the next one that runs, never a proc header', () => {
    expect([1, 2, 5, 6, 11, 12, 14, 15].map((l) => p.index.bind(l))).toEqual([0, 2, 4, 4, 8, 8, 9, -1]);
    expect(p.column(7)).toBe(5);
  });

  it('builds the statement tree only when asked, blocks and procs in place', () => {
    expect(p.stmts.map((s) => s.verb)).toEqual(['hugetlb file', 'proc', 'repeat', 'region_count', 'region_count']);
    expect(p.stmts[2]?.body?.map((s) => s.verb)).toEqual(['call', 'repeat']);
    expect(p.stmts[2]?.body?.[1]?.body?.map((s) => s.line)).toEqual([10]);
    expect(p.procs.get('setup')?.body?.map((s) => s.line)).toEqual([3, 4]);
    expect(p.source).toBe(SOURCE);
    expect(p.lines).toEqual(SOURCE.split('\n'));
  });

  it('runs from the index: blocks, calls and repeats in order', () => {
    const m = createSimulation(p).machine;
    const lines = [m.statement?.line];
    for (const at of statements(m)) if (!at.ended) lines.push(at.statement?.line);
    expect(lines).toEqual([1, 7, 8, 9, 10, 10, 10, 8, 9, 10, 10, 10, 13, 14]);
    expectGotoExact(createSimulation(p, { history: true }).machine, 15, 20);
  });
});

describe('a compile error', () => {
  /** A verb whose compiler refuses a non-literal argument when it compiles, before anything runs. */
  const strict: MechanismDescriptor<Toy> = {
    ...toyMechanism,
    id: 'strict',
    verbs: [{ verb: 'strict', args: [pe('n')], summary: 'takes a literal number' }],
    scopes: [],
    roots: [],
    exceptionFilters: [],
    sources: [],
    breakpointAliases: [],
    create: () => ({
      subsystem: new Toy(),
      compilers: new Map([['strict', (s: Stmt) => {
        const a = s.args[0];
        if (a?.expr.k !== 'num') throw new ScenarioError('strict needs a literal number', a?.range);
        return () => undefined;
      }]]),
    }),
  };
  const registry = new Registry([...MECHANISMS, strict]);

  it('is reported at load with its line and column, with the parser errors, though its line never runs', () => {
    const src = 'strict 1\nproc never {\n  strict x\n}\nbogus\nstrict 2\n';
    const d = loadScenario('s.kstep', src, registry).diagnostics.map((x) => [x.range.line, x.range.col, x.message]);
    expect(d).toEqual([
      [3, 10, 'strict needs a literal number'],
      [5, 1, "unknown statement 'bogus'"],
    ]);
  });

  it('is reported on every line that has it, the same text twice included', () => {
    const d = loadScenario('s.kstep', 'strict y\nstrict 1\nstrict y\nstrict 1\n', registry).diagnostics.map((x) => x.range.line);
    expect(d).toEqual([1, 3]);
  });
});
