/**
 * Golden step traces. Every test/scenarios/<name>.kstep has a checked-in
 * test/scenarios/<name>.trace holding what
 *
 *   kstep run --trace test/scenarios/<name>.kstep
 *
 * prints, run from the repository root: its stdout as printed, then its
 * stderr after a `--- stderr` line (when it printed any), then `--- exit <code>`.
 * Each trace is compared with a fresh run and any difference fails with a
 * line diff; a scenario without a trace fails too, and so does a trace without
 * its scenario.
 *
 * After a change that is meant to change the traces, regenerate them and
 * review the diff of the .trace files before committing it:
 *
 *   KSTEP_UPDATE_GOLDEN=1 npx vitest run test/scenarios
 *
 * (it writes every trace afresh and removes the traces of deleted scenarios).
 */
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CliRun } from '../support/kit';
import { ROOT, cli, kstep } from '../support/kit';

const UPDATE = process.env.KSTEP_UPDATE_GOLDEN === '1';
const REGENERATE = 'KSTEP_UPDATE_GOLDEN=1 npx vitest run test/scenarios';
const DIR = join(ROOT, 'test', 'scenarios');

const names = (ext: string): string[] =>
  readdirSync(DIR)
    .filter((f) => f.endsWith(ext))
    .map((f) => f.slice(0, -ext.length))
    .sort();
const SCENARIOS = names('.kstep');

/** The scenario's path as given to `kstep run` from the repository root: failures print it as given. */
const scenarioPath = (name: string): string => `test/scenarios/${name}.kstep`;
const tracePath = (name: string): string => join(DIR, `${name}.trace`);

function golden(r: CliRun): string {
  const text = (lines: readonly string[]): string => lines.map((l) => `${l}\n`).join('');
  return `${text(r.out)}${r.err.length ? `--- stderr\n${text(r.err)}` : ''}--- exit ${r.code}\n`;
}

/** `kstep run --trace` of the scenario, in-process through the CLI's own code. */
function run(name: string): CliRun {
  const file = scenarioPath(name);
  return cli(readFileSync(join(ROOT, file), 'utf8'), { file, trace: true });
}

const trace = (name: string): string => golden(run(name));

describe('golden step traces (kstep run --trace)', () => {
  it('test/scenarios has scenarios', () => {
    expect(SCENARIOS.length).toBeGreaterThan(0);
  });

  for (const name of SCENARIOS) {
    it(`${name}.kstep`, () => {
      const got = trace(name);
      if (UPDATE) {
        writeFileSync(tracePath(name), got);
        return;
      }
      if (!existsSync(tracePath(name))) {
        throw new Error(`test/scenarios/${name}.kstep has no golden trace test/scenarios/${name}.trace; create it with: ${REGENERATE}`);
      }
      expect(got, `the trace of ${scenarioPath(name)} differs from test/scenarios/${name}.trace; if the change is intended: ${REGENERATE}`).toBe(
        readFileSync(tracePath(name), 'utf8'),
      );
    });
  }

  it('every golden trace has its scenario', () => {
    const orphans = names('.trace').filter((n) => !SCENARIOS.includes(n));
    if (UPDATE) for (const n of orphans) rmSync(tracePath(n));
    else expect(orphans.map((n) => `test/scenarios/${n}.trace`), `traces without a scenario; remove them, or run: ${REGENERATE}`).toEqual([]);
  });

  it('a second run prints the same traces', () => {
    for (const name of SCENARIOS) expect(trace(name), name).toBe(trace(name));
  });

  it('the in-process trace is byte for byte what the kstep process prints', () => {
    // The scenarios that print on both streams; the process runs the built bundle (dist/cli.js).
    const runs = SCENARIOS.map((name) => ({ name, r: run(name) })).filter(({ r }) => r.err.length > 0);
    expect(runs.length).toBeGreaterThan(0);
    for (const { name, r } of runs) {
      const text = (lines: readonly string[]): string => lines.map((l) => `${l}\n`).join('');
      expect(kstep('run', '--trace', scenarioPath(name)), name).toEqual({ code: r.code, out: text(r.out), err: text(r.err) });
    }
  });
});
