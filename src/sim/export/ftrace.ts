import type { Frame } from '../core/frames';
import type { Simulation } from '../registry';
import { timeline } from './timeline';
import type { Track } from './timeline';
import { TracepointState, tracepointsOf } from './tracepoints';

/*
 * The run as the text of tracefs's `trace` file: a header, then one line per
 * tracepoint hit, `comm-pid [cpu] timestamp: event: field=value ...`, with
 * the kernel's tracepoint names and fields (tracepoints.ts). The timestamp
 * is the Perfetto export's trace clock in seconds. comm is the thread the
 * event ran on (a task's name, `vp<n>` for a Hyper-V VP, the device's
 * name); pid numbers those threads in order of appearance; cpu is the VP's
 * index, else 0.
 */

const TASK_COMM_LEN = 16;

function comm(t: Track): string {
  const vp = /^VP (\d+)$/.exec(t.thread);
  const name = vp ? `vp${vp[1]}` : t.thread.replace(/^(task|device) /, '').replace(/\s+/g, '_');
  return name.slice(0, TASK_COMM_LEN - 1);
}

function cpu(t: Track): number {
  const vp = /^VP (\d+)$/.exec(t.thread);
  return vp ? Number(vp[1]) : 0;
}

function field(v: bigint | string): string {
  return typeof v === 'string' ? v : v < 0n || v < 10n ? v.toString() : `0x${v.toString(16)}`;
}

/** Runs a fresh simulation to its end; `line` gets the trace text line by line. */
export function ftraceText(sim: Simulation, line: (s: string) => void): number {
  const pids = new Map<string, number>();
  const st = new TracepointState();
  const open: Frame[] = [];
  let hits = 0;
  line('# tracer: nop');
  line('#');
  line('#           TASK-PID     CPU#     TIMESTAMP  FUNCTION');
  line('#              | |         |         |         |');
  for (const e of timeline(sim)) {
    if (e.kind !== 'frame') continue;
    if (e.phase === 'begin') open.push(e.frame);
    const tps = tracepointsOf(e, open, st);
    if (e.phase === 'end') open.pop();
    if (!tps.length) continue;
    const key = `${e.track.process}\u0000${e.track.thread}`;
    let pid = pids.get(key);
    if (pid === undefined) pids.set(key, (pid = 1000 + pids.size));
    const ts = (e.step + Number(e.ns) / 1000) / 1e6;
    for (const tp of tps) {
      hits++;
      const task = `${comm(e.track)}-${pid}`.padStart(22);
      line(`${task} [${String(cpu(e.track)).padStart(3, '0')}] ${ts.toFixed(6).padStart(12)}: ${tp.name}: ${tp.fields.map(([k, v]) => `${k}=${field(v)}`).join(' ')}`);
    }
  }
  return hits;
}
