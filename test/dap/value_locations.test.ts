/**
 * DAP `locations` for valueLocationReference: a state value in Variables or
 * a watch links to where it was last written, the kernel listing line of the
 * write (region_chg's `+=` on adds_in_progress), or the scenario statement
 * when no kernel function wrote it; frame locals and query results get no
 * reference, and an unknown reference is an error.
 */
import { describe, expect, it } from 'vitest';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { Harness, lineOf, openPerTest, suiteScenario, WORKED_EXAMPLE as WORKED } from '../support/dap';
import { noWriteText } from '../../src/adapter/value_locations';
import { formatValue, parseExpression, runQuery, whyOf } from '../../src/sim';
import { valueAt } from '../../src/sim/query/point';
import { sim } from '../support/kit';

const P = suiteScenario('worked.kstep', WORKED);

let h: Harness;
openPerTest((x) => (h = x));

type Location = NonNullable<DebugProtocol.LocationsResponse['body']>;

async function locate(ref: number | undefined): Promise<Location> {
  expect(ref).toBeGreaterThan(0);
  return (await h.dc.customRequest('locations', { locationReference: ref })).body as Location;
}

/** The 1-based line of a listing holding `needle` after `fn(` opens. */
async function listingLine(src: DebugProtocol.Source, fn: string, needle: string): Promise<number> {
  const text = (await h.dc.customRequest('source', { source: src, sourceReference: src.sourceReference ?? 0 })).body.content as string;
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.includes(`${fn}(`) && !l.trim().endsWith(';'));
  return lines.findIndex((l, i) => i > start && l.includes(needle)) + 1;
}

describe('locations for a value', () => {
  it('adds_in_progress in Variables links to region_chg\'s += line in mm/hugetlb.c', async () => {
    await h.launch(P, { lines: [lineOf(WORKED, 'region_chg f 0 5') + 1] });
    await h.stopped('breakpoint');
    const hugetlb = await h.scope('hugetlb');
    const v = await h.child(hugetlb.variablesReference, 'resv', 'f', 'adds_in_progress');
    expect(v.value).toBe('2');
    const loc = await locate(v.valueLocationReference);
    expect(loc.source.path).toBe('kstep-kernel:/mm/hugetlb.c');
    expect(loc.line).toBe(await listingLine(loc.source, 'region_chg', 'resv->adds_in_progress += *out_regions_needed'));
    // The search leaves the debugger where it was.
    expect(await h.where()).toEqual([`worked.kstep@${lineOf(WORKED, 'region_chg f 0 5') + 1}`]);
  });

  it('a watch gets the same link, at the write kstep/why names', async () => {
    await h.launch(P, { lines: [lineOf(WORKED, 'region_chg f 0 5') + 1] });
    await h.stopped('breakpoint');
    for (const expression of ['resv.f.adds_in_progress', 'last.regions_needed', 'resv.f.regions[1][1]']) {
      const w = (await h.dc.evaluateRequest({ expression, context: 'watch' })).body;
      const loc = await locate(w.valueLocationReference);
      const why = (await h.dc.customRequest('kstep/why', { expression, depth: 1 })).body as { writes: Array<{ path?: string; listingLine?: number; line: number }> };
      const write = why.writes[0];
      expect(loc.source.path, expression).toBe(write?.path ? `kstep-kernel:/${write.path}` : P);
      expect(loc.line, expression).toBe(write?.listingLine ?? write?.line);
    }
  });

  it('on the kernel before 004 the write is in that kernel\'s listing', async () => {
    await h.launch(P, { lines: [lineOf(WORKED, 'region_chg f 0 5')], extra: { kernel: 'before=004' } });
    await h.stopped('breakpoint');
    const w = (await h.dc.evaluateRequest({ expression: 'resv.f.regions[2][0]', context: 'watch' })).body;
    const loc = await locate(w.valueLocationReference);
    expect(loc.source.path).toBe('kstep-kernel:/mm/hugetlb.c (before 004)');
  });

  it('frame locals and query results carry no reference; a stale or unknown one is an error', async () => {
    await h.launch(P, { lines: [lineOf(WORKED, 'region_chg f 0 5')] });
    await h.stopped('breakpoint');
    await h.go('stepIn');
    const locals = await h.vars((await h.scopes())[0]?.variablesReference ?? 0);
    const scalar = locals.filter((v) => v.variablesReference === 0);
    expect(scalar.length).toBeGreaterThan(0);
    for (const v of scalar) expect(v.valueLocationReference, v.name).toBeUndefined();
    const q = (await h.dc.evaluateRequest({ expression: 'history(resv.f.adds_in_progress)', context: 'repl' })).body;
    for (const v of await h.vars(q.variablesReference)) expect(v.valueLocationReference).toBeUndefined();
    expect(await h.fails('locations', { locationReference: 99999 })).toMatch(/no location reference 99999/);
    expect(await h.fails('locations', {})).toMatch(/no location reference/);
  });

  it('a console value\'s reference taken before a next names nothing after it, not another value', async () => {
    await h.launch(P, { lines: [lineOf(WORKED, 'region_chg f 0 5')] });
    await h.stopped('breakpoint');
    const before = (await h.dc.evaluateRequest({ expression: 'resv.f.adds_in_progress', context: 'repl' })).body;
    expect(before.valueLocationReference).toBeGreaterThan(0);
    await h.go('next');
    // The first value of the new stop: with numbers restarting at each stop it would get the old one.
    const after = (await h.dc.evaluateRequest({ expression: 'hugetlb.free', context: 'repl' })).body;
    expect(after.valueLocationReference).toBeGreaterThan(0);
    expect(after.valueLocationReference).not.toBe(before.valueLocationReference);
    expect(await h.fails('locations', { locationReference: before.valueLocationReference })).toMatch(/no location reference/);
  });

  it('a value unchanged since the first step point says so', async () => {
    await h.launch(P, { lines: [lineOf(WORKED, 'region_chg f 0 5')] });
    await h.stopped('breakpoint');
    const w = (await h.dc.evaluateRequest({ expression: 'hugetlb.free', context: 'watch' })).body;
    expect(w.valueLocationReference).toBeGreaterThan(0);
    expect(await h.fails('locations', { locationReference: w.valueLocationReference })).toMatch(/has not changed since the first step point/);
  });

  it('a capped search says how far back it found no write, not that the value never changed', () => {
    const s = sim(WORKED);
    const m = s.machine;
    m.resume('continue');
    const e = parseExpression('resv.f.regions');
    if ('error' in e) throw new Error(e.error);
    const origin = m.step;
    const r = runQuery(whyOf(m, e, 1, { maxPoints: 3, maxResults: 1000 }));
    expect(r.capped).toBe('points');
    expect(r.writes).toEqual([]);
    expect(r.searched).toBeGreaterThan(0);
    expect(m.step).toBe(origin);
    const text = noWriteText('resv.f.regions', r);
    expect(text).toBe(`resv.f.regions: no write in the last ${r.searched} step points (the search stops after ${r.scanned})`);
    // The claim holds: the value is the same at every one of those step points.
    const now = formatValue(valueAt(m, e) ?? false);
    for (let step = origin - r.searched; step < origin; step++) {
      m.goto(step);
      expect(formatValue(valueAt(m, e) ?? false), `step ${step}`).toBe(now);
    }
    // An uncapped search that finds nothing: the value has not changed since the first step point.
    m.goto(origin);
    const free = parseExpression('hugetlb.free');
    if ('error' in free) throw new Error(free.error);
    expect(noWriteText('hugetlb.free', runQuery(whyOf(m, free, 1)))).toBe('hugetlb.free has not changed since the first step point');
  });
});
