/**
 * The inline adapter on the web, with its scenario text read again on
 * restart. There the text travels in the launch configuration (`source`),
 * and VS Code answers the restart button with the configuration it stored at
 * the first launch: without this, a restart would run the old text however
 * the file changed. The desktop adapter reads the file itself and needs none
 * of this. A read that fails answers the restart with an error response.
 */
import type { DebugProtocol } from '@vscode/debugprotocol';

export interface Disposable {
  dispose(): void;
}

/** The shape of vscode.DebugAdapter (and of KstepSession) this wrapper uses. */
export interface MessageAdapter {
  onDidSendMessage(listener: (m: DebugProtocol.ProtocolMessage) => void): Disposable;
  handleMessage(m: DebugProtocol.ProtocolMessage): void;
  dispose(): void;
}

/** The launch configuration with the scenario's current text, or why it could not be read. */
export type ReadScenario = (config: Record<string, unknown>) => Promise<{ config: Record<string, unknown> } | { error: string }>;

export function rereadOnRestart(inner: MessageAdapter, read: ReadScenario): MessageAdapter {
  const listeners = new Set<(m: DebugProtocol.ProtocolMessage) => void>();
  const send = (m: DebugProtocol.ProtocolMessage): void => {
    for (const l of [...listeners]) l(m);
  };
  const sub = inner.onDidSendMessage(send);
  let lastLaunch: Record<string, unknown> | undefined;
  // Requests after a restart wait for its read, so the adapter sees them in the order the client sent them.
  let queue: Promise<void> | undefined;
  let waiting = 0;

  const restart = async (req: DebugProtocol.RestartRequest): Promise<void> => {
    const given = req.arguments?.arguments as Record<string, unknown> | undefined;
    const config = given ?? lastLaunch;
    if (config === undefined || typeof config.program !== 'string') return inner.handleMessage(req);
    let r: Awaited<ReturnType<ReadScenario>>;
    try {
      r = await read(config);
    } catch (e) {
      r = { error: e instanceof Error ? e.message : String(e) };
    }
    if ('error' in r) {
      const reply: DebugProtocol.Response = { seq: 0, type: 'response', request_seq: req.seq, command: req.command, success: false, message: r.error };
      return send(reply);
    }
    lastLaunch = r.config;
    inner.handleMessage({ ...req, arguments: { ...req.arguments, arguments: r.config } } as DebugProtocol.RestartRequest);
  };

  const deliver = (m: DebugProtocol.ProtocolMessage): Promise<void> | void => {
    const req = m as DebugProtocol.Request;
    if (m.type === 'request' && req.command === 'launch') lastLaunch = req.arguments as Record<string, unknown> | undefined;
    if (m.type === 'request' && req.command === 'restart') return restart(req as DebugProtocol.RestartRequest);
    inner.handleMessage(m);
  };

  return {
    onDidSendMessage(listener) {
      listeners.add(listener);
      return { dispose: () => listeners.delete(listener) };
    },
    handleMessage(m) {
      const isRestart = m.type === 'request' && (m as DebugProtocol.Request).command === 'restart';
      if (waiting === 0 && !isRestart) {
        deliver(m);
        return;
      }
      waiting++;
      queue = (queue ?? Promise.resolve())
        .then(() => deliver(m))
        // The adapter answers its own failures; one that escapes must not stall every later request.
        .catch((e: unknown) => console.error('kstep: a request failed in the web adapter', e))
        .finally(() => {
          waiting--;
        });
    },
    dispose() {
      sub.dispose();
      listeners.clear();
      inner.dispose();
    },
  };
}
