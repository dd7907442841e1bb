/**
 * A bare DAP client over a stdio adapter process: requests pipelined with
 * any arguments (even ones no typed client can send), each response matched
 * to its request by seq, and the events kept.
 */
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { ADAPTER } from '../support/dap';

export class RawClient {
  private readonly child: ChildProcessWithoutNullStreams;
  private buf = Buffer.alloc(0);
  private seq = 1;
  private readonly waiting = new Map<number, (r: DebugProtocol.Response) => void>();
  readonly events: DebugProtocol.Event[] = [];
  private eventWaiters: Array<{ test: (e: DebugProtocol.Event) => boolean; resolve: (e: DebugProtocol.Event) => void }> = [];
  stderr = '';
  exited: number | null | undefined;

  constructor(cwd: string) {
    this.child = spawn(process.execPath, [ADAPTER], { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout.on('data', (d: Buffer) => this.data(d));
    this.child.stderr.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.child.on('exit', (code) => (this.exited = code));
  }

  private data(d: Buffer): void {
    this.buf = Buffer.concat([this.buf, d]);
    for (;;) {
      const end = this.buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const len = Number(/Content-Length: (\d+)/.exec(this.buf.toString('latin1', 0, end))?.[1]);
      if (this.buf.length < end + 4 + len) return;
      const msg = JSON.parse(this.buf.toString('utf8', end + 4, end + 4 + len)) as DebugProtocol.ProtocolMessage;
      this.buf = this.buf.subarray(end + 4 + len);
      if (msg.type === 'response') {
        const r = msg as DebugProtocol.Response;
        const w = this.waiting.get(r.request_seq);
        this.waiting.delete(r.request_seq);
        w?.(r);
      } else if (msg.type === 'event') {
        const e = msg as DebugProtocol.Event;
        this.events.push(e);
        const hit = this.eventWaiters.filter((x) => x.test(e));
        this.eventWaiters = this.eventWaiters.filter((x) => !x.test(e));
        for (const h of hit) h.resolve(e);
      }
    }
  }

  /** Sends a request with exactly these arguments (`undefined`: none); resolves with its response, or rejects after `timeoutMs`. */
  request(command: unknown, args?: unknown, timeoutMs = 10_000): Promise<DebugProtocol.Response> {
    const seq = this.seq++;
    const body = JSON.stringify({ seq, type: 'request', command, ...(args !== undefined ? { arguments: args } : {}) });
    this.child.stdin.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(seq);
        reject(new Error(`no response to ${body.slice(0, 300)} within ${timeoutMs} ms (adapter ${this.exited === undefined ? 'alive' : `exited ${this.exited}`}); stderr: ${this.stderr.slice(-500)}`));
      }, timeoutMs);
      this.waiting.set(seq, (r) => {
        clearTimeout(timer);
        resolve(r);
      });
    });
  }

  /** The next event (from now on) that passes `test`. */
  event(test: (e: DebugProtocol.Event) => boolean, timeoutMs = 10_000): Promise<DebugProtocol.Event> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no such event within the time')), timeoutMs);
      this.eventWaiters.push({
        test,
        resolve: (e) => {
          clearTimeout(timer);
          resolve(e);
        },
      });
    });
  }

  close(): void {
    if (this.exited === undefined) this.child.kill();
  }
}
