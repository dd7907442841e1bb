/**
 * A mechanism that exists only in the tests: one verb (`toy poke <n>`), one
 * state root (`toy`) in a scope of its own, one exception filter, one kernel
 * listing with a breakpoint alias, a debugger thread and a picture section.
 * Registered through the descriptor list alone, it proves the seam: nothing
 * else in kstep names it.
 */
import type { Arg } from '../../../src/sim/scenario/ast';
import { argBig } from '../../../src/sim/scenario/args';
import type { StatementCompiler } from '../../../src/sim/scenario/compile';
import { pe } from '../../../src/sim/scenario/verbs';
import { fnOf } from '../../../src/sim/core/frames';
import type { Subsystem } from '../../../src/sim/core/machine';
import type { StateNode } from '../../../src/sim/core/state';
import { fixedRecord, leaf } from '../../../src/sim/core/state';
import { EINVAL } from '../../../src/sim/core/errno';
import type { MechanismDescriptor } from '../../../src/sim';
import { TOY_C } from './toy_c';

const TOY_POKE = fnOf(TOY_C, 'toy_poke');

export class Toy implements Subsystem {
  readonly name = 'toy';
  count = 0n;
  pokes = 0;

  active(): boolean {
    return this.pokes > 0;
  }

  roots(): Readonly<Record<string, StateNode>> {
    return {
      toy: fixedRecord({
        count: leaf(() => this.count, { set: (v) => (this.count = typeof v === 'bigint' ? v : this.count) }),
        pokes: leaf(() => BigInt(this.pokes)),
      }),
    };
  }

  snapshot(): { data: unknown; size: number } {
    return { data: [this.count, this.pokes], size: 1 };
  }

  restore(data: unknown): void {
    [this.count, this.pokes] = data as [bigint, number];
  }
}

export const toyMechanism: MechanismDescriptor<Toy> = {
  id: 'toy',
  title: 'the test-only toy mechanism',
  verbs: [{ verb: 'toy poke', args: [pe('n')], sets: ['ret'], summary: 'add n to the toy counter' }],
  scopes: [{ name: 'Toy' }],
  roots: [{ name: 'toy', scope: 'Toy', summary: 'the toy counter' }],
  exceptionFilters: [{ kind: 'toy_error', label: 'toy error', default: false, description: 'toy_poke returned an error' }],
  sources: [TOY_C],
  breakpointAliases: ['poke'],
  create() {
    const toy = new Toy();
    const poke: StatementCompiler = (s) => {
      const arg = s.args[0] as Arg;
      return function* (m) {
        const n = argBig(m, arg, '<n>');
        yield* m.call(TOY_POKE, { n }, function* (fr) {
          yield fr.at('check');
          let ret: bigint;
          if (n > 9n) {
            ret = -BigInt(EINVAL);
            m.raise('toy_error', `toy_poke(${n}) returned -EINVAL`);
          } else {
            toy.count += n;
            toy.pokes++;
            yield fr.at('add');
            ret = toy.count;
          }
          fr.locals.ret = ret;
          yield fr.at('ret');
          m.last = { ret };
        }, ['poke']);
      };
    };
    return {
      subsystem: toy,
      compilers: new Map([['toy poke', poke]]),
      picture: () => ({ toy: { count: toy.count.toString(), pokes: toy.pokes } }),
      threads: () => (toy.pokes > 0 ? [{ name: 'toy worker', scopes: [{ name: 'Toy worker', path: 'toy' }] }] : []),
    };
  },
};
