import type { Frame } from '../core/frames';
import { formatValue } from '../core/values';
import type { Simulation } from '../registry';
import type { TimelineEvent, Track } from './timeline';
import { timeline } from './timeline';
import { TracepointState, tracepointsOf } from './tracepoints';

/*
 * The run as Chrome/Perfetto trace-event JSON (the "JSON Array/Object
 * Format" ui.perfetto.dev and chrome://tracing load): a process per
 * mechanism and one for the scenario, a thread per task, VP or device, a
 * B/E slice per kernel function frame and per statement, "C" counters for
 * pool and map sizes, "i" instants for exceptions (faults, signals, failed
 * hypercalls), the kernel's tracepoints and SynIC message deliveries.
 *
 * The trace clock: simulated time, plus one microsecond per step point, so
 * that work done at one simulated instant still has width and every track's
 * timestamps only go up. Each event's args carry the simulated time and the
 * step point exactly.
 */

export interface TraceEvent {
  readonly name: string;
  readonly ph: 'B' | 'E' | 'C' | 'i' | 'M';
  readonly pid: number;
  readonly tid: number;
  readonly ts?: number;
  readonly cat?: string;
  readonly s?: 't';
  readonly args?: Readonly<Record<string, unknown>>;
}

export interface TraceFile {
  readonly traceEvents: TraceEvent[];
  readonly displayTimeUnit: 'ns';
  readonly otherData: Readonly<Record<string, string>>;
}

/** The trace clock in microseconds: simulated time plus a microsecond per step point. */
export function traceMicros(step: number, ns: bigint): number {
  return step + Number(ns) / 1000;
}

/** An end seen at step k happened after the last step point the frame was at: half a step earlier keeps it before what begins at k. */
const END_EARLY = 0.5;

function jsonArg(v: unknown): unknown {
  if (typeof v === 'bigint') return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= -BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : `0x${v.toString(16)}`;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string') return v;
  return formatValue(v as never);
}

function frameArgs(fr: Frame): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fr.args)) out[k] = jsonArg(v);
  return out;
}

/** Events a trace holds at most: past it the run is cut off there, every open slice closed, and the trace says so. */
export const MAX_TRACE_EVENTS = 4_000_000;

/** Runs a fresh simulation to its end and returns its trace. */
export function perfettoTrace(sim: Simulation, maxEvents = MAX_TRACE_EVENTS): TraceFile {
  const events: TraceEvent[] = [];
  const pids = new Map<string, number>();
  const tids = new Map<string, number>();
  const ids = (t: Track): { pid: number; tid: number } => {
    let pid = pids.get(t.process);
    if (pid === undefined) {
      pid = pids.size + 1;
      pids.set(t.process, pid);
      events.push({ name: 'process_name', ph: 'M', pid, tid: 0, args: { name: t.process } });
      events.push({ name: 'process_sort_index', ph: 'M', pid, tid: 0, args: { sort_index: pid } });
    }
    const key = `${t.process}\u0000${t.thread}`;
    let tid = tids.get(key);
    if (tid === undefined) {
      tid = tids.size + 1;
      tids.set(key, tid);
      events.push({ name: 'thread_name', ph: 'M', pid, tid, args: { name: t.thread } });
    }
    return { pid, tid };
  };
  const st = new TracepointState();
  const open: Frame[] = [];
  const slices: Array<{ name: string; cat: string; pid: number; tid: number }> = [];
  let truncated = false;
  let last = 0;
  for (const e of timeline(sim)) {
    if (events.length >= maxEvents) {
      truncated = true;
      break;
    }
    const ts = traceMicros(e.step, e.ns);
    last = ts;
    const where = ids(e.track);
    const at = { step: e.step, sim_ns: jsonArg(e.ns) };
    switch (e.kind) {
      case 'statement':
        if (e.phase === 'begin') slices.push({ name: e.text, cat: 'statement', ...where });
        else slices.pop();
        events.push(e.phase === 'begin'
          ? { name: e.text, ph: 'B', ts, ...where, cat: 'statement', args: { line: e.line, ...at } }
          : { name: e.text, ph: 'E', ts: ts - END_EARLY, ...where, cat: 'statement' });
        break;
      case 'frame':
        if (e.phase === 'begin') {
          open.push(e.frame);
          slices.push({ name: e.frame.fn.name, cat: e.frame.fn.source.path, ...where });
          events.push({ name: e.frame.fn.name, ph: 'B', ts, ...where, cat: e.frame.fn.source.path, args: { ...frameArgs(e.frame), ...at } });
          if (e.frame.fn.name === 'synic_deliver_msg') events.push({ name: 'synic message', ph: 'i', s: 't', ts, ...where, cat: 'synic', args: { ...frameArgs(e.frame), ...at } });
        } else {
          events.push({ name: e.frame.fn.name, ph: 'E', ts: ts - END_EARLY, ...where, cat: e.frame.fn.source.path });
        }
        for (const tp of tracepointsOf(e, open, st)) {
          events.push({ name: tp.name, ph: 'i', s: 't', ts: e.phase === 'begin' ? ts : ts - END_EARLY, ...where, cat: 'tracepoint', args: Object.fromEntries(tp.fields.map(([k, v]) => [k, jsonArg(v)])) });
        }
        if (e.phase === 'end') {
          open.pop();
          slices.pop();
        }
        break;
      case 'exception':
        events.push({ name: e.exception.kind, ph: 'i', s: 't', ts, ...where, cat: 'exception', args: { message: e.exception.message, ...at } });
        break;
      case 'counter':
        events.push({ name: e.name, ph: 'C', ts, ...where, args: Object.fromEntries(Object.entries(e.values).map(([k, v]) => [k, jsonArg(v)])) });
        break;
    }
  }
  // Cut off: what is still open ends where the trace ends, so every B has its E.
  for (let i = slices.length - 1; truncated && i >= 0; i--) {
    const sl = slices[i] as { name: string; cat: string; pid: number; tid: number };
    events.push({ name: sl.name, ph: 'E', ts: last, pid: sl.pid, tid: sl.tid, cat: sl.cat });
  }
  return {
    traceEvents: events,
    displayTimeUnit: 'ns',
    otherData: { generator: 'kstep', scenario: sim.machine.program.file, clock: 'simulated time + 1 us per step point', ...(truncated ? { truncated: `cut off after ${maxEvents} events` } : {}) },
  };
}

export type { TimelineEvent };
