import { describe, expect, it } from 'vitest';
import { ChunkDir, nextEpoch } from '../../src/sim/mm/chunk_dir';
import { CowInts } from '../../src/sim/mm/cow';
import { Rng } from '../support/rng';

/** A chunk as the containers keep them: an object the directory stores by reference. */
interface Box {
  readonly v: number;
}

describe('ChunkDir: the persistent chunk directory', () => {
  it('agrees with a Map through random sets, deletes, snapshots and restores, and a snapshot never changes', () => {
    const rng = new Rng(20261203);
    let dir = new ChunkDir<Box>();
    let model = new Map<number, Box>();
    const saved: Array<{ snap: ReturnType<ChunkDir<Box>['snapshot']>; model: Map<number, Box> }> = [];
    const keyOf = (): number => {
      const r = rng.next();
      // Small indexes, indexes across several trie levels, and ones past 2^32.
      if (r < 0.6) return Math.floor(rng.next() * 200);
      if (r < 0.9) return Math.floor(rng.next() * 2 ** 20);
      return 2 ** 33 + Math.floor(rng.next() * 1000);
    };
    for (let op = 0; op < 10_000; op++) {
      const r = rng.next();
      if (r < 0.6) {
        const k = keyOf();
        const b = { v: op };
        dir.set(k, b);
        model.set(k, b);
      } else if (r < 0.8) {
        const k = model.size && rng.next() < 0.8 ? ([...model.keys()][Math.floor(rng.next() * model.size)] as number) : keyOf();
        dir.delete(k);
        model.delete(k);
      } else if (r < 0.9) {
        saved.push({ snap: dir.snapshot(), model: new Map(model) });
        nextEpoch();
      } else if (saved.length) {
        const s = saved[Math.floor(rng.next() * saved.length)] as (typeof saved)[number];
        nextEpoch();
        dir = ChunkDir.from(s.snap);
        model = new Map(s.model);
      }
      if (op % 500 === 0) {
        expect(dir.size).toBe(model.size);
        expect(dir.keys()).toEqual([...model.keys()].sort((a, b) => a - b));
        for (const [k, b] of model) expect(dir.get(k)).toBe(b);
        // Snapshots (a random tenth each time) still read exactly as they were taken.
        for (const s of saved.filter(() => rng.next() < 0.1)) {
          const back = ChunkDir.from(s.snap);
          expect(back.keys()).toEqual([...s.model.keys()].sort((a, b) => a - b));
          for (const [k, b] of s.model) expect(back.get(k)).toBe(b);
        }
      }
    }
    expect(saved.length).toBeGreaterThan(50);
  });

  it('keys(lo, hi) lists only the chunks in range', () => {
    const d = new ChunkDir<Box>();
    for (const k of [0, 31, 32, 1023, 1024, 40_000, 2 ** 40]) d.set(k, { v: k });
    expect(d.keys(31, 1024)).toEqual([31, 32, 1023, 1024]);
    expect(d.keys(1025, 2 ** 40 - 1)).toEqual([40_000]);
    expect(d.keys(2 ** 40, 2 ** 40)).toEqual([2 ** 40]);
  });

  it('a snapshot costs what changed since the one before: the nodes off the written path stay shared', () => {
    const a = new CowInts();
    for (let i = 0; i < 1 << 20; i += 97) a.set(i, i + 1);
    const before = a.snapshot();
    nextEpoch();
    a.set(5, 7);
    const after = a.snapshot();
    // Only the root-to-chunk path was copied: every other top-level node is the same object.
    const kids = (s: typeof before): unknown[] => (s.chunks.root as unknown as { kids: unknown[] }).kids;
    const shared = kids(before).filter((k, i) => k === kids(after)[i]).length;
    expect(shared).toBe(kids(before).length - 1);
    expect(CowInts.restore(before).get(5)).toBe(0);
    expect(CowInts.restore(after).get(5)).toBe(7);
  });
});

describe('CowInts.nonZeroIndex: the i-th set entry from per-chunk counts', () => {
  it('agrees with listing the entries, through sets, clears, snapshots and restores, in any access order', () => {
    const rng = new Rng(7);
    let a = new CowInts();
    const snaps: Array<ReturnType<CowInts['snapshot']>> = [];
    for (let round = 0; round < 200; round++) {
      for (let op = 0; op < 200; op++) {
        const i = rng.next() < 0.7 ? Math.floor(rng.next() * 5000) : 2 ** 30 + Math.floor(rng.next() * 3000);
        a.set(i, rng.next() < 0.3 ? 0 : 1 + Math.floor(rng.next() * 9));
      }
      if (rng.next() < 0.3) {
        snaps.push(a.snapshot());
        nextEpoch();
      } else if (snaps.length && rng.next() < 0.2) {
        nextEpoch();
        a = CowInts.restore(snaps[Math.floor(rng.next() * snaps.length)] as ReturnType<CowInts['snapshot']>);
      }
      const want = a.nonZeroIndexes();
      const index = a.nonZeroIndex();
      expect(index.length).toBe(want.length);
      const order = rng.next() < 0.5 ? [...want.keys()] : [...want.keys()].sort(() => rng.next() - 0.5);
      for (const i of order.slice(0, 300)) expect(index.at(i)).toBe(want[i]);
      expect(index.at(want.length)).toBe(-1);
    }
  });
});
