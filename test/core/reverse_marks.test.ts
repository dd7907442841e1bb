import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Machine, Stop } from '../../src/sim/index';
import { REGISTRY } from '../../src/sim/index';
import { reverseByMarks, reverseByReplay } from '../../src/sim/core/reverse';
import { ROOT, sim } from '../support/kit';
import { Rng } from '../support/rng';

/*
 * reverseContinue without function breakpoints or data watches finds its
 * stop from the step marks; the replay search is the reference it must
 * agree with, stop for stop and step for step, on every scenario the
 * repository ships, with random line breakpoints (some conditional, some
 * with hit conditions) and random exception filters.
 */
const FILES = [
  ...readdirSync(join(ROOT, 'examples')).filter((f) => f.endsWith('.kstep')).map((f) => join(ROOT, 'examples', f)),
  ...readdirSync(join(ROOT, 'test', 'scenarios')).filter((f) => f.endsWith('.kstep')).map((f) => join(ROOT, 'test', 'scenarios', f)),
];
const KINDS = ['expect', 'bug', ...REGISTRY.exceptionFilters.map((f) => f.kind)];

function drain(g: Generator<void, Stop, void>): Stop {
  for (;;) {
    const r = g.next();
    if (r.done) return r.value;
  }
}

/** The chain of reverse stops from the end back to the entry: [step, reason, ids] each. */
function chain(m: Machine, search: (m: Machine) => Stop, from: number): string[] {
  m.goto(from);
  const seen: string[] = [];
  for (let i = 0; i < 400; i++) {
    const st = search(m);
    seen.push(`${m.step} ${st.reason} ${st.breakpointIds?.join(',') ?? ''} ${st.exception?.kind ?? ''}`);
    if (st.reason === 'entry') break;
  }
  return seen;
}

describe('reverseContinue by the step marks', () => {
  for (const file of FILES) {
    it(`agrees with the replay search: ${file.slice(ROOT.length + 1)}`, () => {
      const text = readFileSync(file, 'utf8');
      const lines = text.split('\n').length;
      const rng = new Rng(lines * 7919 + text.length);
      const s = sim(text, { file });
      const m = s.machine;
      m.breakpoints.setExceptions(KINDS.map((kind) => ({ kind })));
      while (m.resume('continue').reason !== 'end') {
        // Collect every step point: each stop is continued over.
      }
      const end = m.step;
      let found = 0;
      // Four rounds, more while nothing stopped yet: the draws depend on how many exception filters the registry has.
      for (let round = 0; round < 4 || (found === 0 && round < 12); round++) {
        const bps = [];
        for (let id = 1; id <= 1 + Math.floor(rng.next() * 6); id++) {
          const line = 1 + Math.floor(rng.next() * lines);
          const pick = rng.next();
          const salt = Math.floor(rng.next() * 5);
          bps.push({
            id,
            line,
            hits: 0,
            ...(pick < 0.25 ? { condition: (mm: Machine) => (mm.step + salt) % 3 === 0 } : {}),
            ...(pick > 0.8 ? { hitCondition: (h: number) => h % 2 === 1 } : {}),
          });
        }
        // One breakpoint always on a line that ran, so every round has something to find.
        const h = m.history as NonNullable<Machine['history']>;
        let ran = Math.floor(rng.next() * end);
        while (ran > 0 && h.kindAt(ran) !== 0 /* PointKind.Stmt */) ran--;
        bps.push({ id: 99, line: h.lineAt(ran) || 1, hits: 0 });
        m.breakpoints.setLines(bps);
        m.breakpoints.setExceptions(KINDS.filter(() => rng.next() < 0.5).map((kind) => ({ kind })));
        const from = round === 0 ? end : Math.floor(rng.next() * (end + 1));
        const byMarks = chain(m, (mm) => drain(reverseByMarks(mm, mm.history as NonNullable<Machine['history']>)), from);
        const byReplay = chain(m, (mm) => drain(reverseByReplay(mm, mm.history as NonNullable<Machine['history']>)), from);
        expect(byMarks).toEqual(byReplay);
        found += byMarks.length - 1;
      }
      // The random breakpoints and filters did stop the search somewhere: the agreement is not only on "entry".
      expect(found).toBeGreaterThan(0);
    });
  }
});
