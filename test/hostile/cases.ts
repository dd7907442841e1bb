/**
 * Hostile inputs: scenarios written to overflow the evaluator, to nest past
 * any sane depth or to run for years. Each must end its own run with a clear
 * message and leave everything else working.
 */

/** `1+1+…+1`: the parser reads it in a loop, the evaluator recursed once per term. */
export function longSum(terms: number): string {
  return `print 1\nexpect ${Array.from({ length: terms }, () => '1').join('+')} > 0\nprint "after"\n`;
}

/** Step points without end: each iteration of the outer loop is one. */
export const FOREVER = 'print "start"\nrepeat 1 << 64 {\n  repeat 1 << 64 {\n  }\n}\nprint "never"\n';
