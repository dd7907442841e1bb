import type { Arg, Stmt } from '../scenario/ast';
import { ScenarioError } from '../scenario/diagnostics';
import { argBig } from '../scenario/args';
import type { StatementCompiler } from '../scenario/compile';
import type { Machine } from '../core/machine';
import type { KGen } from '../core/frames';
import { fnOf } from '../core/frames';
import type { Value } from '../core/values';
import { Sym } from '../core/values';
import { MM_C } from './mm_c';
import type { FaultKind, FaultResult, Walker } from './kernel';
import {
  change_pte_range, dup_mmap, EFAULT, follow_page, get_mergeable_page, handle_mm_fault, hmm_range_fault,
  khugepaged_scan_pmd, lru_walk, migrate, NONE,
} from './kernel';
import type { Device, DeviceType, Mm, Vma } from './subsystem';
import { CowStack } from './cow';
import { resv_map_alloc } from '../hugetlb/resv_map';
import { hugetlb_change_protection } from './hugetlb_walk';
import { hugetlbfs_file_mmap, misalignedSplit, unmapRange } from './hugetlb_vma';
import { hugetlb_vmtruncate } from './hugetlb_truncate';
import { HPAGE_NR, PFN_LIMIT, PROT_NAMES, PROT_READ, PROT_WRITE, PTE_PRESENT, pteKind, ptePfn, pteWrite, Task } from './subsystem';

const FN = {
  devm_memremap_pages: fnOf(MM_C, 'devm_memremap_pages'),
  do_mmap: fnOf(MM_C, 'do_mmap'),
  __do_munmap: fnOf(MM_C, '__do_munmap'),
  do_mprotect_pkey: fnOf(MM_C, 'do_mprotect_pkey'),
  exit_mmap: fnOf(MM_C, 'exit_mmap'),
};

/** TASK_SIZE of x86-64 with 4-level paging: user addresses stay exact JS numbers. */
const ADDR_LIMIT = 1n << 47n;
const MAX_DEVICE_PAGES = 1 << 24;

function word(a: Arg | undefined): string {
  return a?.word ?? '';
}

/** The statements of SCENARIO.md §5. */
export function mmCompilers(mmOf: () => Mm): Map<string, StatementCompiler> {
  const c = new Map<string, StatementCompiler>();

  const cur = (s: Stmt): Task => {
    const mm = mmOf();
    const t = mm.tasks.get(mm.current);
    if (!t) throw new ScenarioError(`no current task (task '${mm.current}' has exited): switch with: task <name>`, s.range);
    return t;
  };
  const addrOf = (m: Machine, a: Arg, what: string): bigint => {
    const v = argBig(m, a, what);
    if (v < 0n || v >= ADDR_LIMIT) throw new ScenarioError(`${what} 0x${v.toString(16)} is not a user address`, a.range);
    return v;
  };
  /** [start, end) page indexes of `<addr> <len>`; addr must be page-aligned, len is rounded up. */
  const rangeOf = (m: Machine, s: Stmt): [number, number] => {
    const a = s.args[0] as Arg;
    const l = s.args[1] as Arg;
    const addr = addrOf(m, a, '<addr>');
    if (addr & 0xfffn) throw new ScenarioError(`<addr> 0x${addr.toString(16)} is not page-aligned (4K)`, a.range);
    const len = argBig(m, l, '<len>');
    if (len <= 0n) throw new ScenarioError('<len> must be positive', l.range);
    const end = addr + ((len + 0xfffn) & ~0xfffn);
    if (end > ADDR_LIMIT) throw new ScenarioError('range ends above the user address space', l.range);
    return [Number(addr >> 12n), Number(end >> 12n)];
  };
  const deviceOf = (s: Stmt, a: Arg | undefined, name: string): Device => {
    const d = mmOf().devices.get(name);
    if (!d) {
      const known = [...mmOf().devices.keys()];
      throw new ScenarioError(`no device '${name}'${known.length ? ` (devices: ${known.join(', ')})` : ' (create one with: device <name> type=private pages=<n>)'}`, a?.range ?? s.range);
    }
    return d;
  };

  c.set('device', (s) => {
    const nameArg = s.args[0] as Arg;
    const name = word(nameArg);
    const typeArg = s.keys.get('type');
    const pagesArg = s.keys.get('pages');
    const failArg = s.keys.get('fail');
    return function* (m): KGen {
      const mm = mmOf();
      const existing = mm.devices.get(name);
      if (!existing) {
        if (!typeArg || !pagesArg) throw new ScenarioError(`device '${name}' does not exist: create it with type=private|coherent|host pages=<n>`, s.range);
        const n = argBig(m, pagesArg, 'pages=');
        if (n <= 0n || n > BigInt(MAX_DEVICE_PAGES)) throw new ScenarioError(`pages= must be 1..${MAX_DEVICE_PAGES}`, pagesArg.range);
        const npages = Number(n);
        if (mm.devNext + npages > PFN_LIMIT) throw new ScenarioError('out of simulated ZONE_DEVICE pfns', pagesArg.range);
        const type = word(typeArg) as DeviceType;
        const fr = m.enter(FN.devm_memremap_pages, { dev: name, type: `MEMORY_DEVICE_${type.toUpperCase()}`, nr_pages: npages });
        const base = mm.devNext;
        mm.devNext += npages;
        const free = new CowStack();
        for (let i = 0; i < npages; i++) {
          free.push(base + npages - 1 - i);
          mm.refcount.set(base + i, 1);
        }
        const d: Device = { name, type, base, npages, free, failed: failArg ? word(failArg) === 'on' : false };
        mm.devices.set(name, d);
        fr.locals.base_pfn = `0x${base.toString(16)}`;
        yield fr.at('init');
        m.leave(fr);
        return;
      }
      if (typeArg || pagesArg) throw new ScenarioError(`device '${name}' already exists (only fail=on|off can change)`, (typeArg ?? pagesArg)?.range);
      if (failArg) existing.failed = word(failArg) === 'on';
    };
  });

  c.set('task', (s) => {
    const name = word(s.args[0]);
    return () => {
      const mm = mmOf();
      if (!mm.tasks.has(name)) mm.tasks.set(name, new Task(name));
      mm.current = name;
    };
  });

  c.set('mmap', (s) => {
    const protArg = s.keys.get('prot');
    const hugeArg = s.keys.get('hugetlb');
    return function* (m): KGen {
      if (s.keys.has('file')) throw new ScenarioError('mmap file=<name> is not yet supported: only anonymous mappings are simulated', s.keys.get('file')?.keyRange);
      if (s.flags.has('private') && s.flags.has('shared')) throw new ScenarioError('mmap takes private or shared, not both', s.range);
      if (hugeArg && s.flags.has('anon')) throw new ScenarioError('mmap takes anon or hugetlb=<file>, not both', hugeArg.keyRange);
      const [start, end] = rangeOf(m, s);
      const t = cur(s);
      const prot = PROT_NAMES[protArg ? word(protArg) : 'rw'] as number;
      const shared = s.flags.has('shared');
      const file = hugeArg ? word(hugeArg) : undefined;
      const kind = file === undefined ? 'MAP_ANONYMOUS' : 'MAP_HUGETLB';
      const fr = m.enter(FN.do_mmap, { addr: `0x${(BigInt(start) << 12n).toString(16)}`, len: (end - start) * 4096, prot: protArg ? word(protArg) : 'rw', flags: `${shared ? 'MAP_SHARED' : 'MAP_PRIVATE'}|${kind}`, ...(file === undefined ? {} : { file }) });
      const fail = function* (ret: number, why: string): KGen {
        fr.locals.error = ret;
        yield fr.at('link');
        m.leave(fr);
        m.output(`mmap: ${ret === -22 ? '-EINVAL' : '-ENOMEM'} (${ret}): ${why}; nothing mapped`, 'console');
        m.last = { ret: BigInt(ret) };
      };
      // hugetlb_get_unmapped_area: a hugetlbfs mapping is made of whole 2 MiB pages.
      if (file !== undefined && (start % HPAGE_NR || end % HPAGE_NR)) return yield* fail(-22, 'a hugetlb mapping needs a 2M-aligned address and length');
      const mm = mmOf();
      if (file !== undefined && !mm.hugetlb.files.has(file)) {
        // Opening a new hugetlbfs file creates its inode and resv_map.
        yield* resv_map_alloc(m, mm.hugetlb, file);
        if (!mm.hugetlb.files.has(file)) return yield* fail(-12, `the inode of '${file}' could not be allocated`);
      }
      // MAP_FIXED semantics: whatever was mapped there goes first.
      if (t.vmas.some((v) => v.start < end && v.end > start)) {
        if (misalignedSplit(t, start, end)) return yield* fail(-22, 'it would split a hugetlb mapping off a 2M boundary');
        yield* unmapRange(m, mm, t, start, end);
      }
      let vma: Vma = { start, end, prot, shared, locked: false };
      if (file !== undefined) {
        const huge = { file, base: start };
        const r = yield* hugetlbfs_file_mmap(m, mm, t, { ...vma, huge });
        if (r.ret) return yield* fail(r.ret, `hugetlb_reserve_pages could not reserve ${(end - start) / HPAGE_NR} huge pages`);
        vma = { ...vma, huge: r.resv === undefined ? huge : { ...huge, resv: r.resv } };
        m.last = { ret: 0n };
      }
      insertVma(t, vma);
      yield fr.at('link');
      m.leave(fr);
    };
  });

  const access = (write: boolean) => (s: Stmt) => {
    const a = s.args[0] as Arg;
    const vArg = s.args[1];
    return function* (m: Machine): KGen {
      const addr = addrOf(m, a, '<addr>');
      const value = write && vArg ? argBig(m, vArg, '<value>') & 0xffff_ffff_ffff_ffffn : 0n;
      const t = cur(s);
      const mm = mmOf();
      const vpn = Number(addr >> 12n);
      const slot = Number((addr & 0xfffn) >> 3n);
      const faults: FaultKind[] = [];
      let signal: Signal = 'ok';
      for (let tries = 0; ; tries++) {
        const vma = t.findVma(vpn);
        const pte = t.pt.get(vpn);
        const ok = vma && vma.prot & PROT_READ && (!write || vma.prot & PROT_WRITE) && pteKind(pte) === PTE_PRESENT && (!write || pteWrite(pte));
        if (ok || tries === 4) break;
        const r = yield* handle_mm_fault(m, mm, t, vpn, write, { faults, remote: false });
        // VM_FAULT_OOM: the access is retried; still out of memory after the retries, the OOM killer picks this task.
        if (r === 'OOM') signal = 'SIGKILL';
        else if (r !== 'ok') {
          signal = r;
          break;
        } else signal = 'ok';
      }
      let result = 0n;
      const pte = t.pt.get(vpn);
      if (signal === 'ok' && pteKind(pte) === PTE_PRESENT) {
        if (write) {
          mm.writeVal(ptePfn(pte), slot, value);
          result = value;
        } else result = mm.readVal(ptePfn(pte), slot);
      }
      m.last = faultLast(faults, signal, result);
    };
  };
  c.set('read', access(false));
  c.set('write', access(true));

  c.set('migrate', (s) => {
    const toArg = s.keys.get('to');
    const to = word(toArg);
    return function* (m): KGen {
      const [start, end] = rangeOf(m, s);
      const t = cur(s);
      const mm = mmOf();
      let dev: Device | undefined;
      if (to !== 'system') {
        dev = deviceOf(s, toArg, to);
        if (dev.type === 'host') throw new ScenarioError(`device '${to}' is MEMORY_DEVICE_HOST: migrate_vma moves pages only to private or coherent device memory`, toArg?.range);
      }
      const r = yield* migrate(m, mm, t, start, end, dev);
      m.last = { migrated: BigInt(r.migrated), ret: BigInt(r.ret) };
    };
  });

  c.set('device_access', (s) => {
    const devArg = s.args[0] as Arg;
    const write = word(s.args[1]) === 'write';
    const a = s.args[2] as Arg;
    return function* (m): KGen {
      const mm = mmOf();
      const dev = deviceOf(s, devArg, word(devArg));
      const addr = addrOf(m, a, '<addr>');
      const t = cur(s);
      const vpn = Number(addr >> 12n);
      const slot = Number((addr & 0xfffn) >> 3n);
      const faults: FaultKind[] = [];
      const r = yield* hmm_range_fault(m, mm, t, vpn, write, dev, { faults, remote: true });
      let value = 0n;
      if (r.ret === 0) {
        // The mirror reads or writes through the pfn hmm_range_fault returned.
        // A device store writes the old value + 1 (the mirror's test pattern), so it can be seen from the CPU.
        value = mm.readVal(r.pfn, slot);
        if (write) {
          value = (value + 1n) & 0xffff_ffff_ffff_ffffn;
          mm.writeVal(r.pfn, slot, value);
        }
      }
      m.last = { ...faultLast(faults, 'ok', value), ret: BigInt(r.ret === 0 ? 0 : -EFAULT), pfn: BigInt(r.pfn) };
    };
  });

  c.set('fork', (s) => {
    const nameArg = s.args[1] ?? (word(s.args[0]) !== 'as' ? s.args[0] : undefined);
    return function* (m): KGen {
      const mm = mmOf();
      const parent = cur(s);
      let name = word(nameArg);
      if (!name) {
        name = `${parent.name}_child`;
        for (let i = 2; mm.tasks.has(name); i++) name = `${parent.name}_child${i}`;
      } else if (mm.tasks.has(name)) throw new ScenarioError(`task '${name}' already exists`, nameArg?.range);
      const child = new Task(name);
      mm.tasks.set(name, child);
      yield* dup_mmap(m, mm, parent, child);
    };
  });

  c.set('exit', (s) => {
    const nameArg = s.args[0];
    return function* (m): KGen {
      const mm = mmOf();
      const name = nameArg ? word(nameArg) : mm.current;
      const t = mm.tasks.get(name);
      if (!t) throw new ScenarioError(`no task '${name}'`, nameArg?.range ?? s.range);
      const fr = m.enter(FN.exit_mmap, { mm: name });
      yield fr.at('unmap');
      for (const v of t.vmas.slice()) yield* unmapRange(m, mm, t, v.start, v.end);
      mm.tasks.delete(name);
      if (mm.current === name) mm.current = mm.tasks.has('init') ? 'init' : ([...mm.tasks.keys()][0] ?? name);
      yield fr.at('done');
      m.leave(fr);
    };
  });

  c.set('munmap', (s) => function* (m): KGen {
    const [start, end] = rangeOf(m, s);
    const t = cur(s);
    const fr = m.enter(FN.__do_munmap, { start: `0x${(BigInt(start) << 12n).toString(16)}`, len: (end - start) * 4096 });
    yield fr.at('split');
    if (misalignedSplit(t, start, end)) {
      fr.locals.error = -22;
      yield fr.at('done');
      m.leave(fr);
      m.output('munmap: -EINVAL (-22): a hugetlb mapping splits only on a 2M boundary; nothing changed', 'console');
      return;
    }
    t.splitVmas(start, end, (v) => v);
    yield fr.at('unmap');
    yield* unmapRange(m, mmOf(), t, start, end);
    yield fr.at('done');
    m.leave(fr);
  });

  c.set('mprotect', (s) => {
    const prot = PROT_NAMES[word(s.args[2])] as number;
    return function* (m): KGen {
      const [start, end] = rangeOf(m, s);
      const t = cur(s);
      const fr = m.enter(FN.do_mprotect_pkey, { start: `0x${(BigInt(start) << 12n).toString(16)}`, len: (end - start) * 4096, prot: word(s.args[2]) });
      yield fr.at('vma');
      const bad = !covered(t, start, end) ? -12 : misalignedSplit(t, start, end) ? -22 : 0;
      if (bad) {
        fr.locals.error = bad;
        yield fr.at('done');
        m.leave(fr);
        const why = bad === -12 ? 'is not fully mapped' : 'would split a hugetlb mapping off a 2M boundary';
        m.output(`mprotect: ${bad === -12 ? '-ENOMEM' : '-EINVAL'} (${bad}): [0x${(BigInt(start) << 12n).toString(16)}, 0x${(BigInt(end) << 12n).toString(16)}) ${why}; nothing changed`, 'console');
        return;
      }
      t.splitVmas(start, end, (v) => ({ ...v, prot }));
      yield fr.at('fixup');
      // mprotect_fixup per VMA: hugetlb ones through hugetlb_change_protection.
      for (const v of t.vmas.filter((x) => x.end > start && x.start < end)) {
        if (v.huge) yield* hugetlb_change_protection(m, t, v, Math.max(start, v.start), Math.min(end, v.end), prot);
        else yield* change_pte_range(m, t, Math.max(start, v.start), Math.min(end, v.end), prot);
      }
      yield fr.at('done');
      m.leave(fr);
    };
  });

  c.set('follow_page', (s) => {
    const a = s.args[0] as Arg;
    const flagsArg = s.keys.get('flags');
    return function* (m): KGen {
      const addr = addrOf(m, a, '<addr>');
      const flags = flagsArg ? argBig(m, flagsArg, 'flags=') : 0n;
      const t = cur(s);
      const page = yield* follow_page(m, mmOf(), t, Number(addr >> 12n), flags);
      m.last = { page: page ? BigInt(page) : NONE };
    };
  });

  c.set('khugepaged', (s) => {
    const a = s.args[0] as Arg;
    return function* (m): KGen {
      const addr = addrOf(m, a, '<addr>');
      const r = yield* khugepaged_scan_pmd(m, mmOf(), cur(s), Number(addr >> 12n));
      m.last = { result: new Sym(r) };
    };
  });

  c.set('ksm', (s) => {
    const a = s.args[0] as Arg;
    return function* (m): KGen {
      const addr = addrOf(m, a, '<addr>');
      const r = yield* get_mergeable_page(m, mmOf(), cur(s), Number(addr >> 12n));
      m.last = { skipped: BigInt(r.skipped), page: r.page ? BigInt(r.page) : NONE };
    };
  });

  const walker = (which: (s: Stmt) => Walker, extra: (s: Stmt) => Record<string, string>) => (s: Stmt) =>
    function* (m: Machine): KGen {
      const [start, end] = rangeOf(m, s);
      const t = cur(s);
      const r = yield* lru_walk(m, mmOf(), t, which(s), start, end, extra(s));
      const last: Record<string, Value> = { skipped: BigInt(r.skipped), pages: BigInt(r.pages) };
      const hugeIn = t.vmas.some((v) => v.huge && v.end > start && v.start < end);
      if (which(s) !== 'gather_pte_stats') last.ret = !covered(t, start, end) ? -12n : hugeIn && which(s) !== 'mlock_pte_range' ? -22n : 0n;
      m.last = last;
    };
  c.set('madvise', walker((s) => (word(s.args[2]) === 'MADV_FREE' ? 'madvise_free_pte_range' : 'madvise_cold_or_pageout_pte_range'), (s) => ({ advice: word(s.args[2]) })));
  c.set('mlock', walker(() => 'mlock_pte_range', () => ({})));
  c.set('numa_stats', walker(() => 'gather_pte_stats', () => ({})));

  // ftruncate(2) of a hugetlbfs file: hugetlbfs_setattr → hugetlb_vmtruncate.
  c.set('hugetlb truncate', (s) => {
    const fileArg = s.args[0] as Arg;
    const sizeArg = s.args[1];
    return function* (m): KGen {
      const mm = mmOf();
      const file = word(fileArg);
      mm.hugetlb.file(file, fileArg.range);
      const size = sizeArg ? argBig(m, sizeArg, '<size>') : 0n;
      if (size < 0n || size >= ADDR_LIMIT) throw new ScenarioError('<size> must be 0 or more, below 2^47', sizeArg?.range);
      if (size & ((2n << 20n) - 1n)) {
        m.output(`hugetlb truncate: -EINVAL (-22): ${size} is not a multiple of the 2M huge page size; nothing changed`, 'console');
        m.last = { ret: -22n };
        return;
      }
      yield* hugetlb_vmtruncate(m, mm, file, Number(size >> 21n));
      m.last = { ret: 0n };
    };
  });

  return c;
}

type Signal = Exclude<FaultResult, 'OOM'> | 'SIGKILL';
const SIGNO: Readonly<Record<string, bigint>> = { SIGKILL: 9n, SIGBUS: 7n, SIGSEGV: 11n };

function faultLast(faults: readonly FaultKind[], signal: Signal, value: bigint): Record<string, Value> {
  return {
    fault: faults.length ? new Sym(faults[0] as string) : NONE,
    faults: faults.map((f) => new Sym(f)),
    signal: signal === 'ok' ? NONE : new Sym(signal, SIGNO[signal]),
    value,
  };
}

function insertVma(t: Task, v: Vma): void {
  t.vmas.push(v);
  t.mergeVmas();
}

function covered(t: Task, start: number, end: number): boolean {
  let at = start;
  for (const v of t.vmas) {
    if (v.end <= at) continue;
    if (v.start > at) return false;
    at = v.end;
    if (at >= end) return true;
  }
  return at >= end;
}

