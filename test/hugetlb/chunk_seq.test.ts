import { describe, expect, it } from 'vitest';
import { ChunkSeq } from '../../src/sim/hugetlb/chunk_seq';
import { Rng } from '../support/rng';

describe('ChunkSeq: the region list\'s grouped sequence of chunks', () => {
  it('agrees with an array through random splices, searches and clones, and a clone never changes', () => {
    const rng = new Rng(42);
    let seq = ChunkSeq.of<number>([]);
    let model: number[] = [];
    const clones: Array<{ seq: ChunkSeq<number>; model: number[] }> = [];
    let next = 0;
    for (let op = 0; op < 3000; op++) {
      const c0 = Math.floor(rng.next() * (model.length + 1));
      const del = Math.min(model.length - c0, Math.floor(rng.next() * (rng.next() < 0.1 ? 200 : 4)));
      const ins = Array.from({ length: Math.floor(rng.next() * (rng.next() < 0.05 ? 300 : 5)) }, () => next++);
      seq.splice(c0, del, ins);
      model = model.slice(0, c0).concat(ins, model.slice(c0 + del));
      if (rng.next() < 0.05) clones.push({ seq: seq.clone(), model: model.slice() });
      if (rng.next() < 0.02 && clones.length) {
        const c = clones[Math.floor(rng.next() * clones.length)] as (typeof clones)[number];
        seq = c.seq.clone();
        model = c.model.slice();
      }
      expect(seq.length).toBe(model.length);
      if (op % 50 === 0) {
        expect([...seq]).toEqual(model);
        for (let k = 0; k < 20 && model.length; k++) {
          const i = Math.floor(rng.next() * model.length);
          expect(seq.at(i)).toBe(model[i]);
        }
        // search over a monotone predicate: items are not sorted, so search their positions.
        const pos = new Map(model.map((v, i) => [v, i]));
        const cut = Math.floor(rng.next() * (model.length + 1));
        expect(seq.search((v) => (pos.get(v) as number) >= cut)).toBe(cut);
        for (const c of clones) expect([...c.seq]).toEqual(c.model);
      }
    }
    expect(clones.length).toBeGreaterThan(50);
  });
});
