import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import { join } from 'node:path';
import { EXAMPLES, stdioClient } from './helpers';

describe('dap smoke', () => {
  let dc: DebugClient;
  beforeEach(async () => {
    dc = await stdioClient();
  });
  afterEach(async () => {
    await dc.stop();
  });

  it('launches, stops on entry, steps and reads the resv_map', async () => {
    const program = join(EXAMPLES, 'resv_map.kstep');
    await Promise.all([
      dc.configurationSequence(),
      dc.launch({ program, stopOnEntry: true }),
      dc.assertStoppedLocation('entry', { path: program, line: 7 }),
    ]);
    await Promise.all([dc.nextRequest({ threadId: 1 }), dc.assertStoppedLocation('step', { line: 8 })]);
    await Promise.all([dc.stepInRequest({ threadId: 1 }), dc.waitForEvent('stopped')]);
    const st = await dc.stackTraceRequest({ threadId: 1 });
    console.log(st.body.stackFrames.map((f) => `${f.name} ${f.line}`));
    const scopes = await dc.scopesRequest({ frameId: st.body.stackFrames[0]?.id ?? 0 });
    console.log(scopes.body.scopes.map((s) => s.name));
    const hs = scopes.body.scopes.find((s) => s.name === 'hugetlb');
    const vars = await dc.variablesRequest({ variablesReference: hs?.variablesReference ?? 0 });
    console.log(vars.body.variables);
    const r = await dc.evaluateRequest({ expression: 'resv.f', context: 'watch' });
    console.log(r.body);
    expect(r.body.result).toContain('regions');
  });
});
