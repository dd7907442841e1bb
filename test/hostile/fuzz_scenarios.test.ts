/**
 * Random scenarios over every mechanism's statements, with the arguments a
 * hostile file would give them: zero, negative, page-unaligned, 2^40, 2^63,
 * 2^64, million-element lists (issue 14, "done when").
 *
 * The statements come from the registry's verb table, so a new mechanism is
 * fuzzed without a change here; names are drawn from a few shared ones so
 * that statements meet the objects earlier ones created (a device, a file, a
 * mapping at a common address).
 *
 * Every scenario must parse without a throw and then end (run to its end,
 * an expect, a kernel BUG or a scenario error at a line): no JavaScript
 * error inside a statement (the engine's `internal` stop), and none that
 * takes seconds: a `repeat 1 << 40` ends at the step budget or, when its body
 * is a big statement, at the work budget, as a scenario error.
 */
import { describe, expect, it } from 'vitest';
import { createSimulation, loadScenario, REGISTRY } from '../../src/sim';
import { INTERNAL } from '../../src/sim/core/internal';
import type { KeySpec, PosSpec, VerbSpec } from '../../src/sim/scenario/verbs';
import { Rng } from '../support/rng';

const SEED = 0x68617264; // "hard"
const CASES = 8_000;
const MAX_STEPS = 20_000;
/** The work budget of one scenario: a loop of million-page statements ends in about a second. */
const MAX_WORK = 1 << 18;
/** One scenario may take this long (most take a millisecond; 20,000 step points of a loop take about one second on a loaded machine). */
const SLOW_MS = 10_000;
const FILE = 'fuzz.kstep';

const SPECS = REGISTRY.verbs.specs;
const SECTIONS = [...new Set(SPECS.map((v) => v.section))].filter((s) => s !== 'general');
const GENERAL = SPECS.filter((v) => v.section === 'general' && !v.block && v.verb !== 'call');

/** Numbers at and past every edge: the sizes, addresses and counts statements are given. */
const BOUNDARY = [
  '0', '1', '-1', '2', '7', '4095', '4096', '4097', '0x10000', '0x11000', '64K', '2M', '1G', '1 << 30', '1 << 40', '1 << 46', '1 << 47',
  '1 << 62', '1 << 63', '(1 << 63) - 1', '-(1 << 63)', '0xffff_ffff', '0x1_0000_0000', '0xffff_ffff_ffff_ffff', '18446744073709551616',
  '9007199254740993', '-4096', '255', '256', '65535', '65536', '127', '128', '2048', '4096 * 1024',
];
/** Usual values, so that scenarios get past their first statement often. */
const USUAL = ['0', '1', '2', '3', '4', '0x10000', '0x10000', '0x12000', '4K', '8K', '16K', '64K', '0x20', '0x30', '16'];
const LISTS = ['[]', '[0]', '[1, 2, 3]', '[0..15]', '[0..255]', '[0..4095]', '[[1, 2], [3, 4]]', '[-1]', '[1 << 63]', '[0xffff_ffff_ffff_ffff, 0]'];
const NAMES = ['f', 'gpu', 'cxl', 'child', 'x'];

function value(r: Rng): string {
  const roll = r.int(0, 9);
  if (roll < 6) return r.pick(USUAL);
  if (roll < 8) return r.pick(BOUNDARY);
  if (roll < 9) return r.pick(LISTS);
  return `(${r.pick(BOUNDARY)} ${r.pick(['+', '-', '*', '<<', '|'])} ${r.pick(BOUNDARY)})`;
}

function arg(r: Rng, spec: PosSpec | KeySpec): string {
  if (spec.kind === 'word') return r.chance(0.97) ? r.pick(spec.words ?? ['x']) : 'bogus';
  if (spec.kind === 'name') return r.pick(NAMES);
  // A parenthesised value, so a compound one stays one argument.
  const v = value(r);
  return /[\s]/.test(v) ? `(${v})` : v;
}

function statement(r: Rng, v: VerbSpec): string {
  switch (v.verb) {
    case 'expect':
      return `expect ${value(r)} ${r.pick(['==', '!=', '<', '>='])} ${value(r)}`;
    case 'print':
      return `print ${value(r)}, len(${r.pick(LISTS)})`;
    case 'advance':
      return `advance ${r.pick(['1ns', '100ns', '1ms', '1s', '0ns', '(1 << 40)', '-1', '(1 << 63)'])}`;
  }
  const parts: string[] = [];
  for (const a of v.args) {
    if (a.optional && r.chance(0.4)) break;
    parts.push(arg(r, a));
  }
  for (const [k, spec] of Object.entries(v.keys ?? {})) {
    if ((v.required ?? []).includes(k) || r.chance(0.35)) parts.push(`${k}=${arg(r, spec)}`);
  }
  for (const f of v.flags ?? []) if (r.chance(0.3)) parts.push(f);
  if (v.assign && parts.length === 0) parts.push(`${r.pick(['SINT2', 'SCONTROL', 'SIMP', 'SIEFP', 'STIMER0_CONFIG', 'STIMER0_COUNT', 'GUEST_OSID', '0xA0002'])} = ${arg(r, { kind: 'expr' })}`);
  return [v.verb, ...parts].join(' ');
}

/** A scenario over one or two mechanisms, sometimes inside a repeat. */
function scenario(r: Rng): string {
  const sections = [r.pick(SECTIONS), ...(r.chance(0.2) ? [r.pick(SECTIONS)] : [])];
  const verbs = SPECS.filter((v) => sections.includes(v.section) && !v.block);
  const lines: string[] = [];
  for (let n = r.int(1, 12); n > 0; n--) {
    const v = r.chance(0.15) ? r.pick(GENERAL) : r.pick(verbs);
    const s = statement(r, v);
    lines.push(r.chance(0.08) ? `repeat ${r.pick(['3', '100'])} {\n  ${s}\n}` : s);
  }
  // A loop without end stops at the step budget, or at the work budget when its body is a big statement
  // (a 64K `gpa read`, an mlock of a gigabyte): any statement of the scenario's mechanisms may be the body.
  if (r.chance(0.03)) {
    const body = r.chance(0.3) ? r.pick(['advance 1ns', 'expect 1 == 1', 'print 1']) : statement(r, r.pick(verbs));
    lines.splice(r.int(0, lines.length), 0, `repeat (1 << 40) {\n  ${body}\n}`);
  }
  return `${lines.join('\n')}\n`;
}

interface Outcome {
  kind: string;
  message?: string;
  ms: number;
}

function runScenario(source: string): Outcome {
  const t0 = performance.now();
  const { program, diagnostics } = loadScenario(FILE, source);
  if (diagnostics.length) return { kind: 'refused', ms: performance.now() - t0 };
  const { machine } = createSimulation(program, { maxSteps: MAX_STEPS, maxWork: MAX_WORK, history: false, output: () => undefined });
  // Only the stops a run cannot go past: mechanism exception filters (a failed hypercall...) are not breakpoints here.
  machine.breakpoints.setExceptions([]);
  const stop = machine.resume('continue');
  const exc = stop.exception;
  return { kind: stop.reason === 'end' ? 'end' : exc ? exc.kind : stop.reason, ...(exc ? { message: exc.message } : {}), ms: performance.now() - t0 };
}

describe('random scenarios over every mechanism, with boundary arguments', () => {
  it(`${CASES} scenarios: each ends with a scenario error, an expect, a BUG or the end; no JavaScript error, none slow`, () => {
    const r = new Rng(SEED);
    const seen = new Map<string, number>();
    const failures: string[] = [];
    for (let i = 0; i < CASES && failures.length < 5; i++) {
      const src = scenario(r);
      let o: Outcome;
      try {
        o = runScenario(src);
      } catch (e) {
        failures.push(`case ${i}: a throw escaped: ${String(e)}\n${src}`);
        continue;
      }
      seen.set(o.kind, (seen.get(o.kind) ?? 0) + 1);
      if (o.message?.includes('work budget')) seen.set('work budget', (seen.get('work budget') ?? 0) + 1);
      if (o.kind === INTERNAL) failures.push(`case ${i}: ${o.message ?? ''}\n${src}`);
      else if (o.ms > SLOW_MS) failures.push(`case ${i}: took ${Math.round(o.ms)} ms\n${src}`);
    }
    expect(failures).toEqual([]);
    // The fuzz reaches the runs it is for: most scenarios parse, and many run to their end.
    expect(seen.get('end') ?? 0).toBeGreaterThan(CASES / 20);
    expect(seen.get('error') ?? 0).toBeGreaterThan(CASES / 10);
    // Loops of big statements are among them, and end at the work budget.
    expect(seen.get('work budget') ?? 0).toBeGreaterThan(0);
  }, 120_000);
});
