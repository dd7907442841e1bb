import { afterAll, describe, expect, it } from 'vitest';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { Harness, Scenarios, openPerTest } from '../support/dap';
import { R, RESV } from './scenarios';

/*
 * Kernel frames as a C debugger shows them (issue 16): the value a callee
 * returned, as a pseudo-local of its caller after Step Out or Step Over;
 * Step Back Into the call that just returned; struct-valued arguments and
 * locals that expand to the fields of the state they stand for.
 */
const MM = `mmap 0x100000 16K
read 0x100000
write 0x100000 7
expect task.init.rss == 1
`;
const files = new Scenarios();
const P = files.write('resv.kstep', RESV);
const Q = files.write('mm.kstep', MM);
afterAll(() => files.dispose());

let h: Harness;
openPerTest((x) => (h = x));

async function locals(frameId: number): Promise<DebugProtocol.Variable[]> {
  const s = (await h.scopes(frameId)).find((x) => x.presentationHint === 'locals');
  if (!s) throw new Error('no Locals scope');
  return h.vars(s.variablesReference);
}

const byName = (vs: DebugProtocol.Variable[], name: string): DebugProtocol.Variable => {
  const v = vs.find((x) => x.name === name);
  if (!v) throw new Error(`no ${name} in ${vs.map((x) => x.name).join(', ')}`);
  return v;
};

/** Into region_add f 0 5 and on to `add_reservation_in_range` (count only): region_add's first callee. */
async function intoCountingWalk(): Promise<void> {
  await h.launch(P, { lines: [R.add05] });
  await h.stopped('breakpoint');
  await h.go('stepIn'); // region_add: retry
  await h.go('stepIn'); // add_reservation_in_range: walk
  expect((await h.where()).slice(0, 2).map((w) => w.split('(')[0])).toEqual(['add_reservation_in_range', 'region_add']);
}

describe('return values', () => {
  it('Step Out shows each caller what its callee returned, through every frame to the scenario', async () => {
    await intoCountingWalk();
    await h.go('stepOut');
    let top = await h.top();
    expect(top.name).toMatch(/^region_add\(/);
    const ret = byName(await locals(top.id), 'add_reservation_in_range returned');
    expect(ret.value).toBe('{add: 3, needed: 2}');
    expect(ret.variablesReference).toBeGreaterThan(0);
    expect((await h.vars(ret.variablesReference)).map((v) => `${v.name}=${v.value}`)).toEqual(['add=3', 'needed=2']);
    expect(ret.evaluateName).toBe('frame["add_reservation_in_range returned"]');
    expect(await h.ev(ret.evaluateName as string, 'watch', { frameId: top.id })).toBe(ret.value);
    // Out of region_add: the scenario's frame shows what the statement's call returned.
    await h.go('stepOut');
    top = await h.top();
    expect(top.line).toBe(R.expect5);
    const scopes = await h.scopes(top.id);
    // Last in the list: it comes and goes from one statement to the next, and the scopes before it stay put.
    const last = scopes[scopes.length - 1];
    expect(last?.name).toBe('Locals');
    const [r] = await h.vars(last?.variablesReference ?? 0);
    expect(`${r?.name}=${r?.value}`).toBe('region_add returned=3');
    expect(r?.evaluateName).toBe('frame["region_add returned"]');
    expect(await h.ev(r?.evaluateName as string, 'watch', { frameId: top.id })).toBe('3');
    // It belongs to that statement: the next one's start has none.
    await h.go('next');
    expect((await h.scopes()).map((s) => s.name)).not.toContain('Locals');
  });

  it('Step Over a call inside a kernel function shows what it returned', async () => {
    await h.launch(P, { lines: [R.chg05] });
    await h.stopped('breakpoint');
    await h.go('stepIn'); // region_chg: count
    let top = await h.top();
    expect((await locals(top.id)).map((v) => v.name)).not.toContain('add_reservation_in_range returned');
    await h.go('next');
    top = await h.top();
    expect(top.name).toMatch(/^region_chg\(/);
    const vs = await locals(top.id);
    expect(vs[0]?.name).toBe('add_reservation_in_range returned');
    expect(vs[0]?.value).toBe('{add: 3, needed: 2}');
    // region_chg's own return, an errno-or-count record, in the scenario frame after it.
    await h.go('stepOut');
    const sc = (await h.scopes()).find((s) => s.name === 'Locals');
    expect((await h.vars(sc?.variablesReference ?? 0)).map((v) => `${v.name}=${v.value}`)).toEqual(['region_chg returned={ret: 3, out_regions_needed: 2}']);
  });
});

describe('step back into', () => {
  it('kstep/stepBackInto from the statement after region_add lands on region_add\'s last step point; stepBack stays in the scenario', async () => {
    await h.launch(P, { lines: [R.expect5] });
    await h.stopped('breakpoint');
    await h.dc.customRequest('kstep/stepBackInto', { threadId: 1 });
    await h.stopped('step');
    const into = await h.where();
    expect(into[0]).toMatch(/^region_add\(/);
    expect(into).toHaveLength(2);
    // Exact: the same place and values as stepping forward to it.
    const seen = await h.view();
    await h.go('next');
    expect((await h.top()).line).toBe(R.expect5);
    await h.go('stepBack', { granularity: 'instruction' });
    expect(await h.view()).toEqual(seen);
    // Step back over the same call stays in the scenario, on the statement that made it.
    await h.go('next');
    await h.go('stepBack');
    expect(await h.stack()).toHaveLength(1);
    expect((await h.top()).line).toBe(R.add05);
  });

  it('from a kernel line after a call returned, into the callee at its last step point, equal to a forward visit', async () => {
    await h.launch(P, { lines: [R.add05] });
    await h.stopped('breakpoint');
    await h.go('stepIn'); // region_add: retry
    await h.go('next'); // over the counting walk: check_cache
    const inCaller = await h.where();
    await h.dc.customRequest('kstep/stepBackInto', { threadId: 1 });
    await h.stopped('step');
    const back = await h.view();
    expect(back.stack[0]).toMatch(/^add_reservation_in_range\(.*count_only=true/);
    expect(back.stack).toHaveLength(3);
    // Forward from here is the caller again.
    await h.go('next');
    expect(await h.where()).toEqual(inCaller);
    // And the callee's last point, reached forward from its previous one, reads the same.
    await h.dc.customRequest('kstep/stepBackInto', { threadId: 1 });
    await h.stopped('step');
    await h.go('stepBack');
    expect((await h.stack())).toHaveLength(3);
    await h.go('next');
    expect(await h.view()).toEqual(back);
  });
});

describe('struct-valued arguments and locals', () => {
  it('resv expands to the resv_map\'s fields, read from the state tree, with their state paths', async () => {
    await intoCountingWalk();
    const top = await h.top();
    const resv = byName(await locals(top.id), 'resv');
    expect(resv.variablesReference).toBeGreaterThan(0);
    expect(resv.evaluateName).toBe('resv.f');
    const fields = await h.vars(resv.variablesReference);
    expect(fields.map((v) => [v.name, v.evaluateName])).toEqual([
      ['regions', 'resv.f.regions'],
      ['adds_in_progress', 'resv.f.adds_in_progress'],
      ['region_cache_count', 'resv.f.region_cache_count'],
    ]);
    for (const f of fields) expect(await h.ev(f.evaluateName as string, 'watch', { frameId: top.id })).toBe(f.value);
    expect(await h.ev('frame.resv.adds_in_progress', 'watch', { frameId: top.id })).toBe(await h.ev('resv.f.adds_in_progress'));
    // The caller's resv is the same map.
    const caller = (await h.stack())[1];
    expect(byName(await locals(caller?.id ?? 0), 'resv').evaluateName).toBe('resv.f');
  });

  it('a fault\'s vma and the written page expand to the task\'s vma and the struct page', async () => {
    await h.launch(Q, { functions: ['handle_mm_fault', 'do_wp_page'] });
    await h.stopped('function breakpoint');
    await h.go('next'); // find_vma
    let top = await h.top();
    const vma = byName(await locals(top.id), 'vma');
    expect(vma.evaluateName).toBe('task.init.vma[0]');
    expect(vma.variablesReference).toBeGreaterThan(0);
    const fields = await h.vars(vma.variablesReference);
    expect(fields.map((v) => v.name)).toEqual(expect.arrayContaining(['start', 'end', 'prot', 'shared']));
    expect(byName(fields, 'start').evaluateName).toBe('task.init.vma[0].start');
    expect(await h.ev('task.init.vma[0].start', 'watch', { frameId: top.id })).toBe(byName(fields, 'start').value);
    await h.go('continue'); // the write: handle_mm_fault again, then do_wp_page on the zero page
    await h.go('continue');
    top = await h.top();
    expect(top.name).toMatch(/^do_wp_page\(/);
    const page = byName(await locals(top.id), 'page');
    expect(page.evaluateName).toMatch(/^page\[0x[0-9a-f]+\]$/);
    expect(page.variablesReference).toBeGreaterThan(0);
    expect((await h.vars(page.variablesReference)).map((v) => v.name)).toContain('refcount');
  });
});

describe('inline values in a listing', () => {
  it('kstep/frameLocals gives the selected kernel frame\'s listing, lines and locals, and nothing for the scenario frame', async () => {
    await intoCountingWalk();
    const [inner, caller, scen] = await h.stack();
    const r = (await h.dc.customRequest('kstep/frameLocals', { frameId: caller?.id })).body as { path: string; fn: string; fnLine: number; line: number; locals: Array<{ name: string; value: string }> };
    expect(r.path).toBe('mm/hugetlb.c');
    expect(r.fn).toBe('region_add');
    expect(r.line).toBe(caller?.line);
    expect(r.fnLine).toBeLessThan(r.line);
    expect(r.locals.map((x) => x.name)).toEqual(['resv', 'f', 't', 'in_regions_needed']);
    expect(r.locals.find((x) => x.name === 'f')?.value).toBe('0');
    const i = (await h.dc.customRequest('kstep/frameLocals', { frameId: inner?.id })).body as { fn: string };
    expect(i.fn).toBe('add_reservation_in_range');
    expect((await h.dc.customRequest('kstep/frameLocals', { frameId: scen?.id })).body).toEqual({});
  });
});

