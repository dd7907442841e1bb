import { describe, expect, it } from 'vitest';
import { EventQueue } from '../../src/sim/core/events';
import { kernelSource, fnOf } from '../../src/sim/core/frames';
import type { Machine } from '../../src/sim/core/machine';
import type { SimEvent } from '../../src/sim/core/events';
import { sim, subsystem } from '../support/kit';
import { Hugetlb } from '../../src/sim/hugetlb/subsystem';
import { History } from '../../src/sim/core/history';
import type { Snapshot } from '../../src/sim/core/history';

describe('EventQueue', () => {
  it('pops by due time, then in the order queued', () => {
    const q = new EventQueue();
    q.push(30n, 'a', 1);
    q.push(10n, 'a', 2);
    q.push(30n, 'a', 3);
    q.push(20n, 'a', 4);
    q.push(10n, 'a', 5);
    const order: unknown[] = [];
    for (let e = q.pop(); e; e = q.pop()) order.push(e.data);
    expect(order).toEqual([2, 5, 4, 1, 3]);
  });

  it('keeps order across removal, snapshot and restore', () => {
    const q = new EventQueue();
    for (let i = 0; i < 50; i++) q.push(BigInt((i * 37) % 11), 'k', i);
    q.remove((e) => (e.data as number) % 3 === 0);
    const snap = q.snapshot();
    const first = q.ordered().map((e) => e.data);
    q.pop();
    q.restore(snap);
    expect(q.ordered().map((e) => e.data)).toEqual(first);
    const popped: SimEvent[] = [];
    for (let e = q.pop(); e; e = q.pop()) popped.push(e);
    for (let i = 1; i < popped.length; i++) {
      const a = popped[i - 1] as SimEvent;
      const b = popped[i] as SimEvent;
      expect(a.due < b.due || (a.due === b.due && a.seq < b.seq)).toBe(true);
    }
  });
});

// A tiny kernel source of the test's own, so `advance` can be checked before any mechanism schedules events.
const TICK_C = kernelSource(
  'test/tick.c',
  `
static void tick_fire(struct tick *t)  //@@ tick_fire
{
	t->fired++;                      //@fire
}
`,
);

describe('advance', () => {
  it('fires the events due in (now, now + d] in time order, each in its own frame, then sets the time', () => {
    const { machine: m } = sim('advance 10us\nadvance 1ms\n');
    const fired: Array<[bigint, unknown]> = [];
    m.eventHandlers.set('tick', function* (mm: Machine, e: SimEvent) {
      yield* mm.call(fnOf(TICK_C, 'tick_fire'), { id: BigInt(e.data as number) }, function* (fr) {
        fired.push([mm.now, e.data]);
        yield fr.at('fire');
      });
    });
    m.events.push(10_000n, 'tick', 1); // exactly at the end of the first window: fires
    m.events.push(5_000n, 'tick', 2);
    m.events.push(10_001n, 'tick', 3); // just after: waits for the next advance
    m.events.push(2_000_000n, 'tick', 4); // beyond both windows
    m.resume('in');
    expect(m.frames.map((f) => f.fn.name)).toEqual(['tick_fire']);
    expect(m.frames[0]?.args).toEqual({ id: 2n });
    m.resume('out');
    expect(m.statement?.line).toBe(2);
    expect(fired).toEqual([[5_000n, 2], [10_000n, 1]]);
    expect(m.now).toBe(10_000n);
    m.resume('over');
    expect(fired.map((f) => f[1])).toEqual([2, 1, 3]);
    expect(m.now).toBe(1_010_000n);
    expect(m.events.size).toBe(1);
  });

  it('moves time.ns and time.ticks (100 ns units), and needs a unit', () => {
    const { machine: m } = sim('advance 1s\nadvance 250ns\n');
    m.resume('continue');
    expect(m.now).toBe(1_000_000_250n);
    const ticks = m.root('time');
    expect(ticks?.kind === 'record' && ticks.child('ticks')?.kind === 'leaf' ? (ticks.child('ticks') as { get(): unknown }).get() : undefined).toBe(10_000_002n);
    const bad = sim('advance 5\n').machine.resume('continue');
    expect(bad.exception?.kind).toBe('error');
    expect(bad.exception?.message).toContain('needs a duration with a unit');
  });
});

describe('snapshots', () => {
  it('wait longer after a costly snapshot', () => {
    const h = new History(4);
    expect(h.wantSnapshot(0)).toBe(true);
    h.add({ step: 0, size: 800 } as Snapshot);
    expect(h.wantSnapshot(50)).toBe(false);
    expect(h.wantSnapshot(100)).toBe(true); // 800 >> 3
    h.add({ step: 100, size: 2 } as Snapshot);
    expect(h.wantSnapshot(103)).toBe(false);
    expect(h.wantSnapshot(104)).toBe(true); // the minimum spacing
    expect(h.wantSnapshot(100)).toBe(false); // never twice for one step
  });

  it('space themselves out when the state is large, and stay exact', () => {
    const lines = ['hugetlb file f'];
    for (let i = 0; i < 300; i++) lines.push(`region_chg f ${2 * i} ${2 * i + 1}`, `region_add f ${2 * i} ${2 * i + 1}`);
    lines.push('repeat 50 {', '  region_del f 1 2', '  region_chg f 1 2', '  region_add f 1 2', '}');
    lines.push('repeat 200 {', '  region_count f 0 9', '}');
    const { machine: m } = sim(`${lines.join('\n')}\n`, { snapshotEvery: 1 });
    m.resume('continue');
    const h = m.history;
    expect(h).toBeDefined();
    const snaps = h?.snaps ?? [];
    const hugetlbAt = m.subsystems.indexOf(subsystem(m, Hugetlb));
    const regionsOf = (s: { subsystems: readonly unknown[] }): unknown => (s.subsystems[hugetlbAt] as { files: Array<{ regions: unknown }> }).files[0]?.regions;
    const quiet = snaps.slice(-5);
    expect(new Set(quiet.map(regionsOf)).size).toBe(1);
    const end = m.step;
    m.goto(end - 7);
    m.goto(end);
    expect(m.at).toBe('end');
  });
});
