import { kernelSource } from '../../../src/sim/core/frames';

/** The listing of the test-only mechanism's one kernel function. */
export const TOY_C = kernelSource(
  'drivers/misc/toy.c',
  `
static long toy_count;

long toy_poke(long n)                                          //@@ toy_poke
{
	if (n > 9)                                             //@check
		return -EINVAL;
	toy_count += n;                                        //@add
	return toy_count;                                      //@ret
}
`,
);
