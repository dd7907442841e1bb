/**
 * History exactness for SCMI memlat: stepping back and forth (goto) lands on
 * exactly the state a straight run had, frames, locals, the message log, the
 * shared-memory bytes and the sampling timer included.
 */
import { describe, expect, it } from 'vitest';
import { Memlat } from '../../src/sim/scmi/subsystem';
import { observe, scenario, sim, subsystem } from '../support/kit';
import { mulberry32 } from '../support/rng';

const SRC = scenario(`
  memlat memory 0 min=200000 max=3000000
  memlat monitor 0 cpus=[0..3] map=[[1200000, 800000], [2400000, 1600000]]
  memlat monitor 0 cpus=[4..7] compute map=[[1000000, 300000]]
  memlat memory 5 min=1 max=2
  memlat monitor 5 cpus=[0] map=[[1, 1]]
  scmi probe
  cpu 0 freq=2000 inst=20000 l2_refill=400
  advance 8ms
  cpu 4 freq=900 inst=1 l2_refill=0
  advance 16ms
  scmi get_param MEMLAT_GET_CUR_FREQ hw=0
  scmi stop
  advance 8ms
  scmi set_param MEMLAT_SAMPLE_MS val=4
  scmi start
  advance 9ms
`);

function shmem(s: ReturnType<typeof sim>): string {
  return Buffer.from(s.machine.memorySpace('scmi-shmem')?.read(0n, 0x9c) ?? []).toString('hex');
}

describe('history', () => {
  it('goto any step point, backwards and forwards, gives the state of the straight run', () => {
    const s = sim(SRC);
    const m = s.machine;
    const straight: string[] = [`${observe(s)}|${shmem(s)}`];
    while (m.resume('in').reason !== 'end') straight.push(`${observe(s)}|${shmem(s)}`);
    expect(straight.length).toBeGreaterThan(150);
    const rnd = mulberry32(7);
    for (let n = 0; n < 120; n++) {
      const k = Math.floor(rnd() * straight.length);
      m.goto(k);
      expect(`${observe(s)}|${shmem(s)}`).toBe(straight[k]);
    }
    m.goto(straight.length - 1);
    expect(`${observe(s)}|${shmem(s)}`).toBe(straight[straight.length - 1]);
    expect(subsystem(s, Memlat).messageCount).toBe(21);
  });

  it('stepBack from the end walks the statements back to the start with the same states', () => {
    const s = sim(SRC);
    const m = s.machine;
    const atStmt: string[] = [observe(s)];
    while (m.resume('over').reason !== 'end') atStmt.push(observe(s));
    for (let i = atStmt.length - 1; i >= 0; i--) {
      m.stepBack();
      expect(observe(s)).toBe(atStmt[i]);
    }
  });

  it('a branch after going back (a new sample_ms) does not see the log of the abandoned future', () => {
    const s = sim(SRC);
    const m = s.machine;
    m.resume('continue');
    const full = subsystem(s, Memlat).messageCount;
    m.goto(0);
    expect(subsystem(s, Memlat).messageCount).toBe(0);
    m.seekForward((mm) => mm.statement?.line === 11 && mm.at === 'stmt');
    expect(subsystem(s, Memlat).messageCount).toBe(17);
    m.resume('continue');
    expect(subsystem(s, Memlat).messageCount).toBe(full);
  });
});
