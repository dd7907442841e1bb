/** The mm/mmap.c functions kstep runs: `mmap`, `munmap` and `exit`. */
import { EINVAL, ENOMEM } from '../core/errno';
import type { KGen } from '../core/frames';
import { fnOf } from '../core/frames';
import type { Machine } from '../core/machine';
import { resv_map_alloc } from '../hugetlb/resv_map';
import { hugetlbfs_file_mmap, misalignedSplit, unmapRange } from './hugetlb_vma';
import { MMAP_C } from './mmap_c';
import type { MmModel } from './model';
import { HPAGE_NR } from './page';
import type { Task, Vma } from './task';

const DO_MMAP = fnOf(MMAP_C, 'do_mmap');

/** What a hugetlbfs mmap may add: MAP_NORESERVE, and the file offset (vm_pgoff, in base pages). */
export interface HugeMmapOpts {
  readonly noreserve?: boolean;
  readonly pgoff?: number;
}

/** A hugetlbfs mapping's options, or the page-cache / fsdax file a mapping is of (its base already counts pgoff). */
export type MmapOpts = HugeMmapOpts & Pick<Vma, 'file' | 'dax'>;
const __DO_MUNMAP = fnOf(MMAP_C, '__do_munmap');
const EXIT_MMAP = fnOf(MMAP_C, 'exit_mmap');

/**
 * mmap(2) of [start, end) with MAP_FIXED: anonymous, of a page-cache or fsdax
 * file (opts.file / opts.dax), or of the hugetlbfs file
 * `file`. Sets `last.ret`: 0, or the errno of a refusal, which maps nothing.
 */
export function* do_mmap(m: Machine, mm: MmModel, t: Task, start: number, end: number, prot: number, protText: string, shared: boolean, file: string | undefined, opts: MmapOpts = {}): KGen {
  const { noreserve, pgoff: pgoffOpt, ...vmFile } = opts;
  const kind = file !== undefined ? '|MAP_HUGETLB' : vmFile.file || vmFile.dax ? '' : '|MAP_ANONYMOUS';
  const pgoff = pgoffOpt ?? 0;
  const mapped = file ?? vmFile.file?.name ?? vmFile.dax?.name;
  const flags = `${shared ? 'MAP_SHARED' : 'MAP_PRIVATE'}${kind}${noreserve ? '|MAP_NORESERVE' : ''}`;
  const fr = m.enter(DO_MMAP, { addr: `0x${(BigInt(start) << 12n).toString(16)}`, len: (end - start) * 4096, prot: protText, flags, ...(mapped === undefined ? {} : { file: mapped }), ...(pgoff ? { pgoff: `0x${pgoff.toString(16)}` } : {}) });
  const fail = function* (ret: number, why: string): KGen {
    fr.locals.error = ret;
    yield fr.at('link');
    m.leave(fr);
    m.output(`mmap: ${ret === -EINVAL ? '-EINVAL' : '-ENOMEM'} (${ret}): ${why}; nothing mapped`, 'console');
    m.last = { ret: BigInt(ret) };
  };
  // hugetlb_get_unmapped_area: a hugetlbfs mapping is made of whole 2 MiB pages.
  if (file !== undefined && (start % HPAGE_NR || end % HPAGE_NR)) return yield* fail(-EINVAL, 'a hugetlb mapping needs a 2M-aligned address and length');
  if (file !== undefined && !mm.hugetlb.files.has(file)) {
    // Opening a new hugetlbfs file creates its inode and resv_map.
    yield* resv_map_alloc(m, mm.hugetlb, file);
    if (!mm.hugetlb.files.has(file)) return yield* fail(-ENOMEM, `the inode of '${file}' could not be allocated`);
  }
  // MAP_FIXED semantics: whatever was mapped there goes first.
  if (t.vmas.some((v) => v.start < end && v.end > start)) {
    if (misalignedSplit(t, start, end)) return yield* fail(-EINVAL, 'it would split a hugetlb mapping off a 2M boundary');
    yield* unmapRange(m, mm, t, start, end);
  }
  let vma: Vma = { start, end, prot, shared, locked: false, ...vmFile };
  if (file !== undefined) {
    // base: where file offset 0 would be mapped, so that vm_pgoff == start - base.
    const huge = { file, base: start - pgoff, ...(noreserve ? { noreserve: true } : {}), mmap: mm.hugetlb.nextPrivate++ };
    const r = yield* hugetlbfs_file_mmap(m, mm, t, { ...vma, huge });
    if (r.ret === -EINVAL) return yield* fail(r.ret, 'the file offset is not a multiple of the 2M huge page size');
    if (r.ret) return yield* fail(r.ret, `hugetlb_reserve_pages could not reserve ${(end - start) / HPAGE_NR} huge pages`);
    vma = { ...vma, huge: r.resv === undefined ? huge : { ...huge, resv: r.resv } };
  }
  t.vmas.push(vma);
  t.mergeVmas();
  m.last = { ret: 0n };
  yield fr.at('link');
  m.leave(fr);
}

/** munmap(2) of [start, end): a split of a hugetlb VMA off a 2 MiB boundary changes nothing. */
export function* __do_munmap(m: Machine, mm: MmModel, t: Task, start: number, end: number): KGen {
  const fr = m.enter(__DO_MUNMAP, { start: `0x${(BigInt(start) << 12n).toString(16)}`, len: (end - start) * 4096 });
  yield fr.at('split');
  if (misalignedSplit(t, start, end)) {
    fr.locals.error = -EINVAL;
    yield fr.at('done');
    m.leave(fr);
    m.output(`munmap: -EINVAL (${-EINVAL}): a hugetlb mapping splits only on a 2M boundary; nothing changed`, 'console');
    return;
  }
  t.splitVmas(start, end, (v) => v);
  yield fr.at('unmap');
  yield* unmapRange(m, mm, t, start, end);
  yield fr.at('done');
  m.leave(fr);
}

/** The task's whole address space goes, then the task; the current task becomes init (or any other left). */
export function* exit_mmap(m: Machine, mm: MmModel, t: Task): KGen {
  const name = t.name;
  const fr = m.enter(EXIT_MMAP, { mm: name });
  yield fr.at('unmap');
  for (const v of t.vmas.slice()) yield* unmapRange(m, mm, t, v.start, v.end);
  mm.tasks.delete(name);
  if (mm.current === name) mm.current = mm.tasks.has('init') ? 'init' : ([...mm.tasks.keys()][0] ?? name);
  yield fr.at('done');
  m.leave(fr);
}
