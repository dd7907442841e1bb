/**
 * The history queries over DAP: history(), when() and why() typed in the
 * Debug Console and in watches, the kstep/why request on reference 004's
 * worked example, and kstep/gotoStep travelling to what they found.
 */
import { describe, expect, it } from 'vitest';
import { Harness, lineOf, openPerTest, suiteScenario, WORKED_EXAMPLE as WORKED } from '../support/dap';

const P = suiteScenario('worked.kstep', WORKED);

let h: Harness;
openPerTest((x) => (h = x));

interface StepJson { step: number; line: number; function?: string; path?: string; listingLine?: number; change?: string; text: string }

/** The listing line of mm/hugetlb.c holding `needle` after the function `fn` begins. */
async function listingLine(fn: string, needle: string): Promise<number> {
  const sources = (await h.dc.customRequest('loadedSources')).body.sources as Array<{ path?: string; name: string; sourceReference?: number }>;
  const src = sources.find((s) => s.name === 'hugetlb.c' || s.path?.endsWith('mm/hugetlb.c'));
  const text = (await h.dc.customRequest('source', { source: src, sourceReference: src?.sourceReference ?? 0 })).body.content as string;
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.includes(`${fn}(`) && !l.trim().endsWith(';'));
  return lines.findIndex((l, i) => i > start && l.includes(needle)) + 1;
}

describe('history queries over DAP', () => {
  it('history() in the Debug Console lists each change with a child per step; gotoStep goes there', async () => {
    await h.launch(P, { lines: [lineOf(WORKED, 'expect resv.f.adds_in_progress == 0')] });
    await h.stopped('breakpoint');
    const r = (await h.dc.evaluateRequest({ expression: 'history(resv.f.adds_in_progress)', context: 'repl' })).body;
    expect(r.result).toMatch(/^9 changes of resv\.f\.adds_in_progress up to step \d+$/);
    const items = await h.vars(r.variablesReference);
    expect(items).toHaveLength(9);
    const raise = items[7];
    expect(raise?.name).toMatch(/^step \d+$/);
    expect(raise?.value).toMatch(/^0 → 2 {2}· step \d+ · 0 ns · line 10 · region_chg \(mm\/hugetlb\.c:\d+\)$/);
    const parts = await h.vars(raise?.variablesReference ?? 0);
    expect(parts.map((p) => p.name)).toEqual(['step', 'time_ns', 'line', 'statement', 'function', 'before', 'after', 'change']);
    const step = Number(/\d+/.exec(raise?.name ?? '')?.[0]);
    // Still where it was: the query replayed and came back.
    expect(await h.where()).toEqual([`worked.kstep@${lineOf(WORKED, 'expect resv.f.adds_in_progress == 0')}`]);
    await h.dc.customRequest('kstep/gotoStep', { step });
    await h.stopped('goto');
    const top = await h.top();
    expect(top.name).toMatch(/^region_chg\(/);
    expect(top.line).toBe(await listingLine('region_chg', 'resv->adds_in_progress += *out_regions_needed'));
    expect(await h.ev('resv.f.adds_in_progress')).toBe('0');
    await h.go('stepIn');
    expect(await h.ev('resv.f.adds_in_progress')).toBe('2');
  });

  it('when() in a watch, first, next and prev', async () => {
    await h.launch(P, { stopOnEntry: true });
    await h.stopped('entry');
    expect(await h.ev('when(len(resv.f.regions) == 5)')).toMatch(new RegExp(`holds at step \\d+ · 0 ns · line ${lineOf(WORKED, 'region_add f 0 5')} · add_reservation_in_range`));
    expect(await h.ev('when(resv.f.adds_in_progress == 2, prev)')).toBe('resv.f.adds_in_progress == 2 holds at no earlier step point');
    expect(await h.ev('when(resv.f.adds_in_progress == 2, next)')).toMatch(/holds at step \d+ · 0 ns · line 10 · region_chg/);
    expect(await h.fails('evaluate', { expression: 'history(resv.f.adds_in_progress)', context: 'hover' })).toMatch(/replays history/);
    expect(await h.fails('evaluate', { expression: 'history(resv.f.)', context: 'repl' })).toBeTruthy();
    expect(await h.fails('kstep/when', { expression: 'true', direction: 'sideways' })).toMatch(/direction must be/);
    expect(await h.fails('kstep/gotoStep', { step: -1 })).toMatch(/no step point/);
    expect(await h.fails('kstep/gotoStep', { step: 1e9 })).toMatch(/ends at step/);
    expect(await h.where()).toEqual(['worked.kstep@2']);
    // A watch's query runs at once: the stack asked for at the same stop waits for it instead of being refused.
    const [watch, stack] = await Promise.all([h.raw('evaluate', { expression: 'history(hugetlb.free)', context: 'watch' }), h.raw('stackTrace', { threadId: 1 })]);
    expect(watch.success && stack.success).toBe(true);
  });

  it('kstep/why on adds_in_progress after region_chg f 0 5 names region_chg and its += line, then one write further back', async () => {
    await h.launch(P, { lines: [lineOf(WORKED, 'region_chg f 0 5') + 1] });
    await h.stopped('breakpoint');
    const r = (await h.dc.customRequest('kstep/why', { expression: 'resv.f.adds_in_progress' })).body as { value: string; writes: StepJson[] };
    expect(r.value).toBe('2');
    const [last, before] = r.writes;
    expect(last?.function).toBe('region_chg');
    expect(last?.path).toBe('mm/hugetlb.c');
    expect(last?.line).toBe(lineOf(WORKED, 'region_chg f 0 5'));
    expect(last?.listingLine).toBe(await listingLine('region_chg', 'resv->adds_in_progress += *out_regions_needed'));
    expect(last?.change).toBe('0 → 2');
    expect(before?.function).toBe('region_add');
    expect(before?.line).toBe(lineOf(WORKED, 'region_add f 5 6'));
    await h.dc.customRequest('kstep/gotoStep', { step: last?.step });
    await h.stopped('goto');
    expect((await h.top()).line).toBe(last?.listingLine);
    expect(await h.ev('why(resv.f.adds_in_progress)', 'repl')).toMatch(/^resv\.f\.adds_in_progress = 0: written at step \d+ · 0 ns · line \d+ · region_add/);
  });
});

describe('a long query', () => {
  const LONG = suiteScenario('long.kstep', ['hugetlb file f', 'repeat 100000000 {', '  region_count f 0 1', '}', ''].join('\n'));

  it('is cut off by pause, leaves the debugger where it was, and other requests are answered meanwhile', async () => {
    await h.launch(LONG, { stopOnEntry: true });
    await h.stopped('entry');
    const q = h.raw('evaluate', { expression: 'when(resv.f.adds_in_progress == 9)', context: 'repl' });
    // The adapter answers while the query replays (a request needing a stop is refused as running).
    expect((await h.dc.threadsRequest()).body.threads.length).toBeGreaterThan(0);
    await h.dc.pauseRequest({ threadId: 1 });
    const r = await q;
    expect(r.success).toBe(false);
    expect(r.message).toMatch(/when\(\) was interrupted/);
    expect(await h.where()).toEqual(['long.kstep@1']);
  });
});

describe('why on a PTE over DAP', () => {
  const PTE = suiteScenario('pte.kstep', ['device gpu type=private pages=4', 'mmap 0x10000 16K', 'write 0x10000 7', 'migrate 0x10000 4K to=gpu', 'read 0x10000', 'expect last.value == 7', ''].join('\n'));

  it('after a migrate and a fault, walks back through the fault path and then the migration', async () => {
    await h.launch(PTE, { lines: [6] });
    await h.stopped('breakpoint');
    const r = (await h.dc.customRequest('kstep/why', { expression: 'task.init.pte[0x10000]', depth: 4 })).body as { writes: Array<StepJson & { stack: string[]; change: string }> };
    const [back, , toDevice] = r.writes;
    // The read's fault: do_swap_page hands the device-private entry to the driver, which migrates it back.
    expect(back?.line).toBe(5);
    expect(back?.stack.slice(0, 2)).toEqual(['handle_mm_fault', 'handle_pte_fault']);
    expect(back?.stack).toContain('do_swap_page');
    expect(back?.function).toMatch(/^migrate_vma_/);
    expect(back?.change).toMatch(/kind: present/);
    // Further back: the migration to the device left the device-private entry.
    expect(toDevice?.line).toBe(4);
    expect(toDevice?.function).toMatch(/^migrate_vma_/);
    expect(toDevice?.change).toMatch(/→ \{kind: device_private/);
    await h.dc.customRequest('kstep/gotoStep', { step: back?.step });
    await h.stopped('goto');
    expect((await h.stack()).map((f) => f.name.replace(/\(.*$/, ''))).toEqual(expect.arrayContaining(['handle_mm_fault', 'do_swap_page']));
  });
});

describe('the history requests under hostile arguments', () => {
  it('answer every shape of argument with a response, never a stack, and leave the session stopped where it was', async () => {
    await h.launch(P, { stopOnEntry: true });
    await h.stopped('entry');
    const values: unknown[] = [undefined, null, 0, -1, 1.5, 2 ** 53, 1e308, '', 'resv.f.', 'x'.repeat(5000), 'history(history(time.ns))', 'when(', ')', '__proto__',
      'time.ns', 'resv.f.adds_in_progress', 'last', [], {}, { a: 1 }, true, 'next', 'prev', 'sideways'];
    const commands = ['kstep/history', 'kstep/when', 'kstep/why', 'kstep/gotoStep'];
    let seed = 7;
    const pick = <T>(xs: readonly T[]): T => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return xs[seed % xs.length] as T;
    };
    for (let i = 0; i < 200; i++) {
      const command = pick(commands);
      const r = await h.raw(command, pick([undefined, 7, 'x', { expression: pick(values), direction: pick(values), depth: pick(values), step: command === 'kstep/gotoStep' ? pick([-1, 1.5, 'x', 1e9, null]) : pick(values) }]));
      expect(JSON.stringify(r)).not.toMatch(/\bat .*\.(js|ts):\d+/);
      if (r.success && command === 'kstep/gotoStep') throw new Error('a bad step was accepted');
    }
    for (const expression of ['history(x'.repeat(3), 'why()', 'when(true, sideways)', 'history(resv.f.)']) {
      const r = await h.raw('evaluate', { expression, context: 'repl' });
      expect(r.success).toBe(false);
    }
    expect(await h.where()).toEqual(['worked.kstep@2']);
  });
});
