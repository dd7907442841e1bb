/**
 * A client that vanishes mid-run (issue 14 item 4): its connection closes
 * without a disconnect, and the server must not go on running its scenario.
 * Measured as the server process's CPU time once the client is gone.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, Scenarios } from '../support/kit';
import { FOREVER } from './cases';

const files = new Scenarios();
const FOREVER_FILE = files.write('forever.kstep', FOREVER);
afterAll(() => files.dispose());

/** User + system CPU seconds of a process so far, from /proc. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function frame(seq: number, command: string, args: unknown): string {
  const body = JSON.stringify({ seq, type: 'request', command, arguments: args });
  return `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

describe.runIf(process.platform === 'linux')('a client that vanishes during a run', () => {
  it('ends its run in the server: the server goes idle', async () => {
    const server = spawn(process.execPath, [join(ROOT, 'bin', 'kstep.js'), 'dap', '--server=0'], { stdio: ['ignore', 'ignore', 'pipe'] });
    try {
      const port = await new Promise<number>((resolve, reject) => {
        let buf = '';
        server.stderr.on('data', (d: Buffer) => {
          buf += d.toString();
          const m = /listening on 127\.0\.0\.1:(\d+)/.exec(buf);
          if (m) resolve(Number(m[1]));
        });
        server.on('exit', (code) => reject(new Error(`server exited with ${code}: ${buf}`)));
      });
      const socket = connect(port, '127.0.0.1');
      let received = '';
      socket.on('data', (d: Buffer) => (received += d.toString()));
      await new Promise<void>((r) => socket.on('connect', () => r()));
      socket.write(frame(1, 'initialize', { adapterID: 'kstep' }));
      socket.write(frame(2, 'launch', { program: FOREVER_FILE, stopOnEntry: false }));
      socket.write(frame(3, 'configurationDone', {}));
      // The run is going once the launch has answered and the server is busy.
      for (let i = 0; i < 100 && !/"command":"launch"/.test(received); i++) await sleep(50);
      expect(received).toMatch(/"command":"launch","success":true/);
      const busyFrom = cpuSeconds(server.pid as number);
      await sleep(500);
      expect(cpuSeconds(server.pid as number) - busyFrom).toBeGreaterThan(0.1);

      socket.destroy();
      await sleep(300);
      const idleFrom = cpuSeconds(server.pid as number);
      await sleep(1000);
      expect(cpuSeconds(server.pid as number) - idleFrom).toBeLessThan(0.25);
      expect(server.exitCode).toBeNull();
    } finally {
      server.kill();
    }
  });
});
