/**
 * The DAP half of the test kit: a DebugClient over a real adapter process
 * (`node dist/adapter.js` on stdio, or `kstep dap --server=0` over TCP) with
 * an event log, scenario files in a temporary directory, and a fresh client
 * per test. The simulator half is ./kit.ts.
 */
import { afterAll, afterEach, beforeEach } from 'vitest';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, Scenarios, lineOf } from './kit';

export { ROOT, Scenarios, lineOf };
export const ADAPTER = join(ROOT, 'dist', 'adapter.js');
export const EXAMPLES = join(ROOT, 'examples');

/** Reference 004's worked example (test/scenarios), the scenario most DAP tests of history start from. */
export const WORKED_EXAMPLE = readFileSync(join(ROOT, 'test', 'scenarios', 'resv_map_worked_example.kstep'), 'utf8');

/** Writes `text` as scenario `name` in a temporary directory removed after the suite; returns its path. */
export function suiteScenario(name: string, text: string): string {
  const files = new Scenarios();
  afterAll(() => files.dispose());
  return files.write(name, text);
}

/** A DebugClient over a real `node dist/adapter.js` process on stdio. */
export async function stdioClient(): Promise<DebugClient> {
  const dc = new DebugClient(process.execPath, ADAPTER, 'kstep');
  dc.defaultTimeout = 10_000;
  await dc.start();
  return dc;
}

/** A DebugClient connected over TCP to a `kstep dap --server=0` process; stop() kills the server. */
export async function tcpClient(): Promise<{ dc: DebugClient; server: ChildProcess }> {
  const server = spawn(process.execPath, [join(ROOT, 'bin', 'kstep.js'), 'dap', '--server=0'], { stdio: ['ignore', 'ignore', 'pipe'] });
  const port = await new Promise<number>((resolve, reject) => {
    let buf = '';
    server.stderr?.on('data', (d: Buffer) => {
      buf += d.toString();
      const m = /listening on 127\.0\.0\.1:(\d+)/.exec(buf);
      if (m) resolve(Number(m[1]));
    });
    server.on('exit', (code) => reject(new Error(`dap server exited with ${code}: ${buf}`)));
  });
  const dc = new DebugClient(process.execPath, ADAPTER, 'kstep');
  dc.defaultTimeout = 10_000;
  await dc.start(port);
  return { dc, server };
}

/** Every event type an adapter may send; the harness records them all, in order. */
const EVENT_TYPES = [
  'initialized', 'stopped', 'continued', 'exited', 'terminated', 'thread', 'output', 'breakpoint', 'module',
  'loadedSource', 'process', 'capabilities', 'progressStart', 'progressUpdate', 'progressEnd', 'invalidated', 'memory',
] as const;

const EVENT_TIMEOUT = 10_000;

export type Transport = 'stdio' | 'tcp';

type StepCommand = 'next' | 'stepIn' | 'stepOut' | 'stepBack' | 'continue' | 'reverseContinue';

/** The private sender of ProtocolClient: gives the whole response, failed or not. */
interface RawSender {
  doSend(command: string, args: unknown, clb: (r: DebugProtocol.Response) => void): void;
  /** The seq the next request will carry. */
  sequence: number;
}

export interface LaunchOptions {
  stopOnEntry?: boolean;
  noDebug?: boolean;
  /** Line breakpoints in the program (numbers or full source breakpoints). */
  lines?: Array<number | DebugProtocol.SourceBreakpoint>;
  functions?: string[];
  exceptions?: DebugProtocol.SetExceptionBreakpointsArguments;
  extra?: Record<string, unknown>;
}

export interface Launched {
  lines?: DebugProtocol.Breakpoint[];
  functions?: DebugProtocol.Breakpoint[];
  exceptions?: DebugProtocol.Breakpoint[];
}

/** A dump of what the user sees at a stop: the stack, and every scope's variables a few levels deep. */
export interface View {
  stack: string[];
  scopes: Record<string, string[]>;
}

/**
 * A DebugClient with an event log: every event is queued when it arrives, so
 * a test can send a request and then wait for the event it causes without
 * racing the adapter (a stopped event may arrive in the same chunk as the
 * response).
 */
export class Harness {
  readonly log: DebugProtocol.Event[] = [];
  private queue: DebugProtocol.Event[] = [];
  private waiters: Array<{ type: string; resolve: (e: DebugProtocol.Event) => void; timer: NodeJS.Timeout }> = [];

  constructor(
    readonly dc: DebugClient,
    private readonly cleanup: () => void = () => undefined,
  ) {
    for (const t of EVENT_TYPES) dc.on(t, (e: DebugProtocol.Event) => this.push(e));
  }

  static async open(transport: Transport): Promise<Harness> {
    if (transport === 'stdio') return new Harness(await stdioClient());
    const { dc, server } = await tcpClient();
    return new Harness(dc, () => {
      if (server.exitCode === null && server.signalCode === null) server.kill();
    });
  }

  async close(): Promise<void> {
    for (const w of this.waiters) clearTimeout(w.timer);
    this.waiters = [];
    try {
      await this.dc.stop();
    } finally {
      this.cleanup();
    }
  }

  private push(e: DebugProtocol.Event): void {
    this.log.push(e);
    const i = this.waiters.findIndex((w) => w.type === e.event);
    if (i >= 0) {
      const [w] = this.waiters.splice(i, 1);
      w?.resolve(e);
      return;
    }
    this.queue.push(e);
  }

  /** The next event of a type not yet taken: one already received, or the next to arrive. */
  next<T extends DebugProtocol.Event = DebugProtocol.Event>(type: string, timeout = EVENT_TIMEOUT): Promise<T> {
    const i = this.queue.findIndex((e) => e.event === type);
    if (i >= 0) return Promise.resolve(this.queue.splice(i, 1)[0] as T);
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((x) => x !== w);
        reject(new Error(`no '${type}' event within ${timeout} ms; events so far: ${this.log.map((e) => e.event).join(', ')}`));
      }, timeout);
      const w = {
        type,
        timer,
        resolve: (e: DebugProtocol.Event) => {
          clearTimeout(timer);
          resolve(e as T);
        },
      };
      this.waiters.push(w);
    });
  }

  /** Stops waiting for events of a type (their promises never settle). */
  private forget(type: string): void {
    for (const w of this.waiters.filter((x) => x.type === type)) clearTimeout(w.timer);
    this.waiters = this.waiters.filter((x) => x.type !== type);
  }

  /** Events of a type received and not yet taken by next(). */
  pending(type: string): DebugProtocol.Event[] {
    return this.queue.filter((e) => e.event === type);
  }

  /** Everything printed so far in an output category. */
  output(category?: string): string {
    return this.log
      .filter((e): e is DebugProtocol.OutputEvent => e.event === 'output')
      .filter((e) => category === undefined || e.body.category === category)
      .map((e) => e.body.output)
      .join('');
  }

  /** Sends any request and returns its response, failed or not (DebugClient turns failures into bare messages). */
  raw(command: string, args?: unknown): Promise<DebugProtocol.Response> {
    return new Promise((resolve) => (this.dc as unknown as RawSender).doSend(command, args, resolve));
  }

  /** The seq number the next request will get (for `cancel`). */
  nextSeq(): number {
    return (this.dc as unknown as RawSender).sequence;
  }

  /** A request that must fail: returns the error message. */
  async fails(command: string, args?: unknown): Promise<string> {
    const r = await this.raw(command, args);
    if (r.success) throw new Error(`${command} succeeded, expected an error response: ${JSON.stringify(r.body)}`);
    return r.message ?? '';
  }

  /** initialize, launch, breakpoints between `initialized` and configurationDone, as VS Code does it. */
  async launch(program: string, o: LaunchOptions = {}): Promise<Launched> {
    const initialized = this.next('initialized');
    const launched = this.dc.launch({
      program,
      ...(o.stopOnEntry !== undefined ? { stopOnEntry: o.stopOnEntry } : {}),
      ...(o.noDebug !== undefined ? { noDebug: o.noDebug } : {}),
      ...o.extra,
    });
    // A failed launch sends no `initialized`: let the launch error surface.
    try {
      await Promise.race([initialized, launched]);
    } catch (e) {
      this.forget('initialized');
      throw e;
    }
    const out: Launched = {};
    if (o.lines) {
      const r = await this.dc.setBreakpointsRequest({
        source: { path: program },
        breakpoints: o.lines.map((l) => (typeof l === 'number' ? { line: l } : l)),
      });
      out.lines = r.body.breakpoints;
    }
    if (o.functions) {
      const r = await this.dc.setFunctionBreakpointsRequest({ breakpoints: o.functions.map((name) => ({ name })) });
      out.functions = r.body.breakpoints;
    }
    if (o.exceptions) {
      const r = await this.dc.setExceptionBreakpointsRequest(o.exceptions);
      out.exceptions = r.body?.breakpoints ?? [];
    }
    await this.dc.configurationDoneRequest();
    await launched;
    return out;
  }

  /** restart, with a new launch configuration or (without one) the last. */
  async restart(launch?: Record<string, unknown>): Promise<void> {
    await this.dc.customRequest('restart', launch ? { arguments: launch } : {});
  }

  /** The next stopped event; with `reason`, it must be that. */
  async stopped(reason?: string): Promise<DebugProtocol.StoppedEvent['body']> {
    const e = await this.next<DebugProtocol.StoppedEvent>('stopped');
    if (reason !== undefined && e.body.reason !== reason) {
      throw new Error(`stopped with reason '${e.body.reason}' (${e.body.text ?? e.body.description ?? ''}), expected '${reason}'`);
    }
    return e.body;
  }

  /** Sends a step/continue request and waits for the stop it causes. */
  async go(cmd: StepCommand, extra: Record<string, unknown> = {}): Promise<DebugProtocol.StoppedEvent['body']> {
    // Every stop so far was taken by the request that caused it: one more would be a stop the adapter sent twice.
    const stale = this.pending('stopped');
    if (stale.length) throw new Error(`a stop nobody asked for is pending: ${JSON.stringify(stale.map((e) => e.body))}`);
    await this.dc.customRequest(cmd, { threadId: 1, ...extra });
    return this.stopped();
  }

  async stack(args: Partial<DebugProtocol.StackTraceArguments> = {}): Promise<DebugProtocol.StackFrame[]> {
    return (await this.dc.stackTraceRequest({ threadId: 1, ...args })).body.stackFrames;
  }

  async top(): Promise<DebugProtocol.StackFrame> {
    const [f] = await this.stack();
    if (!f) throw new Error('no stack frames');
    return f;
  }

  /** `name@line` of every frame, innermost first. */
  async where(): Promise<string[]> {
    return (await this.stack()).map((f) => `${f.name}@${f.line}`);
  }

  async scopes(frameId?: number): Promise<DebugProtocol.Scope[]> {
    const id = frameId ?? (await this.top()).id;
    return (await this.dc.scopesRequest({ frameId: id })).body.scopes;
  }

  async scope(name: string, frameId?: number): Promise<DebugProtocol.Scope> {
    const s = (await this.scopes(frameId)).find((x) => x.name === name);
    if (!s) throw new Error(`no scope '${name}'`);
    return s;
  }

  async vars(ref: number, extra: Partial<DebugProtocol.VariablesArguments> = {}): Promise<DebugProtocol.Variable[]> {
    return (await this.dc.variablesRequest({ variablesReference: ref, ...extra })).body.variables;
  }

  /** Follows a path of variable names down from a handle: `child(ref, 'resv', 'f')`. */
  async child(ref: number, ...names: string[]): Promise<DebugProtocol.Variable> {
    let cur: DebugProtocol.Variable | undefined;
    let r = ref;
    for (const n of names) {
      cur = (await this.vars(r)).find((v) => v.name === n);
      if (!cur) throw new Error(`no variable '${n}' under handle ${r}`);
      r = cur.variablesReference;
    }
    if (!cur) throw new Error('empty path');
    return cur;
  }

  /** evaluate → result text. */
  async ev(expression: string, context = 'watch', extra: Partial<DebugProtocol.EvaluateArguments> = {}): Promise<string> {
    return (await this.dc.evaluateRequest({ expression, context, ...extra })).body.result;
  }

  /** The stack and every scope's variables (values only, `depth` levels deep). */
  async view(depth = 4): Promise<View> {
    const frames = await this.stack();
    const out: View = { stack: frames.map((f) => `${f.name}@${f.source?.path ?? ''}:${f.line}`), scopes: {} };
    const walk = async (ref: number, prefix: string, d: number, into: string[]): Promise<void> => {
      for (const v of await this.vars(ref)) {
        into.push(`${prefix}${v.name} = ${v.value}`);
        if (v.variablesReference > 0 && d > 1) await walk(v.variablesReference, `${prefix}${v.name}.`, d - 1, into);
      }
    };
    for (const s of await this.scopes(frames[0]?.id)) {
      const lines: string[] = [];
      await walk(s.variablesReference, '', depth, lines);
      out.scopes[s.name] = lines;
    }
    return out;
  }
}

/** A fresh stdio harness for every test of the file: `let h: Harness; openPerTest((x) => (h = x));`. */
export function openPerTest(set: (h: Harness) => void, transport: 'stdio' | 'tcp' = 'stdio'): void {
  let current: Harness | undefined;
  beforeEach(async () => {
    current = await Harness.open(transport);
    set(current);
  });
  afterEach(async () => {
    await current?.close();
  });
}
