/**
 * The Test Explorer's requests go through the extension's worker thread
 * (dist/worker.js) like diagnostics do: tested on the built worker, without VS Code.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { offThread } from '../../src/extension/off_thread';
import { ROOT } from '../support/kit';

const WORKER = join(ROOT, 'dist', 'worker.js');
const SRC = 'proc p {\n  expect 1 == 2\n}\nhugetlb file f\nregion_chg f 0 1\nexpect last.ret == 5\ncall p\n';

describe('the extension worker for the Test Explorer', () => {
  it('lists a file’s procs and expects', async () => {
    const r = await offThread(WORKER, { kind: 'items', file: 't.kstep', text: SRC, maxSteps: 1000 }, 10_000);
    expect(r.kind).toBe('items');
    if (r.kind !== 'items') return;
    expect(r.items.map((i) => [i.id, i.children.map((c) => c.id)])).toEqual([
      ['proc:p', ['expect:2']],
      ['expect:6', []],
    ]);
  });

  it('runs a scenario and returns every failed expect and, asked for, the kernel coverage', async () => {
    const r = await offThread(WORKER, { kind: 'test', file: 't.kstep', text: SRC, maxSteps: 100_000, coverage: true }, 10_000);
    expect(r.kind).toBe('tested');
    if (r.kind !== 'tested') return;
    expect(r.result.failures.map((f) => [f.line, f.expected, f.actual])).toEqual([
      [6, '5', '1'],
      [2, '2', '1'],
    ]);
    expect(r.result.coverage?.map((c) => c.path)).toContain('mm/hugetlb.c');
  });
});

describe('the extension worker for the Outline and diagnostics', () => {
  it('gives a file’s sections and procs', async () => {
    const r = await offThread(WORKER, { kind: 'outline', file: 't.kstep', text: `## Setup\n${SRC}`, maxSteps: 1000 }, 10_000);
    expect(r.kind === 'outline' ? r.symbols.map((s) => [s.kind, s.name, s.children.map((c) => c.name)]) : r).toEqual([['section', 'Setup', ['p']]]);
  });

  it('gives the did-you-mean fix with a diagnostic, and warnings of undeclared names', async () => {
    const r = await offThread(WORKER, { kind: 'diagnostics', file: 't.kstep', text: 'partition vps=1\nhvc HVCALL_POST_MESAGE\nregion_chg nofile 0 1\n', maxSteps: 1000 }, 10_000);
    expect(r.kind === 'parsed' ? r.diagnostics.map((d) => [d.severity, d.fix?.replacements]) : r).toEqual([['error', ['HVCALL_POST_MESSAGE']], ['warning', undefined]]);
  });
});
