// Frame.clone is what a history view keeps of a kernel frame inside a long statement: later steps of the live
// run must not show through the copy, including a return value that is a model object the run goes on changing.
import { describe, expect, it } from 'vitest';
import { Frame, kernelSource } from '../../src/sim/core/frames';

const SRC = kernelSource(
  'lib/toy.c',
  `
int caller(void)                        //@@ caller
{
	r = callee();                   //@call
	return 0;                       //@done
}
`,
);

describe('Frame.clone', () => {
  it('keeps the line, locals and return value as they were', () => {
    const fr = new Frame(SRC.functions.get('caller') as never, {});
    fr.at('call');
    fr.locals.n = 1n;
    const returned = { pages: [1n, 2n], state: { count: 2n } };
    fr.retValue = returned;
    const copy = fr.clone();
    fr.at('done');
    fr.locals.n = 2n;
    returned.pages.push(3n);
    returned.state.count = 3n;
    expect(copy.line).not.toBe(fr.line);
    expect(copy.locals.n).toBe(1n);
    expect(copy.retValue).toEqual({ pages: [1n, 2n], state: { count: 2n } });
  });
});
