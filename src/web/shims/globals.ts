// Injected into the web bundles (esbuild `inject`): the Node globals kstep's code and @vscode/debugadapter name.
// `process` is a stand-in with no working directory and no exit (nothing there runs as a process).
import { Buffer } from './buffer';

export { Buffer };

export const process = {
  platform: 'web',
  env: {} as Record<string, string | undefined>,
  argv: [] as string[],
  versions: {} as Record<string, string>,
  cwd: (): string => '/',
  on: (): void => undefined,
  removeListener: (): void => undefined,
  exit: (): void => {
    throw new Error('a web extension host has no process to exit');
  },
};

/** setImmediate: a macrotask with no 4 ms clamp (setTimeout nested that deep has one), through a MessageChannel. */
interface Port {
  onmessage: (() => void) | null;
  postMessage(data: unknown): void;
  /** Node's ports only (the bench and tests run the web build under Node): a listening port keeps Node alive. */
  ref?(): void;
  unref?(): void;
}
const queue: Array<() => void> = [];
let channel: { port1: Port; port2: Port } | undefined;
export function setImmediate(fn: () => void): void {
  if (!channel) {
    channel = new MessageChannel() as unknown as { port1: Port; port2: Port };
    const port = channel.port1;
    port.onmessage = () => {
      const next = queue.shift();
      if (!queue.length) port.unref?.();
      next?.();
    };
  }
  queue.push(fn);
  channel.port1.ref?.();
  channel.port2.postMessage(0);
}
