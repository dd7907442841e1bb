import type { Arg, Stmt } from '../scenario/ast';
import { ScenarioError } from '../scenario/diagnostics';
import { argBig, argInt, keyInt } from '../scenario/args';
import { hugetlb_overcommit_handler, hugetlb_reserve_pages, set_max_huge_pages } from './pool_ops';
import { hugetlbfs_fill_super } from './mount';
import { EINVAL } from '../core/errno';
import type { StatementCompiler } from '../scenario/compile';
import type { Machine } from '../core/machine';
import type { KGen } from '../core/frames';
import { region_abort, region_add, region_chg, region_count, region_del } from './region_ops';
import { ResvMap, resv_map_alloc } from './resv_map';
import type { Hugetlb } from './subsystem';
import { beforePatch } from '../core/kernel_select';

interface RangeArgs {
  readonly file: string;
  readonly fileArg: Arg;
  readonly f: Arg;
  readonly t: Arg;
}

function rangeArgs(s: Stmt): RangeArgs {
  const [fileArg, f, t] = s.args as [Arg, Arg, Arg];
  return { file: fileArg.word ?? '', fileArg, f, t };
}

/** The statements of SCENARIO.md §6 that act on a resv_map. */
export function hugetlbCompilers(h: () => Hugetlb): Map<string, StatementCompiler> {
  const resvOf = (a: RangeArgs): ResvMap => h().file(a.file, a.fileArg.range);
  /**
   * Offsets are page indexes (pgoff_t): 0 to 2^53-1, so every page count the
   * code sums stays exact. Deleting or counting up to LONG_MAX, as
   * hugetlb_unreserve_pages does, means "to the end": no region reaches past 2^53-1.
   */
  const offsets = (m: Machine, a: RangeArgs, op: 'add' | 'del' | 'count'): [number, number] => {
    const f = pageOffset(argBig(m, a.f, '<f>'), a.f, false);
    const t = pageOffset(argBig(m, a.t, '<t>'), a.t, op !== 'add');
    if (op === 'del' && f > t) throw new ScenarioError(`<f> (${f}) is above <t> (${t}): the kernel's callers never pass an inverted range`, a.f.range);
    return [f, t];
  };
  const c = new Map<string, StatementCompiler>();

  c.set('hugetlb file', (s) => {
    const fileArg = s.args[0] as Arg;
    const name = fileArg.word ?? '';
    const mountArg = s.keys.get('mount');
    return function* (m) {
      if (h().files.has(name)) throw new ScenarioError(`hugetlb file '${name}' already exists`, fileArg.range);
      const mount = mountArg?.word;
      if (mountArg && (mount === undefined || !h().mounts.has(mount))) {
        const known = [...h().mounts.keys()];
        throw new ScenarioError(`no hugetlbfs mount '${mount ?? ''}'${known.length ? ` (mounts: ${known.join(', ')})` : ' (create one with: hugetlb mount <name> size=<pages>)'}`, mountArg.range);
      }
      yield* resv_map_alloc(m, h(), name);
      if (mount !== undefined && h().files.has(name)) h().fileMount.set(name, mount);
    };
  });

  c.set('hugetlb overcommit', (s) => {
    const pages = s.keys.get('pages') as Arg;
    return function* (m) {
      const n = argInt(m, pages, 'pages=');
      if (n < 0) throw new ScenarioError('pages= must not be negative', pages.range);
      yield* hugetlb_overcommit_handler(m, h().pool, n);
    };
  });

  c.set('hugetlb mount', (s) => {
    const nameArg = s.args[0] as Arg;
    const name = nameArg.word ?? '';
    const size = s.keys.get('size');
    const minSize = s.keys.get('min_size');
    return function* (m) {
      if (h().mounts.has(name)) throw new ScenarioError(`hugetlbfs mount '${name}' already exists`, nameArg.range);
      const pagesOf = (a: Arg | undefined, what: string): number => {
        if (!a) return -1;
        const n = argInt(m, a, what);
        if (n < 0) throw new ScenarioError(`${what} must not be negative (it counts huge pages)`, a.range);
        return n;
      };
      const r = yield* hugetlbfs_fill_super(m, h().pool, name, pagesOf(size, 'size='), pagesOf(minSize, 'min_size='));
      if (typeof r === 'number') {
        m.output(`hugetlb mount: ${r === -EINVAL ? '-EINVAL' : '-ENOMEM'} (${r}): ${r === -EINVAL ? "min_size can't be greater than size" : 'the pool cannot reserve min_size pages'}; '${name}' not mounted`, 'console');
        m.last = { ret: BigInt(r) };
        return;
      }
      h().mounts.set(name, r);
      m.last = { ret: 0n };
    };
  });

  /** A region_* statement: resolve the file and the offsets, run the kernel function. */
  const regionOp = (verb: string, op: 'add' | 'del' | 'count', run: (m: Machine, resv: ResvMap, f: number, t: number, s: Stmt) => KGen): void => {
    c.set(verb, (s) => {
      const a = rangeArgs(s);
      return function* (m) {
        const resv = resvOf(a);
        const [f, t] = offsets(m, a, op);
        yield* run(m, resv, f, t, s);
      };
    });
  };
  const neededOf = (m: Machine, s: Stmt, resv: ResvMap): number => keyInt(m, s, 'regions_needed', resv.lastRegionsNeeded);

  regionOp('region_chg', 'add', function* (m, resv, f, t) {
    const r = (yield region_chg(m, h(), resv, f, t)) as { ret: number; out_regions_needed: number };
    resv.lastRegionsNeeded = r.out_regions_needed;
    // The kernel before reference 004 has no regions_needed: its region_chg reserves one descriptor per call.
    m.last = beforePatch(m, '004') ? { ret: BigInt(r.ret) } : { ret: BigInt(r.ret), regions_needed: BigInt(r.out_regions_needed) };
  });
  regionOp('region_add', 'add', function* (m, resv, f, t, s) {
    m.last = { ret: BigInt((yield region_add(m, h(), resv, f, t, neededOf(m, s, resv))) as number) };
  });
  regionOp('region_abort', 'add', function* (m, resv, f, t, s) {
    yield* region_abort(m, resv, f, t, neededOf(m, s, resv));
  });
  regionOp('region_del', 'del', function* (m, resv, f, t) {
    m.last = { ret: BigInt((yield region_del(m, h(), resv, f, t)) as number) };
  });
  regionOp('region_count', 'count', function* (m, resv, f, t) {
    m.last = { ret: BigInt((yield region_count(m, resv, f, t)) as number) };
  });

  c.set('hugetlb pool', (s) => {
    const pages = s.keys.get('pages') as Arg;
    const size = s.keys.get('size');
    return function* (m) {
      const n = argInt(m, pages, 'pages=');
      if (n < 0) throw new ScenarioError('pages= must not be negative', pages.range);
      if (size && argBig(m, size, 'size=') !== 2n << 20n) {
        throw new ScenarioError('only the 2M hstate is simulated (size=2M)', size.range);
      }
      yield* set_max_huge_pages(m, h().pool, n);
    };
  });

  c.set('hugetlb reserve', (s) => {
    const a = rangeArgs(s);
    const isPrivate = s.flags.has('private');
    return function* (m) {
      // A private reservation belongs to the VMA: it needs no inode map, but a shared one does.
      const resv = isPrivate ? (h().files.get(a.file) ?? new ResvMap(a.file)) : resvOf(a);
      const from = argInt(m, a.f, '<from>');
      const to = argInt(m, a.t, '<to>');
      for (const [v, arg] of [[from, a.f], [to, a.t]] as const) {
        if (v < 0 || v > Number.MAX_SAFE_INTEGER) throw new ScenarioError(`page offset ${v} is out of range 0..2^53-1`, arg.range);
      }
      const ret = yield* hugetlb_reserve_pages(m, h().pool, h(), resv, from, to, isPrivate, { spool: h().subpoolOf(a.file) });
      m.last = { ret: BigInt(ret) };
    };
  });

  c.set('inject enomem', (s) => (m) => {
    const n = keyInt(m, s, 'count', 1);
    if (n < 0) throw new ScenarioError('count must not be negative', s.keys.get('count')?.range);
    h().failNext = n;
  });

  return c;
}

const MAX_OFFSET = BigInt(Number.MAX_SAFE_INTEGER);
const LONG_MAX = (1n << 63n) - 1n;

function pageOffset(v: bigint, a: Arg, toEnd: boolean): number {
  if (v < 0n) throw new ScenarioError(`page offset ${v} is negative: offsets are page indexes (pgoff_t)`, a.range);
  if (v > MAX_OFFSET) {
    if (toEnd && v <= LONG_MAX) return Number.MAX_SAFE_INTEGER;
    throw new ScenarioError(`page offset ${v} is above 2^53-1, the largest kstep simulates exactly${toEnd ? ' (LONG_MAX is the largest end)' : ''}`, a.range);
  }
  return Number(v);
}
