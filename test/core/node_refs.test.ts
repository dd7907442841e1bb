import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NodeRef } from '../../src/sim/core/frames';
import { evalRef } from '../../src/sim/scenario/eval';
import { ROOT, expr, sim } from '../support/kit';
import { RESV } from '../dap/scenarios';

/*
 * Struct-valued frame arguments and locals (issue 16) are links to state
 * nodes: wherever a frame shows one, its path must name a node of the
 * state tree there, or the debugger would show a bare label instead of the
 * fields.
 */
const OSID = 'vpreg GUEST_OSID = 0x8100_0000_0000_0000\n';
/** Each scenario, and the roots its frames link into. */
const CASES: Record<string, [string, string[]]> = {
  resv: [RESV, ['resv']],
  mm: ['mmap 0x100000 16K\nread 0x100000\nwrite 0x100000 7\nmunmap 0x100000 16K\n', ['page', 'task']],
  hyperv: [`${OSID}vpreg SIMP = 0x20001\nvpreg SCONTROL = 1\nhostmsg sint=1 type=1\nhostmsg sint=1 type=2\nack sint=1\n`, ['vp']],
  hmm_example: [readFileSync(join(ROOT, 'examples', 'hmm.kstep'), 'utf8'), ['page', 'task']],
};

describe('linked frame values', () => {
  it.each(Object.keys(CASES))('%s: every link a frame shows resolves to a state node at that step point', (name) => {
    const [src, want] = CASES[name] as [string, string[]];
    const m = sim(src).machine;
    const roots = new Set<string>();
    let links = 0;
    for (let n = 0; n < 20_000 && !m.ended; n++) {
      m.resume('in');
      for (const f of m.frames) {
        for (const v of [...Object.values(f.args), ...Object.values(f.locals)]) {
          if (!(v instanceof NodeRef)) continue;
          links++;
          roots.add(v.root);
          const r = evalRef(m, expr(v.path));
          expect('node' in r, `${f.fn.name}: ${v.path}`).toBe(true);
        }
      }
    }
    expect(links).toBeGreaterThan(0);
    expect([...roots].sort()).toEqual(want);
  });
});
