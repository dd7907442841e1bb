/**
 * The statements of SCENARIO.md §5.1 this file owns: page-cache files and
 * their mappings, fsdax, move_pages / mbind / numa_fault / munlock,
 * pagemap / smaps and madvise(MADV_DONTNEED). Registered by mmCompilers with
 * its argument helpers.
 */
import type { Arg, Stmt } from '../scenario/ast';
import { argBig } from '../scenario/args';
import type { StatementCompiler } from '../scenario/compile';
import { ScenarioError } from '../scenario/diagnostics';
import type { KGen } from '../core/frames';
import type { Machine } from '../core/machine';
import { Sym } from '../core/values';
import { generic_perform_write } from './filemap';
import { madvise_dontneed } from './madvise';
import { do_mbind } from './mempolicy';
import { do_pages_move } from './migrate';
import type { Device, MmModel } from './model';
import type { PcFile } from './pagecache';
import { truncate_pagecache, unmap_mapping_range } from './truncate';
import { sys_munlock } from './munlock';
import { numa_fault } from './numa';
import { PTE_PRESENT, pteKind, ptePfn } from './pte';
import type { Task, Vma } from './task';
import { pte_to_pagemap_entry, smap_gather_stats } from './task_mmu';
import { syscallRangeOr } from './limits';

/** Files are addressed by byte offsets below this: page indexes stay exact small numbers. */
const FILE_LIMIT = 1n << 40n;

export interface MmHelpers {
  readonly mmOf: () => MmModel;
  readonly cur: (s: Stmt) => Task;
  readonly addrOf: (m: Machine, a: Arg, what: string) => bigint;
  readonly deviceOf: (s: Stmt, a: Arg | undefined, name: string) => Device;
}

const word = (a: Arg | undefined): string => a?.word ?? '';

/** mmap's file= / dax=: the vm_file the new VMA gets, checked against what exists. */
export function fileMapping(s: Stmt, start: number, mm: MmModel, deviceOf: MmHelpers['deviceOf']): Pick<Vma, 'file' | 'dax'> | undefined {
  const fileArg = s.keys.get('file');
  const daxArg = s.keys.get('dax');
  const hugeArg = s.keys.get('hugetlb');
  const other = [fileArg, daxArg, hugeArg].filter((a) => a).length;
  if (other > 1) throw new ScenarioError('mmap takes one of file=, dax= and hugetlb=', (daxArg ?? fileArg)?.keyRange);
  if ((fileArg || daxArg) && s.flags.has('anon')) throw new ScenarioError('mmap takes anon or a file, not both', (fileArg ?? daxArg)?.keyRange);
  if (fileArg) {
    const name = word(fileArg);
    if (!mm.cache.files.has(name)) throw new ScenarioError(`no file '${name}' (create one with: file ${name} size=<len>)`, fileArg.range);
    return { file: { name, base: start } };
  }
  if (daxArg) {
    const d = deviceOf(s, daxArg, word(daxArg));
    if (d.type !== 'host') throw new ScenarioError(`device '${d.name}' is MEMORY_DEVICE_${d.type.toUpperCase()}: dax= maps a MEMORY_DEVICE_HOST (pmem) device`, daxArg.range);
    if (!s.flags.has('shared')) throw new ScenarioError('dax= needs shared: kstep simulates MAP_SHARED fsdax mappings only', daxArg.keyRange);
    return { dax: { name: d.name, base: start } };
  }
  return undefined;
}

export function addFileCompilers(c: Map<string, StatementCompiler>, h: MmHelpers): void {
  const { mmOf, cur, addrOf } = h;
  const vpnOf = (m: Machine, s: Stmt): number => Number(addrOf(m, s.args[0] as Arg, '<addr>') >> 12n);

  c.set('file', (s) => {
    const name = word(s.args[0]);
    const sizeArg = s.keys.get('size') as Arg;
    return (m) => {
      const size = argBig(m, sizeArg, 'size=');
      if (size < 0n || size >= FILE_LIMIT) throw new ScenarioError('size= must be 0 or more, below 2^40', sizeArg.range);
      const cache = mmOf().cache;
      const f = cache.files.get(name);
      if (f) {
        if (BigInt(f.size) > size) throw new ScenarioError(`file '${name}' is ${f.size} bytes: shrink it with: file truncate ${name} ${size}`, sizeArg.range);
        f.size = Number(size);
      } else cache.files.set(name, { name, size: Number(size), pages: new Map() });
    };
  });

  c.set('file write', (s) => {
    const nameArg = s.args[0] as Arg;
    const offArg = s.args[1] as Arg;
    const valArg = s.args[2] as Arg;
    return function* (m): KGen {
      const mm = mmOf();
      const f = mm.cache.files.get(word(nameArg));
      if (!f) throw new ScenarioError(`no file '${word(nameArg)}' (create one with: file ${word(nameArg)} size=<len>)`, nameArg.range);
      const off = argBig(m, offArg, '<offset>');
      if (off < 0n || off >= FILE_LIMIT || off & 7n) throw new ScenarioError('<offset> must be a multiple of 8 below 2^40', offArg.range);
      const value = argBig(m, valArg, '<value>') & 0xffff_ffff_ffff_ffffn;
      yield* generic_perform_write(m, mm, f, Number(off), value);
    };
  });

  const fileOf = (s: Stmt): PcFile => {
    const a = s.args[0] as Arg;
    const f = mmOf().cache.files.get(word(a));
    if (!f) throw new ScenarioError(`no file '${word(a)}' (create one with: file ${word(a)} size=<len>)`, a.range);
    return f;
  };

  c.set('file truncate', (s) => {
    const sizeArg = s.args[1];
    return function* (m): KGen {
      const f = fileOf(s);
      const size = sizeArg ? argBig(m, sizeArg, '<size>') : 0n;
      if (size < 0n || size >= FILE_LIMIT) throw new ScenarioError('<size> must be 0 or more, below 2^40', sizeArg?.range);
      // ftruncate to a larger size only sets i_size
      if (Number(size) >= f.size) f.size = Number(size);
      else yield* truncate_pagecache(m, mmOf(), f, Number(size));
    };
  });

  c.set('file invalidate', (s) => function* (m): KGen {
    yield* unmap_mapping_range(m, mmOf(), fileOf(s), 0, false);
  });

  c.set('move_pages', (s) => {
    const nodeArg = s.keys.get('node') as Arg;
    return function* (m): KGen {
      const vpn = vpnOf(m, s);
      const node = Number(BigInt.asIntN(32, argBig(m, nodeArg, 'node=')));
      if (cur(s).findVma(vpn)?.huge) throw new ScenarioError('move_pages of a hugetlb page is not simulated (isolate_huge_page and the per-node huge page pools)', s.range);
      const r = yield* do_pages_move(m, mmOf(), cur(s), vpn, node);
      m.last = { ret: BigInt(r.ret), status: r.status === undefined ? new Sym('none') : BigInt(r.status) };
    };
  });

  c.set('mbind', (s) => {
    const nodeArg = s.keys.get('node') as Arg;
    return function* (m): KGen {
      // do_mbind: start & ~PAGE_MASK is -EINVAL; an empty range returns 0.
      const range = syscallRangeOr(m, s, 0, { unaligned: 'einval', zero: 0 }, (ret) => ({ ret, skipped: 0n, pages: 0n }));
      if (!range) return;
      const [start, end] = range;
      const node = Number(BigInt.asIntN(32, argBig(m, nodeArg, 'node=')));
      const r = yield* do_mbind(m, mmOf(), cur(s), start, end, node);
      m.last = { ret: BigInt(r.ret), skipped: BigInt(r.skipped), pages: BigInt(r.pages) };
    };
  });

  c.set('numa_fault', (s) => function* (m): KGen {
    const vpn = vpnOf(m, s);
    const t = cur(s);
    const r = yield* numa_fault(m, mmOf(), t, vpn);
    const pte = t.pt.get(vpn);
    m.last = {
      fault: new Sym(r.fault ? 'numa' : 'none'),
      skipped: BigInt(r.skipped),
      migrated: BigInt(r.migrated ? 1 : 0),
      page: pteKind(pte) === PTE_PRESENT ? BigInt(ptePfn(pte)) : new Sym('none'),
    };
  });

  c.set('munlock', (s) => function* (m): KGen {
    // munlock(2) as mlock: the start rounded down, the length grown by its offset; nothing to unlock is 0.
    const range = syscallRangeOr(m, s, 0, { unaligned: 'down', zero: 0 }, (ret) => ({ ret, skipped: 0n, pages: 0n }));
    if (!range) return;
    const [start, end] = range;
    const r = yield* sys_munlock(m, mmOf(), cur(s), start, end);
    m.last = { ret: BigInt(r.ret), skipped: BigInt(r.skipped), pages: BigInt(r.pages) };
  });

  c.set('pagemap', (s) => function* (m): KGen {
    const vpn = vpnOf(m, s);
    const e = yield* pte_to_pagemap_entry(m, mmOf(), cur(s), vpn);
    m.last = {
      present: BigInt(e.present ? 1 : 0),
      swap: BigInt(e.swap ? 1 : 0),
      pfn: e.pfn,
      swap_type: BigInt(e.swapType),
      swap_offset: BigInt(e.swapOffset),
      file: BigInt(e.file ? 1 : 0),
      entry: e.entry,
    };
  });

  c.set('smaps', (s) => function* (m): KGen {
    const a = s.args[0] as Arg;
    const vpn = vpnOf(m, s);
    const t = cur(s);
    const vma = t.findVma(vpn);
    if (!vma) throw new ScenarioError(`no VMA holds 0x${addrOf(m, a, '<addr>').toString(16)} in task ${t.name}`, a.range);
    const r = yield* smap_gather_stats(m, mmOf(), t, vma);
    m.last = { rss: BigInt(r.rss), swap: BigInt(r.swap), anonymous: BigInt(r.anonymous), shared: BigInt(r.shared), private: BigInt(r.private) };
  });

  // madvise(MADV_DONTNEED) zaps; the other advices stay with the LRU walkers.
  const lru = c.get('madvise');
  c.set('madvise', (s) => {
    if (word(s.args[2]) !== 'MADV_DONTNEED' && lru) return lru(s);
    return function* (m): KGen {
      const range = syscallRangeOr(m, s, 0, { unaligned: 'einval', zero: 0 }, (ret) => ({ ret, skipped: 0n }));
      if (!range) return;
      const [start, end] = range;
      const ret = yield* madvise_dontneed(m, mmOf(), cur(s), start, end);
      m.last = { ret: BigInt(ret), skipped: 0n };
    };
  });
}
