// What the debugger costs a run: the same scenario run to its end headless (the simulator with no history, as
// `kstep run` runs it) and under the debug adapter over stdio (history, step marks, snapshots, sliced runs),
// each in a fresh process, interleaved. Time from spawn to the end; memory as the process's peak resident set.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSimulation, loadScenario } from '../src/sim';
import { launch, stdio } from './dap_client';
import { nowMs, reportPairSamples } from './report';

const PAIRS = 5;
export const HEADLESS_CHILD = '--headless-child';

/** 1,000,000 pages written one statement each, then migrated to a device-private pagemap in one. */
const MILLION_PAGES = [
  'device gpu type=private pages=1000000',
  'mmap 0x100000000 4000000K',
  'repeat 1000000 {',
  '  write 0x100000000 + time.ns * 4096',
  '  advance 1ns',
  '}',
  'migrate 0x100000000 4000000K to=gpu',
  'expect last.migrated == 1000000',
  '',
].join('\n');

/** A resv_map of 1,000,000 single-page regions, one region_chg/region_add pair each. */
const MILLION_REGIONS = 'hugetlb file f\nrepeat 1000000 {\n  region_chg f time.ns*2 time.ns*2+1\n  region_add f time.ns*2 time.ns*2+1\n  advance 1ns\n}\n';

interface RunFigures {
  ms: number;
  peakRssMiB: number;
}

/** In the child process: runs `file` headless and prints its time and peak RSS as one JSON line. */
export function headlessChild(file: string): void {
  const t0 = nowMs();
  const { program, diagnostics } = loadScenario(file, readFileSync(file, 'utf8'));
  if (diagnostics.length) throw new Error(diagnostics[0]?.message);
  const r = createSimulation(program, { history: false }).machine.resume('continue');
  if (r.reason !== 'end') throw new Error(`${file} stopped for '${r.reason}', not at its end`);
  process.stdout.write(`${JSON.stringify({ ms: nowMs() - t0, maxRssKb: process.resourceUsage().maxRSS })}\n`);
}

function headless(file: string): Promise<RunFigures> {
  const t0 = nowMs();
  const child = spawn(process.execPath, ['--max-old-space-size=8192', process.argv[1] as string, HEADLESS_CHILD, file], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => {
      const ms = nowMs() - t0;
      if (code !== 0) return reject(new Error(`the headless run of ${file} exited with ${code}`));
      const r = JSON.parse(out) as { maxRssKb: number };
      resolve({ ms, peakRssMiB: r.maxRssKb / 1024 });
    });
  });
}

/** Linux's peak resident set of a live process, in MiB. */
function peakRss(pid: number): number {
  const m = /VmHWM:\s*(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

async function underDebugger(file: string): Promise<RunFigures> {
  const t0 = nowMs();
  const conn = stdio();
  try {
    const stop = await launch(conn.dap, file, false);
    const ms = nowMs() - t0;
    if (stop.body.reason !== 'end') throw new Error(`${file} stopped for '${stop.body.reason}' under the debugger`);
    return { ms, peakRssMiB: conn.proc.pid === undefined ? NaN : peakRss(conn.proc.pid) };
  } finally {
    await conn.close();
  }
}

async function pair(name: string, file: string): Promise<void> {
  const dbg: RunFigures[] = [];
  const head: RunFigures[] = [];
  for (let i = 0; i < PAIRS; i++) {
    dbg.push(await underDebugger(file));
    head.push(await headless(file));
  }
  const note = 'each run in a fresh process, from spawn to the end of the scenario';
  reportPairSamples(
    { name: `run_to_end_under_debugger_${name}`, unit: 'ms', baseline: 'the same run headless (no history)', goal: 'ratio <= 1.5', note },
    dbg.map((r) => r.ms),
    head.map((r) => r.ms),
  );
  reportPairSamples(
    { name: `peak_rss_under_debugger_${name}`, unit: 'MiB', baseline: 'the same run headless (no history)', goal: 'ratio <= 2', note: `${note}; peak resident set (VmHWM / maxRSS)` },
    dbg.map((r) => r.peakRssMiB),
    head.map((r) => r.peakRssMiB),
  );
}

export async function benchDebuggerOverhead(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'kstep-bench-overhead-'));
  try {
    const pages = join(dir, 'pages.kstep');
    const regions = join(dir, 'regions.kstep');
    writeFileSync(pages, MILLION_PAGES);
    writeFileSync(regions, MILLION_REGIONS);
    await pair('1M_pages', pages);
    await pair('1M_regions', regions);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
