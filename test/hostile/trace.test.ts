/**
 * The DAP trace is per session (issue 14 item 4): on one `kstep dap --server`,
 * a client with `trace: true` sees its own traffic on its Debug Console, and
 * a client without it sees none, neither its own nor the other's.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Harness } from '../support/dap';
import { Scenarios } from '../support/kit';
import { startServer, tcpHarness } from './server';

const files = new Scenarios();
const TRACED = files.write('traced.kstep', 'print "traced"\n');
const QUIET = files.write('quiet.kstep', 'print "quiet"\n');
afterAll(() => files.dispose());

const traceLines = (h: Harness): string[] => h.output('console').split('\n').filter((l) => /(From|To) client: /.test(l));

describe('two sessions on one server, one with trace: true', () => {
  it('each session traces only its own traffic, and only when it asked', async () => {
    const s = await startServer();
    let traced: Harness | undefined;
    let quiet: Harness | undefined;
    try {
      traced = await tcpHarness(s.where);
      quiet = await tcpHarness(s.where);
      await traced.launch(TRACED, { stopOnEntry: true, extra: { trace: true } });
      await traced.stopped('entry');
      await quiet.launch(QUIET, { stopOnEntry: true });
      await quiet.stopped('entry');
      await quiet.dc.threadsRequest();
      await traced.dc.threadsRequest();
      await quiet.go('continue');
      await traced.go('continue');

      expect(traceLines(quiet)).toEqual([]);
      const mine = traceLines(traced);
      expect(mine.some((l) => l.startsWith('From client: threads'))).toBe(true);
      expect(mine.some((l) => l.includes('"reason":"end"'))).toBe(true);
      // Nothing of the other session: its program, its output.
      expect(mine.join('\n')).not.toContain('quiet');
      expect(traced.output('stdout')).toBe('traced\n');
      expect(quiet.output('stdout')).toBe('quiet\n');
    } finally {
      await traced?.close();
      await quiet?.close();
      s.server.kill();
    }
  });
});
