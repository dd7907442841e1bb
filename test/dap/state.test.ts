import { afterAll, describe, expect, it } from 'vitest';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { Harness, Scenarios, openPerTest } from '../support/dap';
import { BIG, R, RESV } from './scenarios';

const files = new Scenarios();
const P = {
  resv: files.write('resv.kstep', RESV),
  big: files.write('big.kstep', BIG),
};
afterAll(() => files.dispose());

let h: Harness;
openPerTest((x) => (h = x));

/** Stopped at the start of `region_add f 0 5`: regions [[0,1],[2,3],[5,6]], adds_in_progress 2, cache 2. */
async function atAdd05(): Promise<void> {
  await h.launch(P.resv, { lines: [R.add05] });
  await h.stopped('breakpoint');
}

async function resvF(): Promise<DebugProtocol.Variable> {
  return h.child((await h.scope('hugetlb')).variablesReference, 'resv', 'f');
}

describe('scopes and variables', () => {
  it('a scenario frame has no Locals; the scopes are the mechanisms with state', async () => {
    await atAdd05();
    const scopes = await h.scopes();
    expect(scopes.map((s) => s.name)).toEqual(['hugetlb', 'last', 'time']);
    const time = await h.vars(scopes[2]?.variablesReference ?? 0);
    expect(time.map((v) => `${v.name}=${v.value}`)).toEqual(['ticks=0', 'ns=0 ns']);
    const last = await h.vars(scopes[1]?.variablesReference ?? 0);
    expect(last.map((v) => `${v.name}=${v.value}`)).toEqual(['ret=3', 'regions_needed=2']);
    const hug = await h.vars(scopes[0]?.variablesReference ?? 0);
    expect(hug.map((v) => v.name)).toEqual(['resv', 'hugetlb']);
  });

  it('Locals of a kernel frame show its arguments and locals with values', async () => {
    await atAdd05();
    await h.go('stepIn'); // region_add: retry
    await h.go('next'); // after the counting walk
    const top = await h.top();
    expect(top.name).toBe('region_add(resv=f, f=0, t=5, in_regions_needed=2)');
    const locals = await h.scope('Locals: region_add', top.id);
    expect(locals.presentationHint).toBe('locals');
    const vars = await h.vars(locals.variablesReference);
    expect(vars.map((v) => `${v.name}=${v.value}`)).toEqual([
      'add_reservation_in_range returned={add: 3, needed: 2}',
      'resv={regions: [[0, 1], [2, 3], [5, 6]], adds_in_progress: 2, region_cache_count: 2}',
      'f=0',
      't=5',
      'in_regions_needed=2',
      'actual_regions_needed=2',
    ]);
    expect(vars.map((v) => v.evaluateName)).toEqual(['frame["add_reservation_in_range returned"]', 'resv.f', 'frame.f', 'frame.t', 'frame.in_regions_needed', 'frame.actual_regions_needed']);
    expect(await h.ev('frame.actual_regions_needed', 'watch', { frameId: top.id })).toBe('2');
    // A caller frame's Locals are its own.
    await h.go('stepIn');
    await h.go('stepIn');
    const st = await h.stack();
    expect(st[0]?.name).toMatch(/^add_reservation_in_range\(/);
    const callerLocals = await h.vars((await h.scope('Locals: region_add', st[1]?.id)).variablesReference);
    expect(callerLocals.map((v) => v.name)).toContain('actual_regions_needed');
    expect(await h.ev('frame.count_only', 'watch', { frameId: st[0]?.id })).toBe('false');
    expect(await h.ev('frame.in_regions_needed', 'watch', { frameId: st[1]?.id })).toBe('2');
  });

  it('children are made when a node is expanded; records and lists report their sizes', async () => {
    await atAdd05();
    const f = await resvF();
    expect(f.namedVariables).toBe(3);
    expect(f.value).toBe('{regions: [[0, 1], [2, 3], [5, 6]], adds_in_progress: 2, region_cache_count: 2}');
    const regions = (await h.vars(f.variablesReference)).find((v) => v.name === 'regions') as DebugProtocol.Variable;
    expect(regions.indexedVariables).toBe(3);
    expect(regions.evaluateName).toBe('resv.f.regions');
    const items = await h.vars(regions.variablesReference);
    expect(items.map((v) => `${v.name}=${v.value}:${v.evaluateName}`)).toEqual([
      '[0]=[0, 1]:resv.f.regions[0]',
      '[1]=[2, 3]:resv.f.regions[1]',
      '[2]=[5, 6]:resv.f.regions[2]',
    ]);
    const pair = await h.vars(items[2]?.variablesReference ?? 0);
    expect(pair.map((v) => `${v.name}=${v.value}:${v.evaluateName}`)).toEqual(['[0]=5:resv.f.regions[2][0]', '[1]=6:resv.f.regions[2][1]']);
    expect(await h.ev('resv.f.regions[2][1]')).toBe('6');
    // Filters: a list has no named children, a record no indexed ones.
    expect(await h.vars(regions.variablesReference, { filter: 'named' })).toEqual([]);
    expect(await h.vars(f.variablesReference, { filter: 'indexed' })).toEqual([]);
  });

  it('indexedVariables paging with start/count over thousands of regions', async () => {
    await h.launch(P.big, { lines: [7] });
    await h.stopped('breakpoint');
    const r = await h.dc.evaluateRequest({ expression: 'resv.f.regions', context: 'watch' });
    expect(r.body.result).toBe('[3000 items]');
    expect(r.body.indexedVariables).toBe(3000);
    const ref = r.body.variablesReference;
    const page = await h.vars(ref, { filter: 'indexed', start: 1500, count: 3 });
    expect(page.map((v) => `${v.name}=${v.value}`)).toEqual(['[1500]=[3000, 3001]', '[1501]=[3002, 3003]', '[1502]=[3004, 3005]']);
    const last = await h.vars(ref, { filter: 'indexed', start: 2998, count: 100 });
    expect(last.map((v) => v.name)).toEqual(['[2998]', '[2999]']);
    expect(await h.vars(ref, { filter: 'indexed', start: 5000, count: 10 })).toEqual([]);
    // The same list through the Variables view.
    const regions = await h.child((await h.scope('hugetlb')).variablesReference, 'resv', 'f', 'regions');
    expect(regions.indexedVariables).toBe(3000);
    expect(regions.value).toBe('[3000 items]');
    const first = await h.vars(regions.variablesReference, { start: 0, count: 2 });
    expect(first.map((v) => v.value)).toEqual(['[0, 1]', '[2, 3]']);
    expect(await h.ev('resv.f.regions[2999]')).toBe('[5998, 5999]');
  });

  it('valueFormat hex on variables and evaluate', async () => {
    await atAdd05();
    const f = await resvF();
    const hex = await h.vars(f.variablesReference, { format: { hex: true } });
    expect(hex.map((v) => `${v.name}=${v.value}`)).toEqual([
      'regions=[[0x0, 0x1], [0x2, 0x3], [0x5, 0x6]]',
      'adds_in_progress=0x2',
      'region_cache_count=0x2',
    ]);
    const dec = await h.vars(f.variablesReference, { format: { hex: false } });
    expect(dec.find((v) => v.name === 'adds_in_progress')?.value).toBe('2');
    expect(await h.ev('resv.f.adds_in_progress + 14', 'watch', { format: { hex: true } })).toBe('0x10');
    expect(await h.ev('resv.f.adds_in_progress + 14', 'watch')).toBe('16');
  });
});

describe('evaluate', () => {
  it('constants evaluate to their value, shown with their name, in decimal or hex', async () => {
    await atAdd05();
    expect(await h.ev('HVCALL_POST_MESSAGE')).toBe('HVCALL_POST_MESSAGE (92)');
    expect(await h.ev('HVCALL_POST_MESSAGE', 'hover')).toBe('HVCALL_POST_MESSAGE (92)');
    expect(await h.ev('HVCALL_POST_MESSAGE', 'watch', { format: { hex: true } })).toBe('HVCALL_POST_MESSAGE (0x5c)');
    expect(await h.ev('HVCALL_POST_MESSAGE == 0x5c')).toBe('true');
    expect(await h.ev('HVCALL_POST_MESSAGE + 0')).toBe('92');
    expect(await h.ev('-ENOMEM')).toBe('-12');
  });

  it('hover on words that are not paths or constants is an error response; the session goes on', async () => {
    await atAdd05();
    for (const word of ['f', 'region_add', 'no_such_thing']) {
      expect(await h.fails('evaluate', { expression: word, context: 'hover' }), word).toMatch(/not a state path or a constant/);
    }
    expect(await h.fails('evaluate', { expression: 'resv.g', context: 'hover' })).toBeTruthy();
    expect(await h.ev('resv.f.adds_in_progress', 'hover')).toBe('2');
  });

  it('a statement typed in the console runs at the current position; stepBack undoes it', async () => {
    await atAdd05();
    const before = await h.view();
    const r = await h.dc.evaluateRequest({ expression: 'region_chg f 0 9', context: 'repl' });
    expect(r.body.result).toBe('last = {ret: 6, regions_needed: 3}');
    const inv = await h.next<DebugProtocol.InvalidatedEvent>('invalidated');
    expect(inv.body.areas).toContain('all');
    expect(await h.ev('resv.f.adds_in_progress')).toBe('5');
    expect(await h.ev('last.regions_needed')).toBe('3');
    expect((await h.top()).line).toBe(R.add05);
    expect(h.pending('stopped')).toEqual([]);
    await h.go('stepBack');
    expect(await h.view()).toEqual(before);
    expect(await h.ev('resv.f.adds_in_progress')).toBe('2');
  });

  it('a console statement that changes state is replayed going forward again', async () => {
    await atAdd05();
    await h.dc.evaluateRequest({ expression: 'region_chg f 0 9', context: 'repl' });
    await h.go('next');
    // region_add subtracts its in_regions_needed (3, from the console's region_chg) from 5.
    expect(await h.ev('resv.f.adds_in_progress')).toBe('2');
    await h.go('stepBack');
    await h.go('stepBack');
    expect(await h.ev('resv.f.adds_in_progress')).toBe('2');
    await h.go('next');
    await h.go('next');
    expect(await h.ev('resv.f.adds_in_progress')).toBe('2');
    expect(await h.ev('resv.f.regions')).toBe('[[0, 1], [1, 2], [2, 3], [3, 5], [5, 6]]');
  });

  it('console paths are expressions, not statements; a bad statement is an error and nothing changes', async () => {
    await atAdd05();
    expect(await h.ev('resv.f.adds_in_progress', 'repl')).toBe('2');
    expect(await h.ev('hugetlb.inject_enomem', 'repl')).toBe('0');
    expect(await h.fails('evaluate', { expression: 'region_chg nosuchfile 0 1', context: 'repl' })).toMatch(/nosuchfile/);
    expect(await h.fails('evaluate', { expression: 'region_chg f 0', context: 'repl' })).toBeTruthy();
    expect(await h.ev('resv.f.adds_in_progress', 'repl')).toBe('2');
    expect(await h.ev('last', 'repl')).toBe('{ret: 3, regions_needed: 2}');
    const r = await h.dc.evaluateRequest({ expression: 'print "x", resv.f.adds_in_progress', context: 'repl' });
    expect(r.body.result).toBe('done');
    expect(h.output('stdout')).toBe('x 2\n');
  });

  it('completions for paths, statement words and constants', async () => {
    await atAdd05();
    const labels = async (text: string, column = text.length + 1): Promise<string[]> =>
      (await h.dc.completionsRequest({ text, column })).body.targets.map((t) => t.label);
    expect(await labels('resv.')).toEqual(['f']);
    expect(await labels('resv.f.')).toEqual(['regions', 'adds_in_progress', 'region_cache_count']);
    expect(await labels('resv.f.re')).toEqual(['regions', 'region_cache_count']);
    expect(await labels('len(resv.f.a')).toEqual(['adds_in_progress']);
    expect(await labels('regi')).toEqual(expect.arrayContaining(['region_chg', 'region_add', 'region_del', 'region_count', 'region_abort']));
    expect(await labels('HVCALL_PO')).toContain('HVCALL_POST_MESSAGE');
    expect(await labels('expect resv.f.adds_in_progress == ENOM')).toContain('ENOMEM');
    // Statement words only at the start of the line.
    expect(await labels('expect regi')).not.toContain('region_chg');
    expect(await labels('res')).toContain('resv');
    expect(await labels('resv.nope.')).toEqual([]);
  });
});

describe('setVariable and setExpression', () => {
  it('setVariable changes a counter, emits invalidated, and stepBack undoes it', async () => {
    await atAdd05();
    const f = await resvF();
    const r = await h.dc.setVariableRequest({ variablesReference: f.variablesReference, name: 'adds_in_progress', value: '7' });
    expect(r.body.value).toBe('7');
    expect((await h.next<DebugProtocol.InvalidatedEvent>('invalidated')).body.areas).toContain('variables');
    expect(await h.ev('resv.f.adds_in_progress')).toBe('7');
    expect(h.pending('stopped')).toEqual([]);
    // The simulation goes on from the changed value: region_add subtracts 2.
    await h.go('next');
    expect(await h.ev('resv.f.adds_in_progress')).toBe('5');
    await h.go('stepBack');
    expect(await h.ev('resv.f.adds_in_progress')).toBe('7');
    await h.go('stepBack');
    expect(await h.ev('resv.f.adds_in_progress')).toBe('2');
    expect((await h.top()).line).toBe(R.add05);
  });

  it('setExpression changes a state path from an expression value', async () => {
    await atAdd05();
    const r = await h.dc.customRequest('setExpression', { expression: 'resv.f.region_cache_count', value: 'resv.f.adds_in_progress + 3' });
    expect((r.body as DebugProtocol.SetExpressionResponse['body']).value).toBe('5');
    await h.next('invalidated');
    expect(await h.ev('resv.f.region_cache_count')).toBe('5');
    const hex = await h.dc.customRequest('setExpression', { expression: 'hugetlb.inject_enomem', value: '16', format: { hex: true } });
    expect((hex.body as DebugProtocol.SetExpressionResponse['body']).value).toBe('0x10');
    await h.go('stepBack');
    await h.go('stepBack');
    expect(await h.ev('resv.f.region_cache_count')).toBe('2');
    expect(await h.ev('hugetlb.inject_enomem')).toBe('0');
  });

  it('read-only values and bad values are error responses; nothing changes and the session goes on', async () => {
    await atAdd05();
    const time = await h.scope('time');
    expect(await h.fails('setVariable', { variablesReference: time.variablesReference, name: 'ns', value: '5' })).toMatch(/cannot be changed/);
    const f = await resvF();
    expect(await h.fails('setVariable', { variablesReference: f.variablesReference, name: 'regions', value: '[]' })).toMatch(/cannot be changed/);
    expect(await h.fails('setVariable', { variablesReference: f.variablesReference, name: 'adds_in_progress', value: '"many"' })).toMatch(/integer/);
    expect(await h.fails('setVariable', { variablesReference: f.variablesReference, name: 'adds_in_progress', value: '1 +' })).toBeTruthy();
    // Messages are shown as they are: braces in a value are not doubled (nor taken for a template).
    const braces = await h.fails('setVariable', { variablesReference: f.variablesReference, name: 'adds_in_progress', value: 'resv.f' });
    expect(braces).toContain('{regions: [[0, 1], [2, 3], [5, 6]], adds_in_progress: 2, region_cache_count: 2}');
    expect(braces).not.toContain('{{');
    expect(await h.fails('setExpression', { expression: 'resv.f.adds_in_progress', value: '"{_x}"' })).toContain('"{_x}"');
    expect(await h.fails('setExpression', { expression: 'last.ret', value: '1' })).toMatch(/cannot be changed/);
    expect(await h.fails('setVariable', { variablesReference: 999_999, name: 'x', value: '1' })).toMatch(/gone/);
    await h.go('stepIn');
    const locals = await h.scope('Locals: region_add');
    expect(await h.fails('setVariable', { variablesReference: locals.variablesReference, name: 'f', value: '1' })).toMatch(/read-only/);
    expect(await h.ev('resv.f.adds_in_progress')).toBe('2');
    expect(await h.ev('time.ns')).toBe('0 ns');
    expect(h.pending('invalidated')).toEqual([]);
    await h.go('stepOut');
    expect(await h.ev('resv.f.regions')).toBe('[[0, 1], [1, 2], [2, 3], [3, 5], [5, 6]]');
  });
});
