/**
 * `kstep run --perfetto` (issue 18, "done when"): the trace validates
 * against the trace-event format (required fields per phase, B/E balanced
 * and nested per track with matching names, timestamps that never go back
 * on a track, metadata naming every process and thread), with a track per
 * task, VP and device, counters for the pool and map sizes and instants for
 * faults, hypercalls and SynIC messages.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { TraceEvent, TraceFile } from '../../src/sim';
import { createSimulation, perfettoTrace } from '../../src/sim';
import { kstep, load, ROOT, Scenarios } from '../support/kit';

const EXAMPLES = ['hyperv', 'memlat', 'hmm', 'resv_map', 'hugetlb', 'coherent', 'tour'].map((n) => join(ROOT, 'examples', `${n}.kstep`));

function traceOf(file: string, maxEvents?: number): TraceFile {
  const sim = createSimulation(load(readFileSync(file, 'utf8'), file));
  return perfettoTrace(sim, maxEvents);
}

/** Checks the trace-event format; returns the thread names by pid/tid. */
function validate(t: TraceFile): Map<string, string> {
  // What a loader reads: the file is JSON, events an array of objects.
  const parsed = JSON.parse(JSON.stringify(t)) as { traceEvents: TraceEvent[] };
  expect(Array.isArray(parsed.traceEvents)).toBe(true);
  const names = new Map<string, string>();
  const processes = new Set<number>();
  const stacks = new Map<string, string[]>();
  const lastTs = new Map<string, number>();
  for (const e of parsed.traceEvents) {
    expect(typeof e.name, JSON.stringify(e)).toBe('string');
    expect(['B', 'E', 'C', 'i', 'M']).toContain(e.ph);
    expect(Number.isInteger(e.pid) && e.pid > 0).toBe(true);
    expect(Number.isInteger(e.tid) && e.tid >= 0).toBe(true);
    const track = `${e.pid}/${e.tid}`;
    if (e.ph === 'M') {
      expect(['process_name', 'thread_name', 'process_sort_index']).toContain(e.name);
      if (e.name === 'process_name') processes.add(e.pid);
      if (e.name === 'thread_name') names.set(track, String(e.args?.name));
      continue;
    }
    expect(typeof e.ts === 'number' && Number.isFinite(e.ts) && e.ts >= 0, JSON.stringify(e)).toBe(true);
    expect(processes.has(e.pid), `pid ${e.pid} named before use`).toBe(true);
    expect(names.has(track) || e.ph === 'C', `thread ${track} named before use`).toBe(true);
    expect(e.ts as number).toBeGreaterThanOrEqual(lastTs.get(track) ?? 0);
    lastTs.set(track, e.ts as number);
    const stack = stacks.get(track) ?? [];
    stacks.set(track, stack);
    if (e.ph === 'B') stack.push(e.name);
    if (e.ph === 'E') expect(stack.pop(), `E without its B on ${track}`).toBe(e.name);
    if (e.ph === 'i') expect(e.s).toBe('t');
    if (e.ph === 'C') for (const v of Object.values(e.args ?? {})) expect(typeof v).toBe('number');
  }
  for (const [track, stack] of stacks) expect(stack, `unclosed slices on ${track}`).toEqual([]);
  return names;
}

const byName = (t: TraceFile, name: string, ph?: string): TraceEvent[] => t.traceEvents.filter((e) => e.name === name && (ph === undefined || e.ph === ph));

describe('Perfetto trace-event JSON', () => {
  for (const file of EXAMPLES) {
    it(`validates: examples/${file.split('/').pop()}`, () => {
      validate(traceOf(file));
    });
  }

  it('Hyper-V: a track per VP, a slice per kernel function, hypercalls and SynIC messages as instants', () => {
    const t = traceOf(join(ROOT, 'test', 'scenarios', 'hyperv_synic.kstep'));
    const threads = [...validate(t).values()];
    expect(threads).toEqual(expect.arrayContaining(['VP 0', 'hyperv_synic.kstep']));
    const hv = byName(t, 'kvm_hv_hypercall', 'i');
    expect(hv.length).toBeGreaterThan(5);
    expect(Object.keys(hv[0]?.args ?? {})).toEqual(['code', 'fast', 'var_cnt', 'rep_cnt', 'rep_idx', 'ingpa', 'outgpa']);
    expect(hv.some((e) => e.args?.code === 0x5c)).toBe(true);
    expect(byName(t, 'synic message', 'i').length).toBeGreaterThan(0);
    expect(byName(t, 'hv_hvc_handler', 'B').length).toBe(byName(t, 'hv_hvc_handler', 'E').length);
    expect(byName(t, 'hv_error', 'i').length).toBeGreaterThan(0);
  });

  it('memory: tasks and devices get tracks, faults are instants, dev pools are counters', () => {
    const t = traceOf(join(ROOT, 'test', 'scenarios', 'hmm_fork_zap.kstep'));
    const threads = [...validate(t).values()];
    expect(threads.some((n) => n.startsWith('task '))).toBe(true);
    expect(threads.some((n) => n.startsWith('device '))).toBe(true);
    expect(byName(t, 'fault', 'i').length).toBeGreaterThan(0);
    expect(byName(t, 'page_fault_user', 'i').length).toBeGreaterThan(0);
    expect(t.traceEvents.some((e) => e.ph === 'C' && e.name.startsWith('dev '))).toBe(true);
  });

  it('hugetlb: counters follow the pool and each resv_map (adds_in_progress up at region_chg, down at region_add)', () => {
    const t = traceOf(join(ROOT, 'test', 'scenarios', 'resv_map_worked_example.kstep'));
    validate(t);
    const resv = byName(t, 'resv_map f', 'C').map((e) => e.args?.adds_in_progress).filter((v, i, all) => i === 0 || v !== all[i - 1]);
    expect(resv).toEqual([0, 1, 0, 1, 0, 1, 0, 2, 0]);
    expect(byName(t, 'resv_map f', 'C').at(-1)?.args?.regions).toBe(5);
    expect(validate(traceOf(join(ROOT, 'examples', 'hugetlb.kstep'))).size).toBeGreaterThan(0);
    expect(byName(traceOf(join(ROOT, 'examples', 'hugetlb.kstep')), 'hugetlb pool', 'C').length).toBeGreaterThan(1);
  });

  it('SCMI: scmi_xfer_begin/end per message with the kernel fields, memlat votes as counters', () => {
    const t = traceOf(join(ROOT, 'examples', 'memlat.kstep'));
    validate(t);
    const begin = byName(t, 'scmi_xfer_begin', 'i');
    const end = byName(t, 'scmi_xfer_end', 'i');
    expect(begin.length).toBeGreaterThan(5);
    expect(end.length).toBe(begin.length);
    expect(Object.keys(begin[0]?.args ?? {})).toEqual(['transfer_id', 'msg_id', 'protocol_id', 'seq', 'poll']);
    expect(Object.keys(end[0]?.args ?? {})).toEqual(['transfer_id', 'msg_id', 'protocol_id', 'seq', 'status']);
    expect(begin.map((e) => e.args?.transfer_id)).toEqual(begin.map((_e, i) => i));
    expect(begin[0]?.args?.protocol_id).toBe(0x80);
    expect(t.traceEvents.some((e) => e.ph === 'C' && e.name.startsWith('memlat memory'))).toBe(true);
  });

  it('a trace cut off at its event limit still closes every slice and says so', () => {
    const t = traceOf(join(ROOT, 'examples', 'tour.kstep'), 200);
    validate(t);
    expect(t.otherData.truncated).toMatch(/cut off after 200 events/);
  });
});

describe('kstep run --perfetto / --ftrace', () => {
  const files = new Scenarios();
  afterAll(() => files.dispose());

  it('writes the trace file and keeps the run\'s exit code', () => {
    const out = files.write('t.json', '');
    const r = kstep('run', '--perfetto', out, join('test', 'scenarios', 'resv_map_worked_example.kstep'));
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    validate(JSON.parse(readFileSync(out, 'utf8')) as TraceFile);
    const bad = kstep('run', '--perfetto', join('test', 'scenarios', 'resv_map_worked_example.kstep'));
    expect(bad.code).toBe(2);
    expect(kstep('run', '--perfetto=/nonexistent/dir/t.json', join('test', 'scenarios', 'resv_map_worked_example.kstep')).code).toBe(2);
  });

  it('--ftrace prints tracepoint lines in the trace format', () => {
    const r = kstep('run', '--ftrace', join('test', 'scenarios', 'hyperv_hypercalls.kstep'));
    expect(r.code).toBe(0);
    const lines = r.out.split('\n').filter((l) => l && !l.startsWith('#'));
    expect(lines.length).toBeGreaterThan(3);
    for (const l of lines) expect(l).toMatch(/^\s*\S+-\d+ +\[\d{3}\] +\d+\.\d{6}: [a-z_]+: (\w+=\S+ ?)+$/);
    expect(lines.find((l) => l.includes(': kvm_hv_hypercall: '))).toMatch(/kvm_hv_hypercall: code=0x\w+ fast=[01] var_cnt=\w+ rep_cnt=\w+ rep_idx=\w+ ingpa=\w+ outgpa=\w+$/);
    expect(lines.some((l) => / kvm_hv_hypercall_done: result=\w+$/.test(l))).toBe(true);
    expect(r.out.startsWith('# tracer: nop\n')).toBe(true);
  });
});
