import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SocketAdapter {
  /** The Unix socket the adapter listens on, in a directory only this user can enter. */
  readonly path: string;
  readonly child: ChildProcess;
  dispose(): void;
}

/**
 * Starts `node <adapter> --socket=<path>` for the extension's separate-process
 * mode: the editor's own adapter is reachable by its user alone (a TCP port
 * on 127.0.0.1 is open to every local user). Resolves once it listens.
 */
export function startSocketAdapter(node: string, adapterJs: string, timeoutMs = 10_000): Promise<SocketAdapter> {
  // mkdtemp makes the directory 0700; the socket inside it is 0600 as well.
  const dir = mkdtempSync(join(tmpdir(), 'kstep-dap-'));
  const path = join(dir, 'dap.sock');
  // In VS Code process.execPath is Electron: ask it to run as node.
  const child = spawn(node, [adapterJs, `--socket=${path}`], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } });
  const dispose = (): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill();
    rmSync(dir, { recursive: true, force: true });
  };
  return new Promise((resolve, reject) => {
    let err = '';
    const fail = (why: string): void => {
      clearTimeout(timer);
      dispose();
      reject(new Error(`the kstep adapter did not start: ${why}`));
    };
    const timer = setTimeout(() => fail(`no answer in ${timeoutMs} ms`), timeoutMs);
    child.stderr?.on('data', (d: Buffer) => {
      err += d.toString();
      if (err.includes(`listening on ${path}`)) {
        clearTimeout(timer);
        resolve({ path, child, dispose });
      }
    });
    child.on('error', (e) => fail(e.message));
    child.on('exit', (code) => fail(`it exited with ${String(code)}: ${err.trim()}`));
  });
}
