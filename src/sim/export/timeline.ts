import type { Frame } from '../core/frames';
import type { Machine, SimException } from '../core/machine';
import type { StateNode } from '../core/state';
import type { Simulation } from '../registry';

/*
 * A whole run as a stream of timeline events, for the exports (Perfetto
 * JSON, ftrace text): statements beginning and ending, kernel frames
 * entering and leaving, exceptions (faults, signals, hypercall errors) and
 * counters of the pools and maps when they change. It steps a machine of its
 * own one step point at a time and compares the frame stack between step
 * points; nothing is recorded while a debugged run steps.
 */

/** Which timeline track an event is on: a process (a mechanism, or the scenario) and a thread (a task, VP, device). */
export interface Track {
  readonly process: string;
  readonly thread: string;
}

interface At {
  readonly step: number;
  /** Simulated time. */
  readonly ns: bigint;
}

export type TimelineEvent =
  | (At & { readonly kind: 'statement'; readonly phase: 'begin' | 'end'; readonly line: number; readonly text: string; readonly track: Track })
  | (At & { readonly kind: 'frame'; readonly phase: 'begin' | 'end'; readonly frame: Frame; readonly track: Track })
  | (At & { readonly kind: 'exception'; readonly exception: SimException; readonly track: Track })
  | (At & { readonly kind: 'counter'; readonly name: string; readonly values: Readonly<Record<string, bigint>>; readonly track: Track });

/** Frame arguments that say whose work a frame is, first match wins, innermost frame first. */
const OWNER_ARGS: ReadonlyArray<readonly [string, (v: unknown) => string]> = [
  ['vp', (v) => `VP ${String(v)}`],
  ['device', (v) => `device ${String(v)}`],
  ['mm', (v) => `task ${String(v)}`],
];

function ownerOf(frames: readonly Frame[], upto: number): string | undefined {
  for (let i = upto; i >= 0; i--) {
    const args = (frames[i] as Frame).args;
    for (const [key, name] of OWNER_ARGS) if (args[key] !== undefined) return name(args[key]);
  }
  return undefined;
}

function num(n: StateNode | undefined): bigint | undefined {
  if (!n) return undefined;
  const v = n.kind === 'leaf' ? n.get() : n.kind === 'record' && n.get ? n.get() : n.kind === 'list' ? BigInt(n.length()) : undefined;
  return typeof v === 'bigint' ? v : typeof v === 'boolean' ? (v ? 1n : 0n) : undefined;
}

function child(n: StateNode | undefined, name: string): StateNode | undefined {
  return n?.kind === 'record' ? n.child(name) : undefined;
}

/** The counters: pool and map sizes of the mechanisms in use, by counter name. */
function counters(m: Machine): Map<string, { track: Track; values: Record<string, bigint> }> {
  const out = new Map<string, { track: Track; values: Record<string, bigint> }>();
  const put = (process: string, name: string, values: Record<string, bigint | undefined>): void => {
    const vs: Record<string, bigint> = {};
    for (const [k, v] of Object.entries(values)) if (v !== undefined) vs[k] = v;
    if (Object.keys(vs).length) out.set(name, { track: { process, thread: name }, values: vs });
  };
  const pool = m.rootActive('hugetlb') !== false ? m.root('hugetlb') : undefined;
  if (pool) put('hugetlb', 'hugetlb pool', { free: num(child(pool, 'free')), rsvd: num(child(pool, 'rsvd')), surplus: num(child(pool, 'surp')), total: num(child(pool, 'total')) });
  const resv = m.root('resv');
  if (resv?.kind === 'record') {
    for (const f of resv.keys()) {
      const map = resv.child(f);
      put('hugetlb', `resv_map ${f}`, { regions: num(child(map, 'regions')), adds_in_progress: num(child(map, 'adds_in_progress')), region_cache_count: num(child(map, 'region_cache_count')) });
    }
  }
  const dev = m.rootActive('dev') !== false ? m.root('dev') : undefined;
  if (dev?.kind === 'record') for (const d of dev.keys()) put('mm', `dev ${d}`, { free: num(child(dev.child(d), 'free')), used: num(child(dev.child(d), 'used')) });
  const memory = m.rootActive('memlat') !== false ? child(m.root('memlat'), 'memory') : undefined;
  if (memory?.kind === 'list') {
    for (let i = 0; i < memory.length(); i++) put('scmi', `memlat memory ${i}`, { cur_khz: num(child(memory.item(i), 'cur_khz')) });
  }
  return out;
}

function sameValues(a: Readonly<Record<string, bigint>>, b: Readonly<Record<string, bigint>>): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}

/**
 * Runs the simulation from where it stands to its end (or its step budget),
 * yielding the timeline. The simulation should be a fresh one: it is used up.
 */
export function* timeline(sim: Simulation): Generator<TimelineEvent, void, void> {
  const m = sim.machine;
  const file = m.program.file.split('/').pop() ?? m.program.file;
  const scenario: Track = { process: 'scenario', thread: file };
  const mechanismOf = new Map<string, string>();
  for (const d of sim.registry.mechanisms) for (const s of d.sources) mechanismOf.set(s.path, d.id);
  let stack: Array<{ frame: Frame; track: Track }> = [];
  let stmt: { line: number; text: string } | undefined;
  const shown = new Map<string, Readonly<Record<string, bigint>>>();
  for (;;) {
    const at: At = { step: m.step, ns: m.now };
    // Frames that left since the last step point, innermost first; then the new ones, outermost first.
    let keep = 0;
    while (keep < stack.length && keep < m.frames.length && stack[keep]?.frame === m.frames[keep]) keep++;
    for (let i = stack.length - 1; i >= keep; i--) {
      const s = stack[i] as { frame: Frame; track: Track };
      yield { kind: 'frame', phase: 'end', ...at, frame: s.frame, track: s.track };
    }
    stack = stack.slice(0, keep);
    const cur = m.at === 'stmt' || m.at === 'end' ? undefined : m.statement;
    if (stmt && (m.at === 'stmt' || m.at === 'end' || cur?.line !== stmt.line)) {
      yield { kind: 'statement', phase: 'end', ...at, line: stmt.line, text: stmt.text, track: scenario };
      stmt = undefined;
    }
    if (m.at === 'stmt' && m.statement) {
      stmt = { line: m.statement.line, text: m.statement.text };
      yield { kind: 'statement', phase: 'begin', ...at, ...stmt, track: scenario };
    }
    for (let i = keep; i < m.frames.length; i++) {
      const frame = m.frames[i] as Frame;
      const process = mechanismOf.get(frame.fn.source.path) ?? 'kernel';
      const track = { process, thread: ownerOf(m.frames, i) ?? process };
      stack.push({ frame, track });
      yield { kind: 'frame', phase: 'begin', ...at, frame, track };
    }
    // An exception is reported at the step point after it was raised, whatever kind of point that is.
    if (m.exceptionKind !== undefined) {
      const e = m.exception;
      const top = stack[stack.length - 1];
      if (e) yield { kind: 'exception', ...at, exception: e, track: top?.track ?? scenario };
    }
    for (const [name, c] of counters(m)) {
      const before = shown.get(name);
      if (before && sameValues(before, c.values)) continue;
      shown.set(name, c.values);
      yield { kind: 'counter', ...at, name, values: c.values, track: c.track };
    }
    if (!m.transition()) return;
  }
}
