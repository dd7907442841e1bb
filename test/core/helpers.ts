import { createSimulation, loadScenario } from '../../src/sim';
import type { Simulation } from '../../src/sim';
import type { MachineOptions } from '../../src/sim/core/machine';
import { stateJson } from '../../src/cli/run';
import { formatDiagnostic } from '../../src/sim/scenario/diagnostics';
import { expect } from 'vitest';
import { mulberry32, rngInt } from '../support/rng';

/** A machine with history over an inline scenario; fails the test on parse errors. */
export function sim(source: string, opts: MachineOptions = {}): Simulation & { out: string[] } {
  const { program, diagnostics } = loadScenario('t.kstep', source);
  if (diagnostics.length) throw new Error(diagnostics.map(formatDiagnostic).join('\n'));
  const out: string[] = [];
  const s = createSimulation(program, { history: true, snapshotEvery: 4, output: (t) => out.push(t), ...opts });
  return { ...s, out };
}

/** Everything observable at a step point: position, frames with locals, and the whole state tree. */
export function observe(s: Simulation): string {
  const m = s.machine;
  const frames = m.frames.map((f) => `${f.fn.name}@${f.line}${JSON.stringify(f.locals, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v))}`);
  return JSON.stringify({ step: m.step, at: m.at, line: m.statement?.line, depth: m.depth(), frames, state: stateJson(m) });
}

export { mulberry32 } from '../support/rng';

/**
 * Steps in through the whole scenario recording every step point, then goes
 * to `tries` random ones (seeded) and to both ends: each must look exactly as it did.
 */
export function expectGotoExact(s: Simulation, seed: number, tries: number): void {
  const m = s.machine;
  const seen: string[] = [observe(s)];
  while (!m.ended) {
    m.resume('in');
    seen.push(observe(s));
  }
  const r = mulberry32(seed);
  for (const target of [...Array.from({ length: tries }, () => rngInt(r, 0, seen.length - 1)), 0, seen.length - 1]) {
    m.goto(target);
    expect(observe(s)).toBe(seen[target]);
  }
}
