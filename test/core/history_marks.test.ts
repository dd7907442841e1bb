// The history's step marks against a plain array model: chunk boundaries, a point deeper than a byte holds,
// statement-start lines, replay re-marking what it holds, and a new timeline dropping the future.
import { describe, expect, it } from 'vitest';
import { History, PointKind } from '../../src/sim/core/history';
import { Rng } from '../support/rng';

interface Point {
  depth: number;
  kind: PointKind;
  line: number;
}

function model(points: Point[]): { lineAt(step: number): number; lastStartIn(lines: Set<number>, before: number, after: number): number } {
  return {
    lineAt(step) {
      for (let k = step; k >= 0; k--) if (points[k]?.kind === PointKind.Stmt) return points[k]!.line;
      return 0;
    },
    lastStartIn(lines, before, after) {
      for (let k = Math.min(before, points.length) - 1; k > after; k--) if (points[k]!.kind === PointKind.Stmt && lines.has(points[k]!.line)) return k;
      return -1;
    },
  };
}

describe('history step marks', () => {
  it('agree with a plain array over 200,000 points, a deep one, replay and a new timeline', () => {
    const rng = new Rng(7);
    const points: Point[] = [];
    const h = new History(512);
    for (let step = 0; step < 200_000; step++) {
      const kind = rng.next() < 0.2 ? PointKind.Stmt : rng.next() < 0.95 ? PointKind.Kernel : PointKind.Exception;
      // One point past 63 frames (a byte's worth) in the second chunk, one at the cap.
      const depth = step === 70_000 ? 200 : step === 150_000 ? 0x3fff : Math.floor(rng.next() * 12);
      const p = { depth, kind, line: 1 + Math.floor(rng.next() * 40) };
      points.push(p);
      h.mark(step, p.depth, p.kind, p.line);
    }
    // Replay marks the first half again: nothing changes.
    for (let step = 0; step < 100_000; step++) h.mark(step, points[step]!.depth, points[step]!.kind, points[step]!.line);
    const check = (n: number) => {
      const m = model(points.slice(0, n));
      for (let i = 0; i < 300; i++) {
        const step = Math.floor(rng.next() * n);
        expect(h.depthAt(step)).toBe(points[step]!.depth);
        expect(h.kindAt(step)).toBe(points[step]!.kind);
        expect(h.lineAt(step)).toBe(m.lineAt(step));
        const lines = new Set([1 + Math.floor(rng.next() * 40), 1 + Math.floor(rng.next() * 40)]);
        const after = Math.floor(rng.next() * step) - 1;
        expect(h.lastStartIn(new Map([...lines].map((l) => [l, true])), step, after)).toBe(m.lastStartIn(lines, step, after));
      }
    };
    check(200_000);
    expect(h.depthAt(70_000)).toBe(200);
    // A new timeline from step 120,000 on: the old future is gone, the new one is found.
    h.truncate(120_000);
    points.length = 120_001;
    for (let step = 120_001; step < 130_000; step++) {
      const p = { depth: 1, kind: step % 3 === 0 ? PointKind.Stmt : PointKind.Kernel, line: 41 };
      points[step] = p;
      h.mark(step, p.depth, p.kind, p.line);
    }
    check(130_000);
    expect(h.lastStartIn(new Map([[41, true]]), 130_000, -1)).toBe(129_999);
  });
});
