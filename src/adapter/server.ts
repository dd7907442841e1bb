import { createServer } from 'node:net';
import type { Server } from 'node:net';
import type { Duplex, Readable, Writable } from 'node:stream';
import { BatchedOutput } from './batched_output';
import { FrameGuard } from './framing';
import { KstepSession } from './session';
import { runSocketServer } from './unix_socket';

/** Starts a session on a connection, its input checked for DAP framing first. */
function serve(input: Readable, output: Writable, report: (line: string) => void, asServer: boolean): KstepSession {
  const session = new KstepSession();
  session.setRunAsServer(asServer);
  const guard = new FrameGuard(
    (p) => session.protocolProblem(p, report),
    (msg) => session.handleMessage(msg),
  );
  input.pipe(guard);
  // pipe() does not forward errors: a reset connection or a broken stdin ends the input, not the process.
  input.on('error', (e: NodeJS.ErrnoException) => {
    report(`kstep dap: the client's input failed: ${e.code ?? e.message}`);
    guard.end();
  });
  // The library reads no data from the guard (it delivers parsed messages), only its end: the session closes then.
  session.start(guard, new BatchedOutput(output));
  return session;
}

const toStderr = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

/** DAP over this process's stdin/stdout. Nothing else may write to stdout. */
export function runStdio(): void {
  const session = serve(process.stdin, process.stdout, toStderr, false);
  process.stdin.on('end', () => session.end());
  // The library exits 0 once stdin closes: a session that was sent what it could not read says so in its exit code.
  process.on('exit', () => {
    if (session.protocolProblems > 0 && !process.exitCode) process.exitCode = 1;
  });
}

/** One session per connection of a server; a client that vanishes without a disconnect must not leave its run going on. */
function serveConnection(socket: Duplex): void {
  const session = serve(socket, socket, toStderr, true);
  socket.on('close', () => session.end());
}

/**
 * DAP over TCP on 127.0.0.1, one session per connection. Nagle's algorithm
 * would hold each small DAP message back for tens of milliseconds: off.
 */
export function runServer(port: number, onListening?: (port: number) => void, onError?: (e: NodeJS.ErrnoException) => void): Server {
  const server = createServer((socket) => {
    socket.setNoDelay(true);
    serveConnection(socket);
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

/**
 * `kstep dap [--server=PORT | --socket=PATH]`. Returns an exit code for bad
 * usage, or undefined once serving.
 */
export function runDap(args: readonly string[], err: (s: string) => void): number | undefined {
  const server = args.find((a) => a.startsWith('--server'));
  const socket = args.find((a) => a.startsWith('--socket'));
  const extra = args.filter((a) => a !== server && a !== socket);
  if (extra.length || (server && socket)) {
    err(extra.length ? `kstep dap: unknown argument ${extra.join(' ')}` : 'kstep dap: give --server or --socket, not both');
    return 2;
  }
  if (socket !== undefined) {
    const path = socket.startsWith('--socket=') ? socket.slice('--socket='.length) : '';
    if (!path) {
      err('kstep dap: --socket needs a path: --socket=/run/user/1000/kstep.sock');
      return 2;
    }
    void runSocketServer(path, serveConnection, err).then((s) => {
      if (!s) process.exitCode = 2;
    });
    return undefined;
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
