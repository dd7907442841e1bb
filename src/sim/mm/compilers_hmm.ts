/**
 * The statements of SCENARIO.md §5.1 that reach the dmirror driver's
 * exclusive and snapshot ioctls, and gup/unpin. Kept beside compilers.ts,
 * which hands over its shared helpers.
 */
import type { Arg, Stmt } from '../scenario/ast';
import { ScenarioError } from '../scenario/diagnostics';
import { argBig } from '../scenario/args';
import type { StatementCompiler } from '../scenario/compile';
import type { Machine } from '../core/machine';
import type { KGen } from '../core/frames';
import type { Device, Held, MmModel } from './model';
import { FOLL_PIN, gup, releasePage } from './gup_pages';
import type { Task } from './task';
import { pageRange, syscallRangeOr } from './limits';
import { EINVAL } from '../core/errno';
import type { Value } from '../core/values';
import { dmirror_check_atomic, dmirror_exclusive, dmirror_snapshot } from './test_hmm_exclusive';

/** What compilers.ts shares: the current task, a user address, a device by name. */
export interface MmHelpers {
  readonly cur: (s: Stmt) => Task;
  readonly addrOf: (m: Machine, a: Arg, what: string) => bigint;
  readonly deviceOf: (s: Stmt, a: Arg | undefined, name: string) => Device;
}


export function addHmmCompilers(c: Map<string, StatementCompiler>, mmOf: () => MmModel, h: MmHelpers): void {
  /** The range at args[ai], args[ai + 1] (one page when the length is absent and `optional`); each of these statements works page by page. */
  const rangeAt = (m: Machine, s: Stmt, ai: number, optional: boolean): [number, number] =>
    pageRange(m, s, ai, { perPage: true, ...(optional ? { defaultLen: 0x1000n } : {}) });
  /** A dmirror device: private or coherent device memory (a host pagemap has no mirror driver). */
  const mirrorOf = (s: Stmt): Device => {
    const a = s.args[0] as Arg;
    const d = h.deviceOf(s, a, a.word ?? '');
    if (d.type === 'host') throw new ScenarioError(`device '${d.name}' is MEMORY_DEVICE_HOST: only private and coherent devices have a dmirror driver`, a.range);
    return d;
  };

  /** dmirror_fops_unlocked_ioctl: cmd.addr & ~PAGE_MASK, or no pages (addr >= addr + (npages << PAGE_SHIFT)), is -EINVAL. */
  const ioctlRange = (m: Machine, s: Stmt, early: (ret: bigint) => Record<string, Value>): [number, number] | null =>
    syscallRangeOr(m, s, 1, { unaligned: 'einval', zero: -EINVAL, perPage: true }, early);

  c.set('device_exclusive', (s) => function* (m): KGen {
    const dev = mirrorOf(s);
    const range = ioctlRange(m, s, (ret) => ({ ret, cpages: 0n }));
    if (!range) return;
    const [start, end] = range;
    const r = yield* dmirror_exclusive(m, mmOf(), h.cur(s), start, end, dev);
    m.last = { ret: BigInt(r.ret), cpages: BigInt(r.cpages) };
  });

  c.set('device_check_exclusive', (s) => function* (m): KGen {
    const dev = mirrorOf(s);
    const range = ioctlRange(m, s, (ret) => ({ ret }));
    if (!range) return;
    const [start, end] = range;
    const ret = yield* dmirror_check_atomic(m, h.cur(s), start, end, dev);
    m.last = { ret: BigInt(ret) };
  });

  c.set('device_snapshot', (s) => function* (m): KGen {
    const dev = mirrorOf(s);
    const range = ioctlRange(m, s, (ret) => ({ ret, cpages: 0n, perm: [] }));
    if (!range) return;
    const [start, end] = range;
    const r = yield* dmirror_snapshot(m, mmOf(), h.cur(s), start, end, dev);
    m.last = { ret: BigInt(r.ret), cpages: BigInt(r.cpages), perm: r.perm.map((p) => BigInt(p)) };
  });

  c.set('gup', (s) => {
    const flagsArg = s.keys.get('flags');
    return function* (m): KGen {
      const [start, end] = rangeAt(m, s, 0, true);
      const flags = flagsArg ? argBig(m, flagsArg, 'flags=') : 0n;
      if (flags < 0n || flags >= 1n << 32n) throw new ScenarioError('flags= must fit in an unsigned int (FOLL_* bits)', flagsArg?.range);
      const mm = mmOf();
      const t = h.cur(s);
      const r = yield* gup(m, mm, t, start, end, flags);
      const pin = (flags & FOLL_PIN) !== 0n;
      const held: Held[] = r.pages.map((pfn, i) => ({ task: t.name, vpn: start + i, pfn, pin }));
      if (held.length) mm.held = [...mm.held, ...held];
      m.last = { ret: BigInt(r.ret), pages: r.pages.map((p) => BigInt(p)) };
    };
  });

  c.set('unpin', (s) => function* (m): KGen {
    const [start, end] = rangeAt(m, s, 0, true);
    const mm = mmOf();
    const t = h.cur(s);
    let released = 0;
    // The latest reference gup took at each page of the range, in page order: found from what is held,
    // not by visiting every page of a range that may be gigabytes long.
    const latest = new Map<number, Held>();
    for (const e of mm.held) if (e.task === t.name && e.vpn >= start && e.vpn < end) latest.set(e.vpn, e);
    for (const [, e] of [...latest].sort((x, y) => x[0] - y[0])) {
      mm.held = mm.held.filter((x) => x !== e);
      yield* releasePage(m, mm, e.pfn, e.pin);
      released++;
    }
    m.last = { ret: BigInt(released) };
  });
}
