/**
 * The coverage counters and the branch rule, over a listing of our own: a
 * branch is an `if` whose then-block and the code after it both carry step
 * points; it is taken when the next step point of the frame lands in the
 * then-block, and not taken when it lands past it.
 */
import { describe, expect, it } from 'vitest';
import { Coverage, lcovText, parseLcov } from '../../src/sim';
import { Frame, kernelSource } from '../../src/sim/core/frames';
import { listingBranches } from '../../src/sim/coverage/branches';
import { CoverageLayout } from '../../src/sim/coverage/layout';
import { witnessOf } from '../../src/sim/coverage/witness';

const SRC = kernelSource(
  'lib/toy.c',
  `
int f(int a, int b)                     //@@ f
{
	x = 1;                          //@start
	if (a) {
		y = 2;                  //@then
	}
	if (b)
		return 1;               //@one
	else if (a > 1)
		return 2;               //@two
	if (c) z = 3;
	if (d) {
		w = 4;
	}
	return 0;                       //@done
}

int g(void)                             //@@ g
{
	return f(1, 0);                 //@call
}
`,
);

/** Runs the step points `labels` of one fresh frame of `fn`, charging `cov` as the engine does. */
function walk(cov: Coverage, fn: string, labels: readonly string[], stack: Frame[] = []): void {
  const fr = new Frame(SRC.functions.get(fn) as never, {});
  let step = 100 * (stack.length + 1) + labels.length;
  fr.enteredAt = step + 1;
  const frames = [...stack, fr];
  for (const l of labels) {
    fr.at(l);
    cov.kernelStep(frames, ++step);
  }
}

describe('listing branches', () => {
  it('finds the ifs with a step point in the then-block and one after it', () => {
    expect(listingBranches(SRC).map((b) => [b.fn.name, b.line, b.guard, b.cond, b.end])).toEqual([
      ['f', 4, 4, 4, 6],
      ['f', 7, 7, 7, 8],
      ['f', 9, 7, 9, 10],
    ]);
  });

  it('counts step points, entries and both outcomes of each branch', () => {
    const cov = new Coverage(new CoverageLayout([SRC]));
    walk(cov, 'f', ['start', 'then', 'done']);
    walk(cov, 'f', ['start', 'one']);
    walk(cov, 'f', ['start', 'then', 'two']);
    expect([...cov.functions]).toEqual([3, 0]);
    expect([...cov.points]).toEqual([3, 2, 1, 1, 1, 0]);
    // if (a): then twice, past once; if (b): then once, past twice; else if (a > 1): then once, past once.
    expect([...cov.branches]).toEqual([2, 1, 1, 2, 1, 1]);
  });

  it('counts a function entered below a new callee at the callee first step point', () => {
    const cov = new Coverage(new CoverageLayout([SRC]));
    const g = new Frame(SRC.functions.get('g') as never, {});
    g.enteredAt = 1;
    g.at('call');
    cov.kernelStep([g], 1);
    walk(cov, 'f', ['start'], [g]);
    expect([...cov.functions]).toEqual([1, 1]);
  });

  it('writes lcov that names the branches at their if lines, with - for a function never entered', () => {
    const cov = new Coverage(new CoverageLayout([SRC]));
    walk(cov, 'f', ['start', 'then', 'done']);
    const [file] = parseLcov(lcovText(cov, 'toy'));
    expect(file?.branches).toEqual([
      [4, 0, 0, 1],
      [4, 0, 1, 0],
      [7, 0, 0, 0],
      [7, 0, 1, 1],
      [9, 0, 0, 0],
      // From `y = 2` past `if (b)`: the `else if` was evaluated too, and not taken.
      [9, 0, 1, 1],
    ]);
    expect(file?.functions).toEqual([
      { name: 'f', line: 1, hits: 1 },
      { name: 'g', line: 18, hits: 0 },
    ]);
  });

  it('tells whether a line without a step point ran by the step point that ends its stretch', () => {
    const layout = new CoverageLayout([SRC]);
    const w = (line: number): unknown => witnessOf(layout, SRC, line);
    // `if (a) {` by `return 0`, the next step point at its depth; `w = 4` (its if has no step point) by its if's.
    expect(w(4)).toEqual({ point: 4 });
    expect(w(13)).toEqual({ point: 4 });
    expect(w(5)).toEqual({ point: 1 });
    // The function's own brace and signature: it was entered.
    expect(w(2)).toEqual({ fn: 0 });
    expect(w(1)).toEqual({ fn: 0 });
    expect(w(20)).toEqual({ point: 5 });
  });
});
