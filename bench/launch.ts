// Launching a million-line scenario: `kstep run`'s parse and build, and the
// debug adapter's launch up to the stop on entry, with the heap a statement
// keeps. The baseline parses and compiles the same statements eagerly and
// keeps every syntax tree and executor: the representation before the
// statement index.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { KstepSession } from '../src/adapter/session';
import type { Diagnostic, Stmt } from '../src/sim';
import { createSimulation, lexLine, loadScenario, readScenarioFile, REGISTRY } from '../src/sim';
import { compileSimple } from '../src/sim/scenario/compile';
import type { Exec } from '../src/sim/scenario/compile';
import { parseStatement } from '../src/sim/scenario/parser';
import { Dap, INIT } from './dap_client';
import { bigScenario } from './launch_scenario';
import { nowMs, report, reportPairs, spread } from './report';

const LINES = 1_000_000;
const PAIRS = 5;

function heapBytes(): number {
  global.gc?.();
  global.gc?.();
  const u = process.memoryUsage();
  return u.heapUsed + u.arrayBuffers;
}

/** What `kstep run` does before the first statement: read, parse (every error reported), build the machine. */
function launchHeadless(path: string): { keep: unknown; statements: number } {
  const read = readScenarioFile(path);
  if ('error' in read) throw new Error(read.error);
  const { program, diagnostics } = loadScenario(path, read.source);
  if (diagnostics.length) throw new Error(`the generated scenario has errors: ${diagnostics[0]?.message}`);
  const sim = createSimulation(program, { history: true });
  return { keep: [read, program, sim], statements: program.index.count };
}

/** The baseline: every statement lexed, parsed and compiled, its tree and executor kept, as the parser and compiler did before. */
function launchEager(path: string): { keep: unknown; statements: number } {
  const read = readScenarioFile(path);
  if ('error' in read) throw new Error(read.error);
  const { compilers } = createSimulation(loadScenario('empty.kstep', '').program);
  const lines = read.source.split('\n');
  const stmts: Stmt[] = [];
  const execs: Exec[] = [];
  const diags: Diagnostic[] = [];
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i] as string;
    const toks = lexLine(path, i + 1, text, diags);
    const first = toks[0];
    if (!first || first.kind === 'eol' || first.text === '}') continue;
    const s = parseStatement(i + 1, text, toks, REGISTRY.verbs);
    stmts.push(s);
    if (s.verb !== 'repeat' && s.verb !== 'proc' && s.verb !== 'call') execs.push(compileSimple(s, compilers));
  }
  if (diags.length) throw new Error(`the generated scenario has errors: ${diags[0]?.message}`);
  return { keep: [read, lines, stmts, execs], statements: stmts.length };
}

/** Wall milliseconds of one launch; its CPU milliseconds go to `cpu` (the machine may be shared: CPU time shows the work alone). */
function timed(launch: (path: string) => { keep: unknown }, path: string, cpu: number[]): number {
  heapBytes();
  const c0 = process.cpuUsage();
  const t0 = nowMs();
  launch(path);
  const ms = nowMs() - t0;
  const c = process.cpuUsage(c0);
  cpu.push((c.user + c.system) / 1000);
  return ms;
}

function cpuNote(xs: number[]): string {
  const s = spread(xs);
  return `CPU ${Math.round(s.min)}/${Math.round(s.median)}/${Math.round(s.max)} ms (min/median/max)`;
}

/** Heap kept per statement by a launch, measured alone on a collected heap. */
function heapPerStatement(launch: (path: string) => { keep: unknown; statements: number }, path: string): number {
  const before = heapBytes();
  const r = launch(path);
  const bytes = heapBytes() - before;
  if (r.keep === undefined) throw new Error('nothing kept');
  return bytes / r.statements;
}

/** A KstepSession in this process, DAP over a pair of in-memory streams. */
function inProcessAdapter(): { dap: Dap; close(): void } {
  const toAdapter = new PassThrough();
  const fromAdapter = new PassThrough();
  const session = new KstepSession();
  session.start(toAdapter, fromAdapter);
  return {
    dap: new Dap(toAdapter, fromAdapter),
    close: () => {
      session.end();
      toAdapter.end();
    },
  };
}

/** initialize + launch(stopOnEntry) + configurationDone written at once, until the stop on entry. */
async function dapLaunch(path: string): Promise<{ ms: number; bytes: number }> {
  const before = heapBytes();
  const t0 = nowMs();
  const a = inProcessAdapter();
  const stopped = a.dap.once('stopped');
  void a.dap.request('initialize', INIT);
  const launched = a.dap.request('launch', { program: path, stopOnEntry: true });
  void a.dap.request('configurationDone');
  const ev = (await stopped) as DebugProtocol.StoppedEvent;
  const ms = nowMs() - t0;
  const r = await launched;
  if (!r.success || ev.body.reason !== 'entry') throw new Error(`launch of ${path}: ${r.message ?? ev.body.reason}`);
  const bytes = heapBytes() - before;
  a.close();
  return { ms, bytes };
}

export async function benchLaunch(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'kstep-bench-launch-'));
  try {
    const big = join(dir, 'big.kstep');
    writeFileSync(big, bigScenario(LINES));
    const small = join(dir, 'small.kstep');
    writeFileSync(small, bigScenario(2_000));
    const statements = launchHeadless(big).statements;
    const mix = `a generated ${LINES.toLocaleString('en')}-line scenario (${statements.toLocaleString('en')} statements: region_*, vpreg, mmap/write/read/munmap, expect, print, repeat, call; comments and blank lines)`;

    const cpuA: number[] = [];
    const cpuB: number[] = [];
    const pairs = (): void => {
      for (let i = 0; i < PAIRS; i++) {
        a.push(timed(launchHeadless, big, cpuA));
        b.push(timed(launchEager, big, cpuB));
      }
    };
    const a: number[] = [];
    const b: number[] = [];
    pairs();
    let k = 0;
    reportPairs(
      { name: 'launch_1M_line_scenario', unit: 'ms', baseline: 'the same statements parsed and compiled eagerly, every tree and executor kept (the representation before)', goal: '<= 2000 ms', note: `read + parse and check every line + build the machine (kstep run before its first statement); ${cpuNote(cpuA)}, baseline ${cpuNote(cpuB)}; ${mix}` },
      PAIRS,
      () => a[k] as number,
      () => b[k++] as number,
    );
    const after = heapPerStatement(launchHeadless, big);
    const before = heapPerStatement(launchEager, big);
    report({
      name: 'launch_1M_line_scenario_heap_per_statement',
      value: after,
      unit: 'B/stmt',
      baseline: { name: 'every tree and executor kept (the representation before)', value: before },
      goal: '<= 300 B/stmt',
      note: `JS heap + array buffers kept after launch, source text included, divided by the statements of ${mix}`,
    });

    // The debug adapter: the big scenario against a 2,000-line one, both in this process over in-memory streams.
    const big1 = await dapLaunch(big);
    const subject: number[] = [];
    const floor: number[] = [];
    const bytes: number[] = [big1.bytes];
    for (let i = 0; i < PAIRS; i++) {
      const b = await dapLaunch(big);
      subject.push(b.ms);
      bytes.push(b.bytes);
      floor.push((await dapLaunch(small)).ms);
    }
    const sorted = [...subject].sort((x, y) => x - y);
    const fl = [...floor].sort((x, y) => x - y);
    const perStmt = Math.min(...bytes) / statements;
    report({
      name: 'dap_launch_1M_line_scenario',
      value: sorted[Math.floor(PAIRS / 2)] as number,
      unit: 'ms',
      baseline: { name: 'the same launch of a 2,000-line scenario', value: fl[Math.floor(PAIRS / 2)] as number },
      goal: '<= 2000 ms, <= 300 B/stmt',
      note: `in-process adapter: initialize + launch(stopOnEntry) + configurationDone -> stopped (entry), min ${Math.round(sorted[0] as number)} max ${Math.round(sorted[PAIRS - 1] as number)} ms over ${PAIRS}; adapter heap kept ${Math.round(perStmt)} B/stmt; ${mix}`,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
