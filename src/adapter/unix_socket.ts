import { chmodSync, lstatSync, unlinkSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import type { Server, Socket } from 'node:net';

/** What is at a path a socket is to be created on. */
async function existing(path: string): Promise<'none' | 'stale' | 'live' | 'other'> {
  let st;
  try {
    st = lstatSync(path);
  } catch {
    return 'none';
  }
  if (!st.isSocket()) return 'other';
  // A socket nobody listens on is left over from a process that died: it refuses connections.
  return new Promise((resolve) => {
    const probe = connect(path);
    probe.once('connect', () => {
      probe.destroy();
      resolve('live');
    });
    probe.once('error', (e: NodeJS.ErrnoException) => resolve(e.code === 'ECONNREFUSED' ? 'stale' : 'live'));
  });
}

/**
 * DAP on a Unix domain socket only its owner can connect to. The socket is
 * created under umask 077, so there is no moment when it exists with wider
 * permissions; an existing path is replaced only when it is a stale socket.
 * The socket file is removed when the process exits.
 */
export async function runSocketServer(path: string, serveConnection: (s: Socket) => void, say: (line: string) => void): Promise<Server | undefined> {
  const what = await existing(path);
  if (what === 'other') {
    say(`kstep dap: cannot listen on ${path}: it exists and is not a socket`);
    return undefined;
  }
  if (what === 'live') {
    say(`kstep dap: cannot listen on ${path}: another process listens on it`);
    return undefined;
  }
  if (what === 'stale') unlinkSync(path);
  const server = createServer(serveConnection);
  const old = process.umask(0o077);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(path, () => resolve());
    });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    say(`kstep dap: cannot listen on ${path}: ${code === 'EADDRINUSE' ? 'the path is in use' : (code ?? String(e))}`);
    return undefined;
  } finally {
    process.umask(old);
  }
  chmodSync(path, 0o600);
  const remove = (): void => {
    try {
      unlinkSync(path);
    } catch {
      // Already gone.
    }
  };
  process.on('exit', remove);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(sig, () => process.exit(0));
  say(`kstep dap: listening on ${path}`);
  return server;
}
