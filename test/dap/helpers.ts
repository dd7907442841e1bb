import { DebugClient } from '@vscode/debugadapter-testsupport';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..');
export const ADAPTER = join(ROOT, 'dist', 'adapter.js');
export const EXAMPLES = join(ROOT, 'examples');

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
