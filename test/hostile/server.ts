/**
 * Raw DAP over a real adapter process for the hostile tests: a
 * `kstep dap --server=0` (or `--socket=`) with several clients on it, and
 * frames written byte by byte, malformed on purpose where a test wants.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import { ADAPTER, Harness, ROOT } from '../support/dap';

export const KSTEP = join(ROOT, 'bin', 'kstep.js');

/** A line of a JavaScript stack. */
export const STACK = /at .*\(.*:\d+:\d+\)/;

/** A `kstep dap` server process; `listening` resolves with what it printed it listens on. */
export async function startServer(args: string[] = ['--server=0']): Promise<{ server: ChildProcess; where: string; stderr: () => string }> {
  const server = spawn(process.execPath, [KSTEP, 'dap', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let buf = '';
  const where = await new Promise<string>((resolve, reject) => {
    server.stderr?.on('data', (d: Buffer) => {
      buf += d.toString();
      const m = /listening on (\S+)/.exec(buf);
      if (m) resolve(m[1] as string);
    });
    server.on('exit', (code) => reject(new Error(`dap server exited with ${code}: ${buf}`)));
  });
  return { server, where, stderr: () => buf };
}

/** A Harness over TCP to a server already running: two of them are two sessions of one process. */
export async function tcpHarness(where: string): Promise<Harness> {
  const port = Number(where.split(':').pop());
  const dc = new DebugClient(process.execPath, ADAPTER, 'kstep');
  dc.defaultTimeout = 10_000;
  await dc.start(port);
  return new Harness(dc);
}

export function frame(message: unknown): string {
  const body = typeof message === 'string' ? message : JSON.stringify(message);
  return `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

export function request(seq: number, command: string, args?: unknown): string {
  return frame({ seq, type: 'request', command, ...(args !== undefined ? { arguments: args } : {}) });
}

/** Splits what an adapter wrote into its messages. */
export function messages(out: string): Array<Record<string, unknown>> {
  const found: Array<Record<string, unknown>> = [];
  let rest = Buffer.from(out);
  for (;;) {
    const end = rest.indexOf('\r\n\r\n');
    if (end < 0) return found;
    const len = Number(/Content-Length: (\d+)/.exec(rest.toString('latin1', 0, end))?.[1]);
    const body = rest.subarray(end + 4, end + 4 + len);
    if (body.length < len) return found;
    found.push(JSON.parse(body.toString()) as Record<string, unknown>);
    rest = rest.subarray(end + 4 + len);
  }
}

/** A stdio adapter fed `input` and then end of input: what it wrote, said on stderr, and its exit code. */
export async function stdioExchange(input: string | Buffer, holdMs = 300): Promise<{ out: string; err: string; code: number | null }> {
  const child = spawn(process.execPath, [ADAPTER], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  child.stdin.write(input);
  await new Promise((r) => setTimeout(r, holdMs));
  child.stdin.end();
  const code = await new Promise<number | null>((r) => child.on('exit', r));
  return { out, err, code };
}
