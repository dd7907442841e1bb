import type { Arg, Stmt } from '../scenario/ast';
import { ScenarioError } from '../scenario/diagnostics';
import { argBig } from '../scenario/args';
import type { StatementCompiler } from '../scenario/compile';
import { EINVAL } from '../core/errno';
import type { Machine } from '../core/machine';
import type { KGen } from '../core/frames';
import type { Value } from '../core/values';
import { Sym } from '../core/values';
import { addFileCompilers, fileMapping } from './compilers_file';
import { dup_mmap } from './fork';
import { follow_page } from './gup';
import { hugetlb_vmtruncate } from './hugetlb_truncate';
import { hugetlbfs_fallocate } from './hugetlbfs_inode';
import { khugepaged_scan_pmd } from './khugepaged';
import { get_mergeable_page } from './ksm';
import { madvise_cold_or_pageout_pte_range, madvise_free_pte_range, madviseLruStop } from './madvise';
import type { FaultKind, FaultResult } from './memory';
import { handle_mm_fault } from './memory';
import { devm_memremap_pages } from './memremap';
import { do_mlock } from './mlock';
import { __do_munmap, do_mmap, exit_mmap } from './mmap';
import type { Device, DeviceType, MmModel } from './model';
import { do_mprotect_pkey } from './mprotect';
import { PFN_LIMIT } from './page';
import type { LruWalk } from './pagewalk';
import { PTE_PRESENT, pteKind, ptePfn, pteWrite } from './pte';
import { PROT_NAMES, PROT_READ, PROT_WRITE, Task } from './task';
import { gather_pte_stats } from './task_mmu';
import { migrate } from './test_hmm';
import { dmirror_fault } from './test_hmm_mirror';
import { addHmmCompilers } from './compilers_hmm';
import { ADDR_LIMIT, pageRange, syscallRangeOr, userAddr } from './limits';

const MAX_DEVICE_PAGES = 1 << 24;
const MAX_TASKS = 1024;

function word(a: Arg | undefined): string {
  return a?.word ?? '';
}

/** The statements of SCENARIO.md §5. */
export function mmCompilers(mmOf: () => MmModel): Map<string, StatementCompiler> {
  const c = new Map<string, StatementCompiler>();

  const cur = (s: Stmt): Task => {
    const mm = mmOf();
    const t = mm.tasks.get(mm.current);
    if (!t) throw new ScenarioError(`no current task (task '${mm.current}' has exited): switch with: task <name>`, s.range);
    return t;
  };
  const addrOf = userAddr;
  /** [start, end) page indexes of `<addr> <len>`; `zero`: a zero length is the empty range (mprotect(2), migrate). */
  const rangeOf = (m: Machine, s: Stmt): [number, number] => pageRange(m, s, 0);
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
        yield* devm_memremap_pages(m, mm, name, word(typeArg) as DeviceType, npages, failArg ? word(failArg) === 'on' : false);
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
    const offsetArg = s.keys.get('offset');
    return function* (m): KGen {
      if (s.flags.has('private') && s.flags.has('shared')) throw new ScenarioError('mmap takes private or shared, not both', s.range);
      if (hugeArg && s.flags.has('anon')) throw new ScenarioError('mmap takes anon or hugetlb=<file>, not both', hugeArg.keyRange);
      // do_mmap: a zero length is -EINVAL; MAP_FIXED at an address inside a page, -EINVAL (get_unmapped_area).
      const range = syscallRangeOr(m, s, 0, { unaligned: 'einval', zero: -EINVAL }, (ret) => ({ ret }));
      if (!range) return;
      const [start, end] = range;
      const t = cur(s);
      const protText = protArg ? word(protArg) : 'rw';
      let pgoff = 0;
      if (offsetArg) {
        if (!hugeArg && !s.keys.has('file') && !s.keys.has('dax')) throw new ScenarioError('offset= applies to a file mapping (hugetlb=, file= or dax=)', offsetArg.keyRange);
        const off = argBig(m, offsetArg, 'offset=');
        if (off < 0n || off >= ADDR_LIMIT) throw new ScenarioError('offset= must be 0 or more, below 2^47', offsetArg.range);
        // The syscall's own check (ksys_mmap_pgoff): the offset must be page aligned.
        if (off & 0xfffn) {
          m.output(`mmap: -EINVAL (${-EINVAL}): offset ${off} is not page aligned; nothing mapped`, 'console');
          m.last = { ret: BigInt(-EINVAL) };
          return;
        }
        pgoff = Number(off >> 12n);
      }
      // A page-cache or fsdax file: vm_pgoff = pgoff, so file page 0 sits pgoff pages below start.
      const vmFile = fileMapping(s, start - pgoff, mmOf(), deviceOf);
      yield* do_mmap(m, mmOf(), t, start, end, PROT_NAMES[protText] as number, protText, s.flags.has('shared'), hugeArg ? word(hugeArg) : undefined, { noreserve: s.flags.has('noreserve'), pgoff, ...vmFile });
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
      // A u64 at an address inside its last 7 bytes spans two pages: the CPU needs both, the lower one first.
      const pages = (addr & 0xfffn) > 0xff8n ? [vpn, vpn + 1] : [vpn];
      for (const p of pages) {
        for (let tries = 0; ; tries++) {
          const vma = t.findVma(p);
          const pte = t.pt.get(p);
          const ok = vma && vma.prot & PROT_READ && (!write || vma.prot & PROT_WRITE) && pteKind(pte) === PTE_PRESENT && (!write || pteWrite(pte));
          if (ok || tries === 4) break;
          const r = yield* handle_mm_fault(m, mm, t, p, write, { faults, remote: false });
          // VM_FAULT_OOM: the access is retried; still out of memory after the retries, the OOM killer picks this task.
          if (r === 'OOM') signal = 'SIGKILL';
          else if (r !== 'ok') {
            signal = r;
            break;
          } else signal = 'ok';
        }
        if (signal !== 'ok') break;
      }
      let result = 0n;
      if (signal === 'ok' && pages.every((p) => pteKind(t.pt.get(p)) === PTE_PRESENT)) {
        if (!(addr & 7n)) {
          const pfn = ptePfn(t.pt.get(vpn));
          if (write) {
            mm.writeVal(pfn, slot, value);
            result = value;
          } else result = mm.readVal(pfn, slot);
        } else if (write) {
          storeUnaligned(mm, t, addr, value);
          result = value;
        } else result = loadUnaligned(mm, t, addr);
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
      // The dmirror ioctl refuses an address inside a page (-EINVAL); a zero length is the empty range (SCENARIO.md §5.1).
      const range = syscallRangeOr(m, s, 0, { unaligned: 'einval', zero: 'range', perPage: true }, (ret) => ({ migrated: 0n, ret }));
      if (!range) return;
      const [start, end] = range;
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
      const r = yield* dmirror_fault(m, mm, t, vpn, write, dev, { faults, remote: true });
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
      m.last = { ...faultLast(faults, 'ok', value), ret: BigInt(r.ret), pfn: BigInt(r.pfn) };
    };
  });

  c.set('fork', (s) => {
    const nameArg = s.args[1] ?? (word(s.args[0]) !== 'as' ? s.args[0] : undefined);
    return function* (m): KGen {
      const mm = mmOf();
      const parent = cur(s);
      // Each task is a whole address space to copy and keep: a `repeat` of forks would grow without end (RLIMIT_NPROC stops it in a kernel).
      if (mm.tasks.size >= MAX_TASKS) throw new ScenarioError(`fork: a scenario may have at most ${MAX_TASKS} tasks, a fixed limit: exit tasks it no longer needs`, s.range);
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
      yield* exit_mmap(m, mm, t);
    };
  });

  // munmap names no result (SCENARIO.md §5), so `last` stays as it was; the -EINVAL of an unaligned start or
  // a zero length (__do_munmap) would be invisible, and stays a scenario error.
  c.set('munmap', (s) => function* (m): KGen {
    const [start, end] = rangeOf(m, s);
    yield* __do_munmap(m, mmOf(), cur(s), start, end);
  });

  c.set('mprotect', (s) => {
    const protText = word(s.args[2]);
    const prot = PROT_NAMES[protText] as number;
    return function* (m): KGen {
      // do_mprotect_pkey: start & ~PAGE_MASK is -EINVAL, checked before a zero length returns 0.
      const range = syscallRangeOr(m, s, 0, { unaligned: 'einval', zero: 'range' }, (ret) => ({ ret }));
      if (!range) return;
      const [start, end] = range;
      const ret = yield* do_mprotect_pkey(m, mmOf(), cur(s), start, end, prot, protText);
      m.last = { ret: BigInt(ret) };
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

  /** madvise refuses a range with hugetlb VMAs (-EINVAL); numa_stats returns nothing. */
  type Walker = (m: Machine, mm: MmModel, t: Task, start: number, end: number, args: Record<string, string>) => KGen<LruWalk>;
  const walker = (which: (s: Stmt) => Walker, ret: 'madvise' | 'none', extra: (s: Stmt) => Record<string, string>) => (s: Stmt) =>
    function* (m: Machine): KGen {
      // do_madvise: an unaligned start is -EINVAL, a zero length returns 0; numa_stats is no system call.
      const range = ret === 'none' ? rangeOf(m, s) : syscallRangeOr(m, s, 0, { unaligned: 'einval', zero: 0 }, (r) => ({ skipped: 0n, pages: 0n, ret: r }));
      if (!range) return;
      const [start, end] = range;
      const t = cur(s);
      // madvise_walk_vmas: the walk stops at the first VMA the advice refuses; numa_maps walks them all.
      const stop = ret === 'none' ? { end, ret: 0 } : madviseLruStop(t, start, end, word(s.args[2]));
      const r = yield* which(s)(m, mmOf(), t, start, stop.end, extra(s));
      const last: Record<string, Value> = { skipped: BigInt(r.skipped), pages: BigInt(r.pages) };
      if (ret !== 'none') last.ret = BigInt(stop.ret);
      m.last = last;
    };
  c.set('madvise', walker((s) => (word(s.args[2]) === 'MADV_FREE' ? madvise_free_pte_range : madvise_cold_or_pageout_pte_range), 'madvise', (s) => ({ advice: word(s.args[2]) })));
  c.set('numa_stats', walker(() => gather_pte_stats, 'none', () => ({})));

  c.set('mlock', (s) => function* (m): KGen {
    // do_mlock: len = PAGE_ALIGN(len + offset_in_page(start)); start &= PAGE_MASK; nothing to lock is 0.
    const range = syscallRangeOr(m, s, 0, { unaligned: 'down', zero: 0, perPage: true }, (ret) => ({ skipped: 0n, pages: 0n, ret }));
    if (!range) return;
    const [start, end] = range;
    const r = yield* do_mlock(m, mmOf(), cur(s), start, end);
    m.last = { skipped: BigInt(r.skipped), pages: BigInt(r.pages), ret: BigInt(r.ret) };
  });

  // fallocate(2) FALLOC_FL_PUNCH_HOLE|FALLOC_FL_KEEP_SIZE of a hugetlbfs file.
  c.set('hugetlb punch', (s) => {
    const [fileArg, offArg, lenArg] = s.args as [Arg, Arg, Arg];
    return function* (m): KGen {
      const mm = mmOf();
      const file = word(fileArg);
      mm.hugetlb.file(file, fileArg.range);
      const offset = argBig(m, offArg, '<offset>');
      const len = argBig(m, lenArg, '<len>');
      // vfs_fallocate: offset < 0 || len <= 0 is -EINVAL before the file system sees it.
      if (offset < 0n || len <= 0n) {
        m.output(`hugetlb punch: -EINVAL (${-EINVAL}): ${len <= 0n ? 'len must be positive' : 'offset must not be negative'}; nothing changed`, 'console');
        m.last = { ret: BigInt(-EINVAL) };
        return;
      }
      if (offset + len > 1n << 62n) throw new ScenarioError('offset + len must stay below 2^62', lenArg.range);
      m.last = { ret: BigInt(yield* hugetlbfs_fallocate(m, mm, file, offset, len)) };
    };
  });

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
        m.output(`hugetlb truncate: -EINVAL (${-EINVAL}): ${size} is not a multiple of the 2M huge page size; nothing changed`, 'console');
        m.last = { ret: BigInt(-EINVAL) };
        return;
      }
      yield* hugetlb_vmtruncate(m, mm, file, Number(size >> 21n));
      m.last = { ret: 0n };
    };
  });

  addFileCompilers(c, { mmOf, cur, addrOf, deviceOf });
  addHmmCompilers(c, mmOf, { cur, addrOf, deviceOf });
  return c;
}

type Signal = Exclude<FaultResult, 'OOM'> | 'SIGKILL';
const NONE = new Sym('none');
const SIGNO: Readonly<Record<string, bigint>> = { SIGKILL: 9n, SIGBUS: 7n, SIGSEGV: 11n };

/** The byte at a user address whose page is present, from the little-endian u64 slot that holds it. */
function byteAt(t: Task, a: bigint): [pfn: number, slot: number, shift: bigint] {
  return [ptePfn(t.pt.get(Number(a >> 12n))), Number((a & 0xfffn) >> 3n), (a & 7n) * 8n];
}

/** A u64 load at an address that is not 8-byte aligned: eight bytes, little-endian, from one or two slots (or pages). */
function loadUnaligned(mm: MmModel, t: Task, addr: bigint): bigint {
  let v = 0n;
  for (let i = 0n; i < 8n; i++) {
    const [pfn, slot, shift] = byteAt(t, addr + i);
    v |= ((mm.readVal(pfn, slot) >> shift) & 0xffn) << (8n * i);
  }
  return v;
}

/** A u64 store at an address that is not 8-byte aligned: each byte into the slot (and page) that holds it. */
function storeUnaligned(mm: MmModel, t: Task, addr: bigint, value: bigint): void {
  for (let i = 0n; i < 8n; i++) {
    const [pfn, slot, shift] = byteAt(t, addr + i);
    const old = mm.readVal(pfn, slot);
    mm.writeVal(pfn, slot, (old & ~(0xffn << shift)) | (((value >> (8n * i)) & 0xffn) << shift));
  }
}

function faultLast(faults: readonly FaultKind[], signal: Signal, value: bigint): Record<string, Value> {
  return {
    fault: faults.length ? new Sym(faults[0] as string) : NONE,
    faults: faults.map((f) => new Sym(f)),
    signal: signal === 'ok' ? NONE : new Sym(signal, SIGNO[signal]),
    value,
  };
}
