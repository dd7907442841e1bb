/**
 * fallocate(PUNCH_HOLE) of a hugetlbfs file: the whole huge pages inside
 * [offset, offset + len) are unmapped from every mapping and dropped from the
 * page cache, each giving back its own reservation (remove_inode_hugepages).
 */
import type { KGen } from '../core/frames';
import { fnOf } from '../core/frames';
import type { Machine } from '../core/machine';
import { hugetlb_vmdelete_list, remove_inode_hugepages } from './hugetlb_truncate';
import { HUGETLBFS_INODE_C } from './hugetlbfs_inode_c';
import type { MmModel } from './model';

const HUGETLBFS_FALLOCATE = fnOf(HUGETLBFS_INODE_C, 'hugetlbfs_fallocate');
const HUGETLBFS_PUNCH_HOLE = fnOf(HUGETLBFS_INODE_C, 'hugetlbfs_punch_hole');

const HPAGE_SIZE = 2n << 20n;
const hex = (v: bigint): string => `0x${v.toString(16)}`;

/** `offset` and `len` in bytes, as the syscall takes them (vfs_fallocate has checked offset >= 0, len > 0). */
export function* hugetlbfs_fallocate(m: Machine, mm: MmModel, file: string, offset: bigint, len: bigint): KGen<number> {
  const fr = m.enter(HUGETLBFS_FALLOCATE, { inode: file, mode: 'FALLOC_FL_PUNCH_HOLE|FALLOC_FL_KEEP_SIZE', offset: hex(offset), len: hex(len) });
  yield fr.at('punch');
  const ret = yield* hugetlbfs_punch_hole(m, mm, file, offset, len);
  return m.leave(fr, ret);
}

function* hugetlbfs_punch_hole(m: Machine, mm: MmModel, file: string, offset: bigint, len: bigint): KGen<number> {
  const fr = m.enter(HUGETLBFS_PUNCH_HOLE, { inode: file, offset: hex(offset), len: hex(len) });
  const holeStart = ((offset + HPAGE_SIZE - 1n) / HPAGE_SIZE) * HPAGE_SIZE;
  const holeEnd = ((offset + len) / HPAGE_SIZE) * HPAGE_SIZE;
  fr.locals.hole_start = hex(holeStart);
  fr.locals.hole_end = hex(holeEnd);
  yield fr.at('round');
  if (holeEnd > holeStart) {
    const start = Number(holeStart / HPAGE_SIZE);
    const end = Number(holeEnd / HPAGE_SIZE);
    yield fr.at('vmdelete');
    yield* hugetlb_vmdelete_list(m, mm, file, start, end);
    yield fr.at('remove');
    yield* remove_inode_hugepages(m, mm, file, start, end);
  }
  fr.locals.ret = 0;
  yield fr.at('done');
  return m.leave(fr, 0);
}
