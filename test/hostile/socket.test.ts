/**
 * `kstep dap --socket=<path>` (issue 14 item 5): a Unix socket only its
 * owner can connect to (mode 0600, created so), a stale socket replaced, a
 * path that is not a socket refused, the socket removed on exit; and the
 * extension's separate-process mode starts the adapter on one, in a 0700
 * directory.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import { afterAll, describe, expect, it } from 'vitest';
import { startSocketAdapter } from '../../src/extension/socket_adapter';
import { ADAPTER, Harness } from '../support/dap';
import { KSTEP, startServer } from './server';

const dir = mkdtempSync(join(tmpdir(), 'kstep-sock-'));
const OK = join(dir, 'ok.kstep');
writeFileSync(OK, 'print "fine"\n');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const mode = (p: string): number => statSync(p).mode & 0o777;

/** A DebugClient over a Unix socket (DebugClient.start takes only ports): its private connect, as it does for TCP. */
async function socketHarness(path: string): Promise<Harness> {
  const dc = new DebugClient(process.execPath, ADAPTER, 'kstep');
  dc.defaultTimeout = 10_000;
  const { connect } = await import('node:net');
  const socket = connect(path);
  await new Promise<void>((r) => socket.on('connect', () => r()));
  (dc as unknown as { connect(r: NodeJS.ReadableStream, w: NodeJS.WritableStream): void }).connect(socket, socket);
  return new Harness(dc, () => socket.destroy());
}

describe.runIf(process.platform !== 'win32')('kstep dap --socket', () => {
  it('creates the socket owner-only, serves a session on it, and removes it on exit', async () => {
    const path = join(dir, 'a.sock');
    const { server, where } = await startServer([`--socket=${path}`]);
    try {
      expect(where).toBe(path);
      expect(statSync(path).isSocket()).toBe(true);
      expect(mode(path)).toBe(0o600);
      const h = await socketHarness(path);
      await h.launch(OK);
      await h.stopped('end');
      expect(h.output('stdout')).toBe('fine\n');
      await h.close();
    } finally {
      server.kill('SIGTERM');
      await new Promise((r) => server.on('exit', r));
    }
    expect(existsSync(path)).toBe(false);
  });

  it('replaces a stale socket (its process died), refuses a live one and a path that is not a socket', async () => {
    const stale = join(dir, 'stale.sock');
    // A process that listens and dies by SIGKILL leaves its socket file behind.
    const holder = spawn(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(stale)}, () => console.log('up'))`], { stdio: ['ignore', 'pipe', 'ignore'] });
    await new Promise((r) => holder.stdout.once('data', r));
    const live = spawn(process.execPath, [KSTEP, 'dap', `--socket=${stale}`], { stdio: ['ignore', 'ignore', 'pipe'] });
    let liveErr = '';
    live.stderr.on('data', (d: Buffer) => (liveErr += d.toString()));
    expect(await new Promise((r) => live.on('exit', r))).toBe(2);
    expect(liveErr).toBe(`kstep dap: cannot listen on ${stale}: another process listens on it\n`);
    holder.kill('SIGKILL');
    await new Promise((r) => holder.on('exit', r));
    expect(statSync(stale).isSocket()).toBe(true);
    const { server } = await startServer([`--socket=${stale}`]);
    expect(mode(stale)).toBe(0o600);
    server.kill();

    const file = join(dir, 'file.sock');
    writeFileSync(file, 'not a socket');
    const r = (() => {
      try {
        execFileSync(process.execPath, [KSTEP, 'dap', `--socket=${file}`], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
        return { code: 0, err: '' };
      } catch (e) {
        const x = e as { status: number; stderr: string };
        return { code: x.status, err: x.stderr };
      }
    })();
    expect(r).toEqual({ code: 2, err: `kstep dap: cannot listen on ${file}: it exists and is not a socket\n` });
  });

  it("the extension's separate-process mode: an adapter on a socket in a 0700 directory", async () => {
    const a = await startSocketAdapter(process.execPath, ADAPTER);
    try {
      expect(mode(join(a.path, '..'))).toBe(0o700);
      expect(mode(a.path)).toBe(0o600);
      const h = await socketHarness(a.path);
      expect((await h.dc.threadsRequest()).success).toBe(true);
      await h.close();
    } finally {
      a.dispose();
    }
    expect(existsSync(join(a.path, '..'))).toBe(false);
  });
});
