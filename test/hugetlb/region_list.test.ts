/**
 * RegionList is checked two ways: against a plain-array transcription of the
 * same kernel loops (NaiveRegions), and, through the simulator's region_*
 * kernel functions (src/sim/hugetlb/region_ops.ts, driven by SimResv),
 * against the literal linked-list port in literal_resv_map.ts, including its
 * -ENOMEM and VM_BUG_ON paths. differential.test.ts does the latter at scale.
 */
import { describe, expect, it } from 'vitest';
import { KernelBug } from '../../src/sim/core/machine';
import { RegionList } from '../../src/sim/hugetlb/region_list';
import { ENOMEM, LiteralBug, LiteralResvMap } from './literal_resv_map';
import { mulberry32, rngInt } from '../support/rng';
import { SimResv } from './sim_resv';
import type { Region } from './sim_resv';

/**
 * The same kernel loops over a plain array: obviously correct, O(n) per
 * operation. Written independently of RegionList's chunk logic.
 */
class NaiveRegions {
  r: Region[];
  constructor(r: Region[] = []) {
    this.r = r.map(([a, b]): Region => [a, b]);
  }

  countGaps(f: number, t: number): { add: number; gaps: number } {
    let lao = f;
    let add = 0;
    let gaps = 0;
    for (const [from, to] of this.r) {
      if (from < f) {
        if (to > lao) lao = to;
        continue;
      }
      if (from > t) break;
      if (from > lao) {
        add += from - lao;
        gaps++;
      }
      lao = to;
    }
    if (lao < t) {
      add += t - lao;
      gaps++;
    }
    return { add, gaps };
  }

  /** Inserts gaps until `limit` of them are in (the kernel stopping at a failed cache take). */
  fillGaps(f: number, t: number, limit = Infinity): number {
    let lao = f;
    let add = 0;
    let inserted = 0;
    let k = 0;
    for (; k < this.r.length; k++) {
      const [from, to] = this.r[k];
      if (from < f) {
        if (to > lao) lao = to;
        continue;
      }
      if (from > t) break;
      if (from > lao) {
        if (inserted === limit) return add;
        add += from - lao;
        this.r.splice(k, 0, [lao, from]);
        inserted++;
        k++;
      }
      lao = to;
    }
    if (lao < t) {
      if (inserted === limit) return add;
      add += t - lao;
      this.r.splice(k, 0, [lao, t]);
    }
    return add;
  }

  countOverlap(f: number, t: number): number {
    let chg = 0;
    for (const [from, to] of this.r) {
      if (to <= f) continue;
      if (from >= t) break;
      chg += Math.min(to, t) - Math.max(from, f);
    }
    return chg;
  }

  /** region_del's loop; reports which index it split (or -1). */
  del(f: number, t: number): { del: number; split: number } {
    let del = 0;
    for (let k = 0; k < this.r.length; k++) {
      const rg = this.r[k];
      if (rg[1] <= f) continue;
      if (rg[0] >= t) break;
      if (f > rg[0] && t < rg[1]) {
        del += t - f;
        this.r.splice(k + 1, 0, [t, rg[1]]);
        rg[1] = f;
        return { del, split: k };
      }
      if (f <= rg[0] && t >= rg[1]) {
        del += rg[1] - rg[0];
        this.r.splice(k, 1);
        k--;
        continue;
      }
      if (f <= rg[0]) {
        del += t - rg[0];
        rg[0] = t;
      } else {
        del += rg[1] - f;
        rg[1] = f;
      }
    }
    return { del, split: -1 };
  }
}

/** region_del on a RegionList, the way the simulator is expected to drive it. */
function regionListDel(list: RegionList, f: number, t: number): { del: number; split: number } {
  const split = list.findSplit(f, t);
  if (split >= 0) return { del: list.splitAt(split, f, t), split };
  return { del: list.deleteRange(f, t), split: -1 };
}

function build(regions: Region[]): RegionList {
  const list = RegionList.from(regions);
  list.assertInvariants();
  return list;
}

describe('RegionList: reference 004 worked example', () => {
  it('[0,1) [2,3) [5,6) + [0,5) leaves five regions', () => {
    const list = build([
      [0, 1],
      [2, 3],
      [5, 6],
    ]);
    expect(list.countGaps(0, 5)).toEqual({ add: 3, gaps: 2 });
    const inserted: Region[] = [];
    expect(list.fillGaps(0, 5, (from, to) => inserted.push([from, to]))).toBe(3);
    expect(inserted).toEqual([
      [1, 2],
      [3, 5],
    ]);
    expect(list.toArray()).toEqual([
      [0, 1],
      [1, 2],
      [2, 3],
      [3, 5],
      [5, 6],
    ]);
    list.assertInvariants();
  });

  it('the literal port agrees: region_chg returns 3 with regions_needed 2', () => {
    const lit = new LiteralResvMap();
    const resv = lit.resv;
    for (const [f, t] of [
      [0, 1],
      [2, 3],
      [5, 6],
    ]) {
      const out = { value: 0 };
      expect(lit.region_chg(resv, f, t, out)).toBe(1);
      expect(lit.region_add(resv, f, t, out.value)).toBe(1);
    }
    const out = { value: 0 };
    expect(lit.region_chg(resv, 0, 5, out)).toBe(3);
    expect(out.value).toBe(2);
    expect(lit.addsInProgress).toBe(2);
    expect(lit.regionCacheCount).toBe(2);
    expect(lit.region_add(resv, 0, 5, out.value)).toBe(3);
    expect(lit.regions()).toEqual([
      [0, 1],
      [1, 2],
      [2, 3],
      [3, 5],
      [5, 6],
    ]);
    expect(lit.addsInProgress).toBe(0);
    expect(lit.regionCacheCount).toBe(0);
    expect(lit.lockHeld).toBe(false);
  });
});

describe('RegionList: edge cases', () => {
  it('countGaps with f == t and f > t', () => {
    const list = build([
      [0, 4],
      [6, 8],
    ]);
    expect(list.countGaps(5, 5)).toEqual({ add: 0, gaps: 0 });
    expect(list.countGaps(2, 2)).toEqual({ add: 0, gaps: 0 });
    expect(list.countGaps(7, 3)).toEqual({ add: 0, gaps: 0 });
    expect(list.countGaps(10, 1)).toEqual({ add: 0, gaps: 0 });
    expect(new RegionList().countGaps(3, 3)).toEqual({ add: 0, gaps: 0 });
    expect(list.fillGaps(5, 5, () => expect.fail('no insert expected'))).toBe(0);
    expect(list.toArray()).toEqual([
      [0, 4],
      [6, 8],
    ]);
  });

  it('touching regions leave no gap; a range ending at a region start still walks it', () => {
    const list = build([
      [0, 2],
      [2, 4],
      [4, 6],
    ]);
    expect(list.countGaps(0, 6)).toEqual({ add: 0, gaps: 0 });
    expect(list.countGaps(-3, 0)).toEqual({ add: 3, gaps: 1 });
    expect(list.countGaps(6, 9)).toEqual({ add: 3, gaps: 1 });
    expect(list.fillGaps(-3, 9, () => {})).toBe(6);
    expect(list.toArray()).toEqual([
      [-3, 0],
      [0, 2],
      [2, 4],
      [4, 6],
      [6, 9],
    ]);
  });

  it('negative offsets', () => {
    const list = new RegionList();
    expect(list.fillGaps(-10, -5, () => {})).toBe(5);
    expect(list.fillGaps(-20, -12, () => {})).toBe(8);
    expect(list.fillGaps(-15, -3, () => {})).toBe(2 + 2);
    expect(list.toArray()).toEqual([
      [-20, -12],
      [-12, -10],
      [-10, -5],
      [-5, -3],
    ]);
    expect(list.countOverlap(-11, -4)).toBe(7);
    expect(regionListDel(list, -9, -7)).toEqual({ del: 2, split: 2 });
    expect(list.toArray()).toEqual([
      [-20, -12],
      [-12, -10],
      [-10, -9],
      [-7, -5],
      [-5, -3],
    ]);
    list.assertInvariants();
  });

  it('region_del with f == t inside a region splits it with del 0', () => {
    const list = build([[0, 10]]);
    expect(list.findSplit(4, 4)).toBe(0);
    expect(list.splitAt(0, 4, 4)).toBe(0);
    expect(list.toArray()).toEqual([
      [0, 4],
      [4, 10],
    ]);
    // ...and at a region boundary it does nothing.
    expect(list.findSplit(4, 4)).toBe(-1);
    expect(list.deleteRange(4, 4)).toBe(0);
    expect(list.findSplit(0, 0)).toBe(-1);
    expect(list.deleteRange(0, 0)).toBe(0);
    expect(list.toArray()).toEqual([
      [0, 4],
      [4, 10],
    ]);

    const lit = new LiteralResvMap();
    const out = { value: 0 };
    lit.region_chg(lit.resv, 0, 10, out);
    lit.region_add(lit.resv, 0, 10, out.value);
    // The empty delete still consumes a descriptor (kmalloc here: the cache is empty).
    lit.failNext = 1;
    expect(lit.region_del(lit.resv, 4, 4)).toBe(-ENOMEM);
    expect(lit.region_del(lit.resv, 4, 4)).toBe(0);
    expect(lit.regions()).toEqual([
      [0, 4],
      [4, 10],
    ]);
  });

  it('deleteRange trims edges, removes inner regions, and refuses a needed split', () => {
    const list = build([
      [0, 3],
      [3, 5],
      [7, 9],
      [10, 14],
    ]);
    expect(list.findSplit(2, 11)).toBe(-1);
    expect(list.deleteRange(2, 11)).toBe(1 + 2 + 2 + 1);
    expect(list.toArray()).toEqual([
      [0, 2],
      [11, 14],
    ]);
    expect(() => list.deleteRange(12, 13)).toThrow(/split/);
    expect(() => list.deleteRange(5, 4)).toThrow(RangeError);
    expect(() => list.splitAt(0, 0, 1)).toThrow(RangeError);
    expect(list.deleteRange(-100, Number.MAX_SAFE_INTEGER)).toBe(2 + 3);
    expect(list.length).toBe(0);
    expect(list.chunkCount).toBe(0);
    list.assertInvariants();
  });

  it('countOverlap mirrors region_count, including its negative result for f > t inside a region', () => {
    const list = build([
      [0, 10],
      [12, 14],
    ]);
    expect(list.countOverlap(5, 13)).toBe(6);
    expect(list.countOverlap(10, 12)).toBe(0);
    expect(list.countOverlap(7, 3)).toBe(-4);
    const lit = new LiteralResvMap();
    const out = { value: 0 };
    lit.region_chg(lit.resv, 0, 10, out);
    lit.region_add(lit.resv, 0, 10, out.value);
    expect(lit.region_count(lit.resv, 7, 3)).toBe(-4);
  });

  it('rejects non-integer offsets and malformed input', () => {
    const list = new RegionList();
    expect(() => list.countGaps(NaN, 1)).toThrow(RangeError);
    expect(() => list.fillGaps(0, Infinity, () => {})).toThrow(RangeError);
    expect(() => list.countOverlap(0.5, 1)).toThrow(RangeError);
    expect(() => RegionList.from([[1, 1]])).toThrow(RangeError);
    expect(() =>
      RegionList.from([
        [0, 3],
        [2, 4],
      ]),
    ).toThrow(RangeError);
  });

  it('fillGaps keeps the regions inserted before onInsert throws', () => {
    const list = build([
      [0, 1],
      [2, 3],
      [5, 6],
    ]);
    let calls = 0;
    expect(() =>
      list.fillGaps(-2, 9, () => {
        if (++calls === 3) throw new Error('cache empty');
      }),
    ).toThrow('cache empty');
    expect(list.toArray()).toEqual([
      [-2, 0],
      [0, 1],
      [1, 2],
      [2, 3],
      [5, 6],
    ]);
    list.assertInvariants();

    // The literal port, driven the same way: the second cache take BUGs after the first insert.
    const lit = new LiteralResvMap();
    for (const [f, t] of [
      [0, 1],
      [2, 3],
      [5, 6],
    ]) {
      const out = { value: 0 };
      lit.region_chg(lit.resv, f, t, out);
      lit.region_add(lit.resv, f, t, out.value);
    }
    expect(lit.regionCacheCount).toBe(0);
    const out = { value: 0 };
    lit.region_chg(lit.resv, 4, 5, out); // leaves exactly one entry in the cache
    expect(() => lit.add_reservation_in_range(lit.resv, 0, 5, null, false)).toThrow(LiteralBug);
    expect(lit.regions()).toEqual([
      [0, 1],
      [1, 2],
      [2, 3],
      [5, 6],
    ]);
  });
});

describe('RegionList: paging and clone', () => {
  it('at and slice across chunk boundaries', () => {
    const regions: Region[] = [];
    for (let k = 0; k < 3000; k++) regions.push([3 * k - 4000, 3 * k - 4000 + 2]);
    const list = build(regions);
    expect(list.chunkCount).toBeGreaterThan(4);
    for (const i of [0, 1, 511, 512, 513, 1023, 1024, 2047, 2999]) expect(list.at(i)).toEqual(regions[i]);
    expect(() => list.at(3000)).toThrow(RangeError);
    expect(() => list.at(-1)).toThrow(RangeError);
    expect(() => list.at(1.5)).toThrow(RangeError);
    expect(list.slice(500, 30)).toEqual(regions.slice(500, 530));
    expect(list.slice(2990, 50)).toEqual(regions.slice(2990));
    expect(list.slice(3000, 5)).toEqual([]);
    expect(list.slice(0, 0)).toEqual([]);
    expect(() => list.slice(3001, 1)).toThrow(RangeError);
    expect(() => list.slice(0, -1)).toThrow(RangeError);
    const rand = mulberry32(7);
    for (let n = 0; n < 200; n++) {
      const s = rngInt(rand, 0, 3000);
      const c = rngInt(rand, 0, 700);
      expect(list.slice(s, c)).toEqual(regions.slice(s, s + c));
    }
    expect(list.toArray()).toEqual(regions);
  });

  it('clone is independent in both directions', () => {
    const list = new RegionList();
    for (let k = 0; k < 2000; k++) list.fillGaps(2 * k, 2 * k + 1, () => {});
    const snap = list.clone();
    const before = list.toArray();
    list.fillGaps(0, 4000, () => {});
    regionListDel(list, 100, 200);
    expect(snap.toArray()).toEqual(before);
    snap.fillGaps(-5, -1, () => {});
    expect(list.at(0)).toEqual([0, 1]);
    expect(snap.at(0)).toEqual([-5, -1]);
    list.assertInvariants();
    snap.assertInvariants();
  });
});

interface FuzzShape {
  seed: number;
  ops: number;
  lo: number;
  hi: number;
  maxLen: number;
  /** Compare the full arrays every this many operations (they are O(n)). */
  fullEvery: number;
  /** Probabilities that a fill / a delete spans up to half the space (these flood or wipe the list). */
  longFill: number;
  longDel: number;
  /** Long deletes only start after this many operations, so the list first grows then shrinks. */
  shrinkAfter: number;
}

function fuzzAgainstNaive(shape: FuzzShape): { maxChunks: number; finalChunks: number; maxLength: number } {
  const rand = mulberry32(shape.seed);
  const list = new RegionList();
  const naive = new NaiveRegions();
  const snapshots: Array<{ list: RegionList; contents: Region[] }> = [];
  let maxChunks = 0;
  let maxLength = 0;
  const range = (longProb: number): [number, number] => {
    const f = rngInt(rand, shape.lo, shape.hi);
    const roll = rand();
    // Mostly short ranges (single pages dominate real faults), some long, some empty or inverted.
    const len =
      roll < longProb
        ? rngInt(rand, 0, (shape.hi - shape.lo) >> 1)
        : roll < 0.05
          ? -rngInt(rand, 0, 5)
          : roll < 0.55
            ? 1
            : rngInt(rand, 0, shape.maxLen);
    return [f, f + len];
  };
  for (let op = 0; op < shape.ops; op++) {
    const kind = rand();
    if (kind < 0.4) {
      const [f, t] = range(shape.longFill);
      const limit = rand() < 0.1 ? rngInt(rand, 0, 3) : Infinity;
      let calls = 0;
      const expectedAdd = naive.countGaps(f, t);
      expect(list.countGaps(f, t)).toEqual(expectedAdd);
      const naiveAdd = naive.fillGaps(f, t, limit);
      let add: number;
      try {
        add = list.fillGaps(f, t, () => {
          if (calls === limit) throw new Error('abort');
          calls++;
        });
      } catch {
        add = naiveAdd;
        expect(calls).toBe(limit);
      }
      expect(add).toBe(naiveAdd);
    } else if (kind < 0.55) {
      const [f, t] = range(shape.longFill);
      expect(list.countGaps(f, t)).toEqual(naive.countGaps(f, t));
    } else if (kind < 0.65) {
      const [f, t] = range(shape.longFill);
      expect(list.countOverlap(f, t)).toBe(naive.countOverlap(f, t));
    } else if (kind < 0.85) {
      const longDel = op >= shape.shrinkAfter ? shape.longDel : 0;
      let [f, t] = range(longDel);
      if (f > t) [f, t] = [t, f];
      // LONG_MAX: hugetlb_unreserve_pages truncating the file.
      if (rand() < longDel) t = Number.MAX_SAFE_INTEGER;
      expect(regionListDel(list, f, t)).toEqual(naive.del(f, t));
    } else if (kind < 0.95) {
      if (list.length > 0) {
        const i = rngInt(rand, 0, list.length - 1);
        expect(list.at(i)).toEqual(naive.r[i]);
        const c = rngInt(rand, 0, 40);
        expect(list.slice(i, c)).toEqual(naive.r.slice(i, i + c));
      }
      expect(list.length).toBe(naive.r.length);
    } else if (snapshots.length < 4) {
      snapshots.push({ list: list.clone(), contents: naive.r.map(([a, b]): Region => [a, b]) });
    }
    list.assertInvariants();
    maxChunks = Math.max(maxChunks, list.chunkCount);
    maxLength = Math.max(maxLength, list.length);
    if (op % shape.fullEvery === 0) expect(list.toArray()).toEqual(naive.r);
  }
  expect(list.toArray()).toEqual(naive.r);
  for (const s of snapshots) expect(s.list.toArray()).toEqual(s.contents);
  return { maxChunks, finalChunks: list.chunkCount, maxLength };
}

describe('RegionList vs a plain-array model (random operations)', () => {
  it('small dense coordinate space, many seeds', () => {
    for (let seed = 1; seed <= 60; seed++) {
      fuzzAgainstNaive({ seed, ops: 400, lo: -30, hi: 60, maxLen: 12, fullEvery: 1, longFill: 0.04, longDel: 0.04, shrinkAfter: 0 });
    }
  });

  it('thousands of regions: chunks split as it grows and merge as it shrinks', () => {
    const stats = fuzzAgainstNaive({
      seed: 12345,
      ops: 22000,
      lo: -20000,
      hi: 20000,
      maxLen: 6,
      fullEvery: 97,
      longFill: 0.0002,
      longDel: 0.01,
      shrinkAfter: 18000,
    });
    expect(stats.maxLength).toBeGreaterThan(5000);
    expect(stats.maxChunks).toBeGreaterThan(10);
    expect(stats.finalChunks).toBeLessThan(stats.maxChunks / 2);
  });

  it('grow to 6,000 single-page regions, then delete down to a handful', () => {
    const rand = mulberry32(99);
    const list = new RegionList();
    const naive = new NaiveRegions();
    const order = Array.from({ length: 6000 }, (_, k) => 2 * k);
    for (let k = order.length - 1; k > 0; k--) {
      const j = rngInt(rand, 0, k);
      [order[k], order[j]] = [order[j], order[k]];
    }
    for (const p of order) {
      expect(list.fillGaps(p, p + 1, () => {})).toBe(naive.fillGaps(p, p + 1));
    }
    list.assertInvariants();
    expect(list.toArray()).toEqual(naive.r);
    const peak = list.chunkCount;
    expect(peak).toBeGreaterThan(11);
    // Punch holes and delete big stretches so chunks shrink and merge.
    for (let n = 0; n < 300; n++) {
      const f = rngInt(rand, 0, 12000);
      const t = f + rngInt(rand, 0, n < 250 ? 3 : 4000);
      expect(regionListDel(list, f, t)).toEqual(naive.del(f, t));
      list.assertInvariants();
    }
    expect(regionListDel(list, 0, 11000)).toEqual(naive.del(0, 11000));
    list.assertInvariants();
    expect(list.toArray()).toEqual(naive.r);
    expect(list.chunkCount).toBeLessThan(peak);
    expect(list.chunkCount).toBeLessThanOrEqual(1);
  });
});

describe('RegionList at scale', () => {
  it('100,000 single-page faults in random order, then range queries', () => {
    const n = 100_000;
    const rand = mulberry32(2024);
    const order = Array.from({ length: n }, (_, k) => 2 * k);
    for (let k = n - 1; k > 0; k--) {
      const j = rngInt(rand, 0, k);
      [order[k], order[j]] = [order[j], order[k]];
    }
    const list = new RegionList();
    for (const p of order) list.fillGaps(p, p + 1, () => {});
    list.assertInvariants();
    expect(list.length).toBe(n);
    expect(list.at(n - 1)).toEqual([2 * n - 2, 2 * n - 1]);
    expect(list.countGaps(0, 2 * n)).toEqual({ add: n, gaps: n });
    expect(list.countOverlap(0, 2 * n)).toBe(n);
    expect(list.findSplit(1000, 1000)).toBe(-1);
    expect(list.deleteRange(1000, 3000)).toBe(1000);
    expect(list.length).toBe(n - 1000);
    const snap = list.clone();
    expect(list.fillGaps(0, 2 * n, () => {})).toBe(n + 1000);
    expect(list.length).toBe(2 * (n - 1000));
    expect(snap.length).toBe(n - 1000);
    list.assertInvariants();
  }, 30_000);
});

describe('region_* (simulator kernel functions on RegionList) vs the literal kernel port', () => {
  interface Pending {
    f: number;
    t: number;
    needed: number;
  }

  function compare(lit: LiteralResvMap, fast: SimResv): void {
    expect(fast.regions()).toEqual(lit.regions());
    expect(fast.regionCacheCount).toBe(lit.regionCacheCount);
    expect(fast.addsInProgress).toBe(lit.addsInProgress);
    expect(fast.failNext).toBe(lit.failNext);
    expect(lit.cacheListLength()).toBe(lit.regionCacheCount);
    expect(lit.lockHeld).toBe(false);
    fast.list.assertInvariants();
  }

  /** Run `step` on both; they must agree on the result or on the VM_BUG_ON that fired. */
  function both<T>(litStep: () => T, fastStep: () => T): { ok: true; value: T } | { ok: false } {
    let litResult: { ok: true; value: T } | { ok: false; bug: string };
    try {
      litResult = { ok: true, value: litStep() };
    } catch (e) {
      if (!(e instanceof LiteralBug)) throw e;
      litResult = { ok: false, bug: e.condition };
    }
    let fastResult: typeof litResult;
    try {
      fastResult = { ok: true, value: fastStep() };
    } catch (e) {
      if (!(e instanceof KernelBug)) throw e;
      fastResult = { ok: false, bug: e.condition };
    }
    expect(fastResult).toEqual(litResult);
    return litResult.ok ? litResult : { ok: false };
  }

  it('random chg/add/abort/del/count sequences with injected ENOMEM', () => {
    let bugs = 0;
    let enomem = 0;
    for (let seed = 1; seed <= 150; seed++) {
      const rand = mulberry32(seed * 7919);
      const lit = new LiteralResvMap();
      const fast = new SimResv();
      const resv = lit.resv;
      const pending: Pending[] = [];
      const range = (): [number, number] => {
        const f = rngInt(rand, -10, 40);
        const roll = rand();
        return [f, f + (roll < 0.45 ? 1 : roll < 0.9 ? rngInt(rand, 0, 12) : -rngInt(rand, 1, 3))];
      };
      for (let op = 0; op < 250; op++) {
        if (rand() < 0.08) {
          const n = rngInt(rand, 1, 2);
          lit.failNext = n;
          fast.failNext = n;
        }
        const kind = rand();
        let outcome: { ok: boolean; value?: unknown };
        if (kind < 0.35) {
          const [f, t] = range();
          const litOut = { value: -1 };
          const fastOut = { value: -1 };
          outcome = both(
            () => lit.region_chg(resv, f, t, litOut),
            () => {
              const r = fast.chg(f, t);
              fastOut.value = r.out_regions_needed;
              return r.ret;
            },
          );
          expect(fastOut).toEqual(litOut);
          if (outcome.ok && outcome.value === -ENOMEM) enomem++;
          // On -ENOMEM callers don't abort (the raised adds_in_progress leaks), as in hugetlb_reserve_pages.
          else if (outcome.ok) pending.push({ f, t, needed: litOut.value });
        } else if (kind < 0.65 && pending.length > 0) {
          const p = pending.splice(rngInt(rand, 0, pending.length - 1), 1)[0];
          outcome = both(
            () => lit.region_add(resv, p.f, p.t, p.needed),
            () => fast.add(p.f, p.t, p.needed),
          );
          if (outcome.ok && outcome.value === -ENOMEM) {
            enomem++;
            // hugetlb_reserve_pages: region_add failed after region_chg succeeded -> region_abort.
            outcome = both(
              () => lit.region_abort(resv, p.f, p.t, p.needed),
              () => fast.abort(p.f, p.t, p.needed),
            );
          }
        } else if (kind < 0.75 && pending.length > 0) {
          const p = pending.splice(rngInt(rand, 0, pending.length - 1), 1)[0];
          outcome = both(
            () => lit.region_abort(resv, p.f, p.t, p.needed),
            () => fast.abort(p.f, p.t, p.needed),
          );
        } else if (kind < 0.9) {
          let [f, t] = range();
          if (f > t) [f, t] = [t, f];
          if (rand() < 0.05) t = Number.MAX_SAFE_INTEGER;
          outcome = both(
            () => lit.region_del(resv, f, t),
            () => fast.del(f, t),
          );
          if (outcome.ok && outcome.value === -ENOMEM) enomem++;
        } else {
          const [f, t] = range();
          outcome = both(
            () => lit.region_count(resv, f, t),
            () => fast.count(f, t),
          );
        }
        if (!outcome.ok) {
          // A VM_BUG_ON kills the kernel; state after it is meaningless (the lock is still held).
          bugs++;
          break;
        }
        compare(lit, fast);
      }
    }
    // The generator must actually reach the failure paths.
    expect(enomem).toBeGreaterThan(20);
    expect(bugs).toBeGreaterThan(0);
  });

  it('v7 region_add can take descriptors reserved by other in-flight adds, then BUG on a one-page add', () => {
    // Later revisions of this patch check cache_count against
    // adds_in_progress + (actual - in_regions_needed); v7 (reference 004) does not.
    const lit = new LiteralResvMap();
    const fast = new SimResv();
    const resv = lit.resv;
    const a = { value: 0 };
    const b = { value: 0 };
    const c = { value: 0 };
    expect(lit.region_chg(resv, 0, 10, a)).toBe(10);
    expect(lit.region_chg(resv, 5, 6, b)).toBe(1);
    expect(lit.region_add(resv, 5, 6, b.value)).toBe(1);
    expect(lit.region_chg(resv, 20, 21, c)).toBe(1);
    expect([lit.regionCacheCount, lit.addsInProgress]).toEqual([2, 2]);
    // [0,10) now needs two regions around [5,6) but reserved one; it takes both cached entries.
    expect(lit.region_add(resv, 0, 10, a.value)).toBe(9);
    expect([lit.regionCacheCount, lit.addsInProgress]).toEqual([0, 1]);
    expect(() => lit.region_add(resv, 20, 21, c.value)).toThrow(new LiteralBug('t - f <= 1'));

    const fa = fast.chg(0, 10);
    const fb = fast.chg(5, 6);
    fast.add(5, 6, fb.out_regions_needed);
    const fc = fast.chg(20, 21);
    expect([fa.out_regions_needed, fb.out_regions_needed, fc.out_regions_needed]).toEqual([a.value, b.value, c.value]);
    expect(fast.add(0, 10, fa.out_regions_needed)).toBe(9);
    expect([fast.regionCacheCount, fast.addsInProgress]).toEqual([0, 1]);
    let bug: unknown;
    try {
      fast.add(20, 21, fc.out_regions_needed);
    } catch (e) {
      bug = e;
    }
    expect(bug).toBeInstanceOf(KernelBug);
    expect((bug as KernelBug).condition).toBe('t - f <= 1');
  });

  it('region_chg -ENOMEM leaves adds_in_progress raised', () => {
    const lit = new LiteralResvMap();
    const out = { value: 0 };
    expect(lit.region_chg(lit.resv, 0, 1, out)).toBe(1);
    expect(lit.region_add(lit.resv, 0, 1, out.value)).toBe(1);
    // [-1, 3) around [0, 1) has two gaps: two descriptors needed, the cache is empty.
    lit.failNext = 1;
    expect(lit.region_chg(lit.resv, -1, 3, out)).toBe(-ENOMEM);
    expect(out.value).toBe(2);
    expect(lit.addsInProgress).toBe(2);
    expect(lit.regionCacheCount).toBe(0);
    expect(lit.lockHeld).toBe(false);
  });

  it('region_del splits with a cache entry only when it is not reserved by an in-flight add', () => {
    const lit = new LiteralResvMap();
    const out = { value: 0 };
    lit.region_chg(lit.resv, 0, 10, out);
    lit.region_add(lit.resv, 0, 10, out.value);
    const pend = { value: 0 };
    lit.region_chg(lit.resv, 20, 21, pend); // cache 1, adds_in_progress 1
    expect([lit.regionCacheCount, lit.addsInProgress]).toEqual([1, 1]);
    lit.failNext = 1;
    expect(lit.region_del(lit.resv, 3, 4)).toBe(-ENOMEM); // must kmalloc, fails
    expect(lit.region_del(lit.resv, 3, 4)).toBe(1);
    expect(lit.regionCacheCount).toBe(1);
    lit.region_abort(lit.resv, 20, 21, pend.value);
    expect(lit.region_del(lit.resv, 6, 7)).toBe(1); // now the cached entry is free to use
    expect(lit.regionCacheCount).toBe(0);
    expect(lit.regions()).toEqual([
      [0, 3],
      [4, 6],
      [7, 10],
    ]);
  });
});
