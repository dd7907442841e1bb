/**
 * The one-line seam: a mechanism that exists only in this test, added to the
 * descriptor list, shows up in parsing, running, the Variables view,
 * exception filters, function breakpoints, threads, the state picture, the
 * editor's completions and hovers, and the grammar — with no other file of
 * kstep edited.
 */
import { readFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo, Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import * as oniguruma from 'vscode-oniguruma';
import * as textmate from 'vscode-textmate';
import type { MechanismDescriptor } from '../../src/sim';
import { evaluate, formatValue, parseExpression, parseScenario, Registry, REGISTRY } from '../../src/sim';
import { MECHANISMS } from '../../src/sim/mechanisms';
import { KstepSession } from '../../src/adapter/session';
import { withRegistry } from '../../src/extension/grammar';
import { completionsAt } from '../../src/extension/language/completion';
import { hoverText } from '../../src/extension/language_info';
import { Toy, toyMechanism } from '../support/toy/mechanism';

const ROOT = join(__dirname, '..', '..');
const WITH_TOY = new Registry([...MECHANISMS, toyMechanism]);

function run(source: string, registry = WITH_TOY): ReturnType<Registry['createSimulation']> {
  const { program, diagnostics } = parseScenario('toy.kstep', source, registry);
  if (diagnostics.length) throw new Error(diagnostics.map((d) => d.message).join('\n'));
  const sim = registry.createSimulation(program);
  sim.machine.breakpoints.setExceptions([]);
  sim.machine.resume('continue');
  return sim;
}

function value(sim: ReturnType<typeof run>, expr: string): string {
  const e = parseExpression(expr);
  if ('error' in e) throw new Error(e.error);
  return formatValue(evaluate(sim.machine, e));
}

describe('a mechanism added to the descriptor list', () => {
  it('parses: its verb is a statement with the registry, an unknown one without', () => {
    expect(parseScenario('t', 'toy poke 3', WITH_TOY).diagnostics).toEqual([]);
    expect(parseScenario('t', 'toy poke', WITH_TOY).diagnostics.map((d) => d.message)).toEqual(["'toy poke' needs <n>"]);
    expect(parseScenario('t', 'toy poke 3', REGISTRY).diagnostics.map((d) => d.message)).toEqual(["unknown statement 'toy'"]);
  });

  it('runs: its state is a root, its result lands in last, and a typed lookup finds its subsystem', () => {
    const sim = run('toy poke 3\ntoy poke 4\nexpect toy.count == 7');
    expect(value(sim, 'toy.count')).toBe('7');
    expect(value(sim, 'last.ret')).toBe('7');
    expect(sim.subsystem(Toy).pokes).toBe(2);
    expect(sim.machine.rootNames()).toContain('toy');
    expect(sim.machine.exception).toBeUndefined();
  });

  it('derives the registry: verb section, root, scope, filter, source, function and alias names', () => {
    expect(WITH_TOY.verbs.get('toy poke')?.section).toBe('toy');
    expect(WITH_TOY.rootNames.has('toy')).toBe(true);
    expect(WITH_TOY.scopes.find((s) => s.name === 'Toy')?.roots).toEqual(['toy']);
    expect(WITH_TOY.exceptionFilters.map((f) => f.kind)).toContain('toy_error');
    expect(WITH_TOY.sources.map((s) => s.path)).toContain('drivers/misc/toy.c');
    expect(WITH_TOY.functionNames.has('toy_poke')).toBe(true);
    expect(WITH_TOY.functionNames.has('poke')).toBe(true);
    expect(REGISTRY.functionNames.has('toy_poke')).toBe(false);
  });

  it('draws its picture section and adds its thread', () => {
    const sim = run('toy poke 5');
    expect(sim.picture()['toy']).toEqual({ count: '5', pokes: 1 });
    expect(sim.threads().map((t) => t.name)).toEqual(['toy worker']);
  });

  it('refuses a list where two mechanisms claim a verb, a root or a filter, or one needs a later one', () => {
    const clash = (over: Partial<MechanismDescriptor>): MechanismDescriptor => ({ ...toyMechanism, id: 'clash', ...over });
    expect(() => new Registry([...MECHANISMS, toyMechanism, clash({ roots: [], scopes: [], exceptionFilters: [], sources: [] })])).toThrow("statement 'toy poke' is declared twice (toy and clash)");
    expect(() => new Registry([...MECHANISMS, toyMechanism, clash({ verbs: [], scopes: [{ name: 'X' }], roots: [{ name: 'toy', scope: 'X', summary: '' }], exceptionFilters: [], sources: [] })])).toThrow("state root 'toy' is declared twice");
    expect(() => new Registry([...MECHANISMS, toyMechanism, clash({ verbs: [], roots: [], sources: [] })])).toThrow("exception filter 'toy_error' is declared twice");
    expect(() => new Registry([clash({ needs: ['hugetlb'] }), ...MECHANISMS])).toThrow("mechanism 'clash' needs 'hugetlb', which must come earlier in the list");
    expect(() => new Registry([...MECHANISMS, clash({ roots: [{ name: 'toy', scope: 'Nowhere', summary: '' }] })])).toThrow("root 'toy' of 'clash' names no scope of its mechanism");
  });

  it('refuses a mechanism that declares a verb it compiles no executor for', () => {
    const mute: MechanismDescriptor = { ...toyMechanism, create: () => ({ ...toyMechanism.create(new Map()), compilers: new Map() }) };
    const reg = new Registry([...MECHANISMS, mute]);
    expect(() => reg.createSimulation(parseScenario('t', '', reg).program)).toThrow("mechanism 'toy' declares 'toy poke' but compiles no executor for it");
  });

  it('completes and hovers in the editor', () => {
    expect(completionsAt('to', WITH_TOY).map((c) => c.label)).toContain('toy');
    expect(completionsAt('toy ', WITH_TOY).map((c) => c.label)).toEqual(['poke']);
    expect(completionsAt('to', REGISTRY).map((c) => c.label)).not.toContain('toy');
    expect(hoverText('toy', false, WITH_TOY)).toContain('the toy counter');
    expect(hoverText('toy', true, WITH_TOY)?.split('\n')[0]).toBe('**toy** `poke`');
    expect(hoverText('toy', true, WITH_TOY)).toContain('[Language reference: toy poke](command:kstep.openLanguageReference?');
  });
});

describe('the grammar derived from the registry', () => {
  let onig: textmate.IOnigLib;
  beforeAll(async () => {
    const wasm = readFileSync(join(ROOT, 'node_modules', 'vscode-oniguruma', 'release', 'onig.wasm'));
    await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
    onig = { createOnigScanner: (p: string[]) => new oniguruma.OnigScanner(p), createOnigString: (s: string) => new oniguruma.OnigString(s) };
  });

  async function tokens(registry: Registry, line: string): Promise<string[]> {
    const raw = JSON.parse(readFileSync(join(ROOT, 'syntaxes', 'kstep.tmLanguage.json'), 'utf8')) as Parameters<typeof withRegistry>[0];
    const text = JSON.stringify(withRegistry(raw, registry));
    const reg = new textmate.Registry({ onigLib: Promise.resolve(onig), loadGrammar: async () => textmate.parseRawGrammar(text, 'kstep.tmLanguage.json') });
    const g = await reg.loadGrammar('source.kstep');
    if (!g) throw new Error('grammar did not load');
    const r = g.tokenizeLine(line, textmate.INITIAL);
    return r.tokens.map((t) => `${line.slice(t.startIndex, t.endIndex)}:${t.scopes[t.scopes.length - 1] ?? ''}`).filter((s) => !/^\s+:/.test(s));
  }

  it('colours the new verb, its sub-verb and its root', async () => {
    expect(await tokens(WITH_TOY, 'toy poke 3')).toEqual(['toy:keyword.other.statement.kstep', 'poke:keyword.other.statement.kstep', '3:constant.numeric.decimal.kstep']);
    expect(await tokens(WITH_TOY, 'expect toy.count == 3')).toContain('toy:variable.language.state.kstep');
    expect(await tokens(REGISTRY, 'toy poke 3')).not.toContain('toy:keyword.other.statement.kstep');
  });

  it('the checked-in grammar is the one the build derives from the mechanisms', () => {
    const file = readFileSync(join(ROOT, 'syntaxes', 'kstep.tmLanguage.json'), 'utf8');
    const raw = JSON.parse(file) as Parameters<typeof withRegistry>[0];
    expect(JSON.stringify(withRegistry(raw, REGISTRY))).toBe(JSON.stringify(raw));
  });
});

describe('the debug adapter with the toy mechanism', () => {
  let server: Server;
  let dc: DebugClient;
  let dir: string;
  let program: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kstep-toy-'));
    program = join(dir, 'toy.kstep');
    writeFileSync(program, 'toy poke 3\ntoy poke 4\ntoy poke 10\nexpect toy.count == 7\n');
    server = createServer((socket) => {
      const session = new KstepSession(WITH_TOY);
      session.setRunAsServer(true);
      session.start(socket, socket);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    dc = new DebugClient(process.execPath, 'unused', 'kstep');
    dc.defaultTimeout = 10_000;
    await dc.start((server.address() as AddressInfo).port);
  });

  afterAll(async () => {
    await dc.stop();
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('offers its filter, stops at its function by name and alias, shows its scope and thread, and stops on its exception', async () => {
    const init = await dc.initializeRequest();
    expect(init.body?.exceptionBreakpointFilters?.map((f) => f.filter)).toContain('toy_error');
    const launched = dc.launch({ program, stopOnEntry: false });
    await dc.waitForEvent('initialized');
    const fbs = await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'toy_poke' }, { name: 'poke' }, { name: 'no_such_fn' }] });
    expect(fbs.body.breakpoints.map((b) => b.verified)).toEqual([true, true, false]);
    await dc.setExceptionBreakpointsRequest({ filters: ['toy_error'] });
    // The stop may come in the same chunk as the launch response: wait for it from before.
    const stopped = dc.waitForEvent('stopped');
    await dc.configurationDoneRequest();
    await launched;

    const stop = (await stopped) as DebugProtocol.StoppedEvent;
    expect(stop.body.reason).toBe('function breakpoint');
    const st = await dc.stackTraceRequest({ threadId: 1 });
    const top = st.body.stackFrames[0] as DebugProtocol.StackFrame;
    expect(top.name).toBe('toy_poke(n=3)');
    expect(top.source?.path).toBe('kstep-kernel:/drivers/misc/toy.c');
    const src = await dc.sourceRequest({ source: top.source as DebugProtocol.Source, sourceReference: top.source?.sourceReference ?? 0 });
    expect(src.body.content.split('\n')[top.line - 1]).toContain('if (n > 9)');

    // Run the first poke to its end: the Toy scope shows its root with the new count.
    await dc.setFunctionBreakpointsRequest({ breakpoints: [] });
    await Promise.all([dc.stepOutRequest({ threadId: 1 }), dc.waitForEvent('stopped')]);
    const st2 = await dc.stackTraceRequest({ threadId: 1 });
    const scopes = await dc.scopesRequest({ frameId: (st2.body.stackFrames[0] as DebugProtocol.StackFrame).id });
    const toyScope = scopes.body.scopes.find((s) => s.name === 'Toy');
    expect(toyScope).toBeDefined();
    // A scope of one root shows that root's children.
    const vars = await dc.variablesRequest({ variablesReference: (toyScope as DebugProtocol.Scope).variablesReference });
    expect(vars.body.variables.map((v) => [v.name, v.value, v.evaluateName])).toEqual([['count', '3', 'toy.count'], ['pokes', '1', 'toy.pokes']]);

    const threads = await dc.threadsRequest();
    expect(threads.body.threads.map((t) => t.name)).toEqual(['scenario', 'toy worker']);
    const worker = threads.body.threads[1] as DebugProtocol.Thread;
    const wst = await dc.stackTraceRequest({ threadId: worker.id });
    const wscopes = await dc.scopesRequest({ frameId: (wst.body.stackFrames[0] as DebugProtocol.StackFrame).id });
    expect(wscopes.body.scopes[0]?.name).toBe('Toy worker');

    const [, exc] = (await Promise.all([dc.continueRequest({ threadId: 1 }), dc.waitForEvent('stopped')])) as [unknown, DebugProtocol.StoppedEvent];
    expect(exc.body.reason).toBe('exception');
    const info = await dc.exceptionInfoRequest({ threadId: 1 });
    expect(info.body.exceptionId).toBe('toy_error');
    expect(info.body.description).toBe('toy_poke(10) returned -EINVAL');
  });
});
