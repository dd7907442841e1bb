/**
 * Launch reads only scenarios (issue 14 item 5): a path that is a device, a
 * FIFO with no writer, a directory or a huge file is refused at once with a
 * message naming it, by `kstep run` and by the debugger's launch; and
 * `kstep dap --server` on a port in use says so and exits 2.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, truncateSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_SCENARIO_BYTES, readScenarioFile } from '../../src/sim';
import { kstep, ROOT, Scenarios } from '../support/kit';
import { Harness, openPerTest } from '../support/dap';

const files = new Scenarios();
const dir = join(files.write('marker.kstep', ''), '..');
const FIFO = join(dir, 'pipe.kstep');
execFileSync('mkfifo', [FIFO]);
const BIG = join(dir, 'big.kstep');
writeFileSync(BIG, '');
// Sparse: the size is what is checked, nothing is written.
truncateSync(BIG, MAX_SCENARIO_BYTES + 1);
const DIR = join(dir, 'folder.kstep');
mkdirSync(DIR);
afterAll(() => files.dispose());

describe('readScenarioFile', () => {
  it.each([
    ['/dev/zero', "scenario '/dev/zero' is not a regular file"],
    [FIFO, `scenario '${FIFO}' is not a regular file`],
    [DIR, `scenario '${DIR}' is a directory, not a .kstep file`],
    [BIG, `scenario '${BIG}' is ${MAX_SCENARIO_BYTES + 1} bytes: a scenario may be at most ${MAX_SCENARIO_BYTES} bytes`],
    [join(dir, 'absent.kstep'), `scenario '${join(dir, 'absent.kstep')}' does not exist`],
    // Any other failure names its code and what it means, not the code alone.
    [join(files.write('plain.kstep', ''), 'under.kstep'), `cannot read scenario '${join(dir, 'plain.kstep', 'under.kstep')}': ENOTDIR: not a directory`],
  ])('refuses %s', (path, message) => {
    expect(readScenarioFile(path)).toEqual({ error: message });
  });

  it('reads a scenario', () => {
    expect(readScenarioFile(files.write('ok.kstep', 'expect 1 == 1\n'))).toEqual({ source: 'expect 1 == 1\n' });
  });
});

describe('kstep run on what is not a scenario', () => {
  it.each([['/dev/zero'], [FIFO], [DIR], [BIG]])('%s: exit 2 at once, with a one-line message', (path) => {
    const r = kstep('run', path);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(new RegExp(`^kstep: scenario '${path.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}' (is not a regular file|is a directory|is \\d+ bytes)`));
  });
});

describe('a debugger launch of what is not a scenario', () => {
  let h: Harness;
  openPerTest((x) => (h = x));

  it('fails the launch with the reason, and the adapter answers the next request', async () => {
    await expect(h.launch('/dev/zero')).rejects.toThrow(/scenario '\/dev\/zero' is not a regular file/);
    expect((await h.dc.threadsRequest()).success).toBe(true);
  });

  it('a FIFO with no writer does not block the launch', async () => {
    await expect(h.launch(FIFO)).rejects.toThrow(/is not a regular file/);
    expect((await h.dc.threadsRequest()).success).toBe(true);
  });
});

describe('kstep dap --server on a port in use', () => {
  it('says so in one line and exits 2', async () => {
    const taken = createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
    const port = (taken.address() as AddressInfo).port;
    try {
      const child = spawn(process.execPath, [join(ROOT, 'bin', 'kstep.js'), 'dap', `--server=${port}`], { stdio: ['ignore', 'pipe', 'pipe'] });
      let err = '';
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      const code = await new Promise<number | null>((r) => child.on('exit', r));
      expect(code).toBe(2);
      expect(err).toBe(`kstep dap: cannot listen on 127.0.0.1:${port}: the port is in use\n`);
    } finally {
      taken.close();
    }
  });
});
