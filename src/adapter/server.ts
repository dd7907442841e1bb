import { createServer } from 'node:net';
import type { Server } from 'node:net';
import { KstepSession } from './session';

/** DAP over this process's stdin/stdout. Nothing else may write to stdout. */
export function runStdio(): void {
  const session = new KstepSession();
  session.start(process.stdin, process.stdout);
  process.stdin.on('end', () => session.end());
}

/**
 * DAP over TCP on 127.0.0.1, one session per connection. Nagle's algorithm
 * would hold each small DAP message back for tens of milliseconds: off.
 */
export function runServer(port: number, onListening?: (port: number) => void, onError?: (e: NodeJS.ErrnoException) => void): Server {
  const server = createServer((socket) => {
    socket.setNoDelay(true);
    const session = new KstepSession();
    session.setRunAsServer(true);
    session.start(socket, socket);
    // A client that vanishes without a disconnect must not leave its run going on in the server.
    socket.on('close', () => session.end());
  });
  // A port in use (EADDRINUSE) or refused (EACCES) is an error event, not a throw: without a listener it would end the process with a stack trace.
  server.on('error', (e: NodeJS.ErrnoException) => {
    if (onError) onError(e);
    else throw e;
  });
  server.listen(port, '127.0.0.1', () => {
    const addr = server.address();
    onListening?.(typeof addr === 'object' && addr ? addr.port : port);
  });
  return server;
}

/** `kstep dap [--server=PORT]`. Returns an exit code for bad usage, or undefined once serving. */
export function runDap(args: readonly string[], err: (s: string) => void): number | undefined {
  const server = args.find((a) => a.startsWith('--server'));
  const extra = args.filter((a) => a !== server);
  if (extra.length) {
    err(`kstep dap: unknown argument ${extra.join(' ')}`);
    return 2;
  }
  if (server === undefined) {
    runStdio();
    return undefined;
  }
  const m = /^--server=(\d{1,5})$/.exec(server);
  const port = m ? Number(m[1]) : NaN;
  if (!m || port > 65535) {
    err('kstep dap: --server needs a port: --server=4711 (0 picks a free one)');
    return 2;
  }
  runServer(
    port,
    (p) => err(`kstep dap: listening on 127.0.0.1:${p}`),
    (e) => {
      err(`kstep dap: cannot listen on 127.0.0.1:${port}: ${e.code === 'EADDRINUSE' ? 'the port is in use' : (e.code ?? e.message)}`);
      process.exitCode = 2;
    },
  );
  return undefined;
}
