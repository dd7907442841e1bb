/**
 * The static call graph stepInTargets answers from (core/call_graph.ts): the
 * calls the listings spell at their step points, plus what each mechanism
 * declares (call_decls.ts). The declarations are checked against the calls
 * that happen: every kernel function entered while the checked-in scenarios
 * run must be a call site of its caller at the caller's line, and every
 * function a statement enters first must be among its verb's roots.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REGISTRY } from '../../src/sim';
import { CallGraph } from '../../src/sim/core/call_graph';
import { kernelSource } from '../../src/sim/core/frames';
import { Machine } from '../../src/sim/core/machine';
import { ROOT, sim } from '../support/kit';

const SRC = kernelSource(
  'toy/graph.c',
  `
int outer(void) //@@ outer
{
	helper();                 //@first
	/* inner() in a comment is no call */
	x = y.inner(z);           //@member
	return inner(1) + leaf(); //@last
}
int inner(int a) //@@ inner
{
	return leaf();            //@call
}
int leaf(void) //@@ leaf
{
	return 0;                 //@done
}
int helper(void) //@@ helper
{
	return 0;                 //@done
}
`,
);

describe('the call graph of the listings', () => {
  it('takes the calls a step-point line spells, in listing order, not comments or member calls', () => {
    const g = new CallGraph([SRC]);
    const outer = SRC.functions.get('outer');
    expect(outer && g.callSites(outer).map((c) => `${c.callee.name}@${c.line}`)).toEqual(['helper@3', 'inner@6', 'leaf@6']);
    // Depth first: each callee followed by its own callees, each function once.
    expect(g.reachable(outer ? [outer] : []).map((f) => f.name)).toEqual(['outer', 'helper', 'inner', 'leaf']);
  });

  it('adds declared calls (before the first step point too) and the functions each verb enters first', () => {
    const g = new CallGraph([SRC], [{ calls: { leaf: { '': ['helper'] } }, verbs: { poke: ['inner'] } }, { verbs: { poke: ['outer'] } }]);
    const leaf = SRC.functions.get('leaf');
    expect(leaf && g.callSites(leaf).map((c) => `${c.callee.name}@${c.line}`)).toEqual(['helper@12']);
    expect(g.verbRoots('poke').map((f) => f.name)).toEqual(['inner', 'outer']);
    expect(() => new CallGraph([SRC], [{ calls: { leaf: { nowhere: ['helper'] } } }])).toThrow(/no step point 'nowhere'/);
    expect(() => new CallGraph([SRC], [{ verbs: { poke: ['missing'] } }])).toThrow(/missing is not a listed function/);
  });

  it('covers every call the checked-in scenarios and examples make', () => {
    const g = REGISTRY.callGraph;
    const missing = new Set<string>();
    const checked = new Set<string>();
    const enter = Machine.prototype.enter;
    Machine.prototype.enter = function (this: Machine, fn, args, aliases) {
      const caller = this.frames[this.frames.length - 1];
      checked.add(`${caller?.fn.name ?? this.statement?.verb} → ${fn.name}`);
      if (caller) {
        if (!g.callSites(caller.fn).some((c) => c.callee === fn && c.line === caller.line)) {
          // What to add to the caller's mechanism's call_decls.ts: caller, label, callee.
          const label = [...caller.fn.labels].find(([, l]) => l === caller.line)?.[0] ?? '';
          missing.add(`calls: ${caller.fn.name}: { '${label}': ['${fn.name}'] }`);
        }
      } else if (this.statement && !g.verbRoots(this.statement.verb).includes(fn)) missing.add(`verbs: '${this.statement.verb}': ['${fn.name}']`);
      return enter.call(this, fn, args, aliases);
    };
    try {
      const files = ['test/scenarios', 'examples'].flatMap((d) => readdirSync(join(ROOT, d)).filter((f) => f.endsWith('.kstep')).map((f) => join(ROOT, d, f)));
      expect(files.length).toBeGreaterThan(20);
      for (const f of files) {
        const m = sim(readFileSync(f, 'utf8'), { file: f, history: false }).machine;
        for (let st = m.resume('continue'); st.reason !== 'end' && !m.ended; st = m.resume('continue'));
      }
    } finally {
      Machine.prototype.enter = enter;
    }
    expect(checked.size).toBeGreaterThan(100);
    expect([...missing]).toEqual([]);
  });
});
