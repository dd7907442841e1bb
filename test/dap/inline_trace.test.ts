/**
 * `"trace": true` with the default inline adapter (issue 16 §3): the
 * extension runs KstepSession in its own process through handleMessage and
 * onDidSendMessage (vscode.DebugAdapterInlineImplementation), with no stream
 * at all; the trace must reach the Debug Console all the same.
 */
import type { DebugProtocol } from '@vscode/debugprotocol';
import { afterAll, describe, expect, it } from 'vitest';
import { KstepSession } from '../../src/adapter/session';
import { Scenarios } from '../support/kit';

const files = new Scenarios();
const P = files.write('inline.kstep', 'print "inline"\nprint "done"\n');
afterAll(() => files.dispose());

/** A client of an inline session: sends requests, keeps every message the session sends back. */
function inline(): { send: (command: string, args?: unknown) => void; got: DebugProtocol.ProtocolMessage[]; until: (p: (m: DebugProtocol.ProtocolMessage) => boolean) => Promise<void>; end: () => void } {
  const s = new KstepSession();
  const got: DebugProtocol.ProtocolMessage[] = [];
  const waiters: Array<() => void> = [];
  const sub = s.onDidSendMessage((m) => {
    got.push(m as DebugProtocol.ProtocolMessage);
    for (const w of waiters.splice(0)) w();
  });
  let seq = 1;
  return {
    got,
    send: (command, args) => s.handleMessage({ seq: seq++, type: 'request', command, arguments: args } as DebugProtocol.Request),
    until: async (p) => {
      const deadline = Date.now() + 10_000;
      while (!got.some(p)) {
        if (Date.now() > deadline) throw new Error(`not seen; got ${got.map((m) => JSON.stringify(m).slice(0, 80)).join('\n')}`);
        await new Promise<void>((r) => {
          waiters.push(r);
          setTimeout(r, 50);
        });
      }
    },
    end: () => {
      s.end();
      sub.dispose();
    },
  };
}

const consoleText = (got: DebugProtocol.ProtocolMessage[]): string =>
  got.filter((m): m is DebugProtocol.OutputEvent => m.type === 'event' && (m as DebugProtocol.Event).event === 'output' && (m as DebugProtocol.OutputEvent).body.category === 'console').map((m) => m.body.output).join('');

describe('trace: true with the inline adapter', () => {
  for (const trace of [true, false]) {
    it(`trace ${String(trace)}: the DAP traffic is on the Debug Console ${trace ? 'both ways' : 'not at all'}`, async () => {
      const c = inline();
      try {
        c.send('initialize', { adapterID: 'kstep', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' });
        c.send('launch', { program: P, stopOnEntry: true, trace });
        await c.until((m) => m.type === 'event' && (m as DebugProtocol.Event).event === 'initialized');
        c.send('configurationDone');
        await c.until((m) => m.type === 'event' && (m as DebugProtocol.StoppedEvent).body?.reason === 'entry');
        c.send('threads');
        c.send('continue', { threadId: 1 });
        await c.until((m) => m.type === 'event' && (m as DebugProtocol.StoppedEvent).body?.reason === 'end');
        const text = consoleText(c.got);
        if (!trace) {
          expect(text).not.toMatch(/(From|To) client: /);
          return;
        }
        expect(text).toMatch(/^From client: threads\(/m);
        expect(text).toMatch(/^From client: continue\(\{"threadId":1\}\)/m);
        expect(text).toMatch(/^To client: .*"command":"threads"/m);
        expect(text).toMatch(/^To client: .*"reason":"entry"/m);
        expect(text).toMatch(/^To client: .*"reason":"end"/m);
      } finally {
        c.end();
      }
    });
  }
});
