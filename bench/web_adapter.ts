// The inline adapter as the web extension host runs it (dist/web/adapter.js: every Node built-in a shim, the
// run loop's slices on the web setImmediate over a MessageChannel) against the same KstepSession built for
// Node, interleaved: a run to the end of a scenario, from configurationDone to the stop the step budget makes.
// The web build is evaluated in this V8 context (with a require that refuses everything), not in a vm context:
// there every global access goes through the context's interceptors, which would be measured instead.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { KstepSession } from '../src/adapter/session';
import { runInThisContext } from 'node:vm';
import { nowMs, reportPairsAsync } from './report';

const WEB_ADAPTER = [join(__dirname, 'web', 'adapter.js'), join(__dirname, '..', 'dist', 'web', 'adapter.js')].find((p) => existsSync(p)) ?? join(__dirname, 'web', 'adapter.js');
const PAIRS = 7;
const STEPS = 300_000;
/** Step points without end: the step budget ends the run. */
const SCENARIO = 'print "start"\nrepeat 1 << 40 {\n  repeat 1 << 40 {\n  }\n}\n';

interface InlineAdapter {
  handleMessage(m: DebugProtocol.ProtocolMessage): void;
  onDidSendMessage(fn: (m: DebugProtocol.ProtocolMessage) => void): { dispose(): void };
  end(): void;
}

/** ms from configurationDone to the stop at the step budget. */
async function runToBudget(make: () => InlineAdapter): Promise<number> {
  const s = make();
  let seq = 1;
  let t0 = 0;
  const done = new Promise<number>((resolve) => {
    const sub = s.onDidSendMessage((m) => {
      if (m.type !== 'event') return;
      const e = (m as DebugProtocol.Event).event;
      if (e === 'initialized') {
        t0 = nowMs();
        s.handleMessage({ seq: seq++, type: 'request', command: 'configurationDone' } as DebugProtocol.Request);
      } else if (e === 'stopped' || e === 'terminated') {
        const ms = nowMs() - t0;
        sub.dispose();
        s.end();
        resolve(ms);
      }
    });
  });
  s.handleMessage({ seq: seq++, type: 'request', command: 'initialize', arguments: { adapterID: 'kstep', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' } } as DebugProtocol.Request);
  s.handleMessage({ seq: seq++, type: 'request', command: 'launch', arguments: { program: '/bench/forever.kstep', source: SCENARIO, stopOnEntry: false, maxSteps: STEPS } } as DebugProtocol.Request);
  return done;
}

export async function benchWebAdapter(): Promise<void> {
  if (!existsSync(WEB_ADAPTER)) throw new Error(`${WEB_ADAPTER} is missing: run npm run build`);
  const load = runInThisContext(`(function (module, exports, require) {${readFileSync(WEB_ADAPTER, 'utf8')}\n})`, { filename: WEB_ADAPTER }) as (m: { exports: Record<string, unknown> }, e: Record<string, unknown>, r: (n: string) => never) => void;
  const mod = { exports: {} as Record<string, unknown> };
  load(mod, mod.exports, (name) => {
    throw new Error(`the web adapter required '${name}'`);
  });
  const Web = mod.exports.KstepSession as new () => InlineAdapter;
  await reportPairsAsync(
    { name: 'web_adapter_run_to_budget', unit: 'ms', baseline: 'node_adapter_run_to_budget', note: `${STEPS} step points under the inline adapter: the web build in a context with no Node API against the Node build` },
    PAIRS,
    () => runToBudget(() => new Web()),
    () => runToBudget(() => new KstepSession() as unknown as InlineAdapter),
  );
}
