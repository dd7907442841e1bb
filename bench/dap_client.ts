// A minimal DAP client for the benches: the adapter over stdio or TCP, and
// the few requests every figure needs.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { nowMs } from './report';

/** dist/adapter.js: beside dist/bench.js once bundled, or from bench/ when run from source. */
const ADAPTER = [join(__dirname, 'adapter.js'), join(__dirname, '..', 'dist', 'adapter.js')].find((p) => existsSync(p)) ?? join(__dirname, 'adapter.js');

/**
 * A minimal DAP client: Content-Length framing over any byte stream, one
 * promise per request, one-shot event waiters. Nothing else, so its own
 * overhead stays far below what it measures.
 */
export class Dap {
  private seq = 1;
  private buf: Buffer = Buffer.alloc(0);
  private readonly pending = new Map<number, (r: DebugProtocol.Response) => void>();
  private readonly waiters: Array<{ event: string; resolve: (e: DebugProtocol.Event) => void }> = [];

  constructor(
    private readonly out: Writable,
    input: Readable,
  ) {
    input.on('data', (d: Buffer) => this.onData(d));
  }

  request(command: string, args?: object): Promise<DebugProtocol.Response> {
    const seq = this.seq++;
    const json = JSON.stringify(args === undefined ? { seq, type: 'request', command } : { seq, type: 'request', command, arguments: args });
    const answer = new Promise<DebugProtocol.Response>((resolve) => this.pending.set(seq, resolve));
    this.out.write(`Content-Length: ${Buffer.byteLength(json, 'utf8')}\r\n\r\n${json}`);
    return answer;
  }

  /** A request that must succeed; its body. */
  async body<T>(command: string, args?: object): Promise<T> {
    const r = await this.request(command, args);
    if (!r.success) throw new Error(`${command} failed: ${r.message}`);
    return r.body as T;
  }

  /** The next event of this name: ask before sending what causes it. */
  once(event: string): Promise<DebugProtocol.Event> {
    return new Promise((resolve) => this.waiters.push({ event, resolve }));
  }

  private onData(d: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
    for (;;) {
      const head = this.buf.indexOf('\r\n\r\n');
      if (head < 0) return;
      const m = /Content-Length: *(\d+)/i.exec(this.buf.toString('latin1', 0, head));
      if (!m) throw new Error('DAP message without Content-Length');
      const start = head + 4;
      const end = start + Number(m[1]);
      if (this.buf.length < end) return;
      const msg = JSON.parse(this.buf.toString('utf8', start, end)) as DebugProtocol.ProtocolMessage;
      this.buf = this.buf.subarray(end);
      if (msg.type === 'response') {
        const r = msg as DebugProtocol.Response;
        const done = this.pending.get(r.request_seq);
        this.pending.delete(r.request_seq);
        done?.(r);
      } else if (msg.type === 'event') {
        const e = msg as DebugProtocol.Event;
        const i = this.waiters.findIndex((w) => w.event === e.event);
        if (i >= 0) this.waiters.splice(i, 1)[0]?.resolve(e);
      }
    }
  }
}

export interface Connection {
  dap: Dap;
  close(): Promise<void>;
}

function exited(p: ChildProcess): Promise<void> {
  return p.exitCode !== null || p.signalCode !== null ? Promise.resolve() : new Promise((r) => p.once('exit', () => r()));
}

/** `node dist/adapter.js` (or another build of it, to compare), DAP on its stdin/stdout. */
export function stdio(adapter = ADAPTER): Connection & { proc: ChildProcess } {
  const proc = spawn(process.execPath, [adapter], { stdio: ['pipe', 'pipe', 'inherit'] });
  const dap = new Dap(proc.stdin as Writable, proc.stdout as Readable);
  return {
    dap,
    proc,
    close: async () => {
      proc.kill();
      await exited(proc);
    },
  };
}

/** `node dist/adapter.js --server=0` and one TCP connection to it, Nagle off on the client side too. */
export async function tcp(): Promise<Connection> {
  const proc = spawn(process.execPath, [ADAPTER, '--server=0'], { stdio: ['ignore', 'ignore', 'pipe'] });
  const port = await new Promise<number>((resolve, reject) => {
    let err = '';
    proc.stderr?.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /listening on 127\.0\.0\.1:(\d+)/.exec(err);
      if (m) resolve(Number(m[1]));
    });
    proc.once('exit', (code) => reject(new Error(`dap server exited with ${code}: ${err}`)));
  });
  const socket: Socket = await new Promise((resolve, reject) => {
    const s = connect({ port, host: '127.0.0.1' }, () => resolve(s));
    s.once('error', reject);
  });
  socket.setNoDelay(true);
  return {
    dap: new Dap(socket, socket),
    close: async () => {
      socket.destroy();
      proc.kill();
      await exited(proc);
    },
  };
}

export const INIT = { adapterID: 'kstep', clientID: 'kstep-bench', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' };

/** initialize, launch, configurationDone; resolves with the first `stopped` event. */
export async function launch(dap: Dap, program: string, stopOnEntry: boolean): Promise<DebugProtocol.StoppedEvent> {
  const stopped = dap.once('stopped');
  await dap.body('initialize', INIT);
  const launched = dap.request('launch', { program, stopOnEntry });
  await dap.body('configurationDone');
  const r = await launched;
  if (!r.success) throw new Error(`launch ${program}: ${r.message}`);
  return (await stopped) as DebugProtocol.StoppedEvent;
}

/** The transport floor: a `threads` round trip. */
export async function threadsRoundTrip(dap: Dap): Promise<number> {
  const t0 = nowMs();
  await dap.body('threads');
  return nowMs() - t0;
}

/**
 * `steps` DAP steps after `warmup` unmeasured ones, each `next` -> stopped event -> stackTrace response, and a
 * threads round trip (the transport floor) after each: both series in ms.
 */
export async function stepRoundTrips(dap: Dap, warmup: number, steps: number): Promise<{ steps: number[]; floor: number[] }> {
  const out = { steps: [] as number[], floor: [] as number[] };
  for (let i = 0; i < warmup + steps; i++) {
    const t0 = nowMs();
    const stopped = dap.once('stopped');
    void dap.request('next', { threadId: 1 });
    const ev = (await stopped) as DebugProtocol.StoppedEvent;
    await dap.body('stackTrace', { threadId: 1, startFrame: 0, levels: 20 });
    const ms = nowMs() - t0;
    if (ev.body.reason !== 'step') throw new Error(`step ${i} stopped for '${ev.body.reason}', not 'step'`);
    const f = await threadsRoundTrip(dap);
    if (i >= warmup) {
      out.steps.push(ms);
      out.floor.push(f);
    }
  }
  return out;
}

/** Runs a scenario to its end over `dap`; returns how long that took and the named scope of the last frame. */
export async function runToEndScope(dap: Dap, program: string, scopeName: string): Promise<{ runMs: number; scope: DebugProtocol.Scope }> {
  const t0 = nowMs();
  const stop = await launch(dap, program, false);
  const runMs = nowMs() - t0;
  if (stop.body.reason !== 'end') throw new Error(`${program} stopped for '${stop.body.reason}', not at its end`);
  const { stackFrames } = await dap.body<DebugProtocol.StackTraceResponse['body']>('stackTrace', { threadId: 1 });
  const { scopes } = await dap.body<DebugProtocol.ScopesResponse['body']>('scopes', { frameId: stackFrames[0]?.id ?? 0 });
  const scope = scopes.find((x) => x.name === scopeName);
  if (!scope) throw new Error(`no ${scopeName} scope`);
  return { runMs, scope };
}

export async function findVariable(dap: Dap, ref: number, name: string): Promise<DebugProtocol.Variable> {
  const { variables } = await dap.body<DebugProtocol.VariablesResponse['body']>('variables', { variablesReference: ref });
  const v = variables.find((x) => x.name === name);
  if (!v) throw new Error(`no variable '${name}' (have: ${variables.map((x) => x.name).join(', ')})`);
  return v;
}
