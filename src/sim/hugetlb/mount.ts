/**
 * `hugetlb mount`: hugetlbfs_fill_super making the mount's subpool
 * (hugepage_new_subpool), whose min_size is reserved in the global pool at
 * once through hugetlb_acct_memory.
 */
import { EINVAL, ENOMEM } from '../core/errno';
import type { KGen } from '../core/frames';
import { fnOf } from '../core/frames';
import type { Machine } from '../core/machine';
import { HUGETLB_SUBPOOL_C } from './hugetlb_subpool_c';
import type { Pool } from './pool_ops';
import { hugetlb_acct_memory } from './pool_ops';
import type { Subpool } from './subpool';

const HUGETLBFS_FILL_SUPER = fnOf(HUGETLB_SUBPOOL_C, 'hugetlbfs_fill_super');
const HUGEPAGE_NEW_SUBPOOL = fnOf(HUGETLB_SUBPOOL_C, 'hugepage_new_subpool');

function* hugepage_new_subpool(m: Machine, p: Pool, name: string, maxHpages: number, minHpages: number): KGen<Subpool | undefined> {
  const fr = m.enter(HUGEPAGE_NEW_SUBPOOL, { max_hpages: maxHpages, min_hpages: minHpages });
  const spool: Subpool = { name, maxHpages, usedHpages: 0, minHpages, rsvHpages: 0 };
  yield fr.at('init');
  if (minHpages !== -1 && (yield* hugetlb_acct_memory(m, p, minHpages))) {
    fr.locals.spool = 'NULL';
    yield fr.at('acct_failed');
    m.leave(fr);
    return undefined;
  }
  spool.rsvHpages = minHpages;
  yield fr.at('done');
  return m.leave(fr, spool);
}

/**
 * The mount's subpool, or the errno the mount fails with. A mount without
 * size= or min_size= has no subpool in the kernel; its files behave exactly
 * as with a subpool of no limit and no minimum, which is what it gets here so
 * that `hugetlb.mount.<name>` always reads the same fields.
 */
export function* hugetlbfs_fill_super(m: Machine, p: Pool, name: string, maxHpages: number, minHpages: number): KGen<Subpool | number> {
  const fr = m.enter(HUGETLBFS_FILL_SUPER, { name, max_hpages: maxHpages, min_hpages: minHpages });
  const fail = function* (ret: number, label: string): KGen<number> {
    fr.locals.ret = ret;
    yield fr.at(label);
    return m.leave(fr, ret);
  };
  if (maxHpages !== -1 && minHpages > maxHpages) return yield* fail(-EINVAL, 'validate');
  let spool: Subpool | undefined = { name, maxHpages, usedHpages: 0, minHpages, rsvHpages: 0 };
  if (maxHpages !== -1 || minHpages !== -1) {
    spool = yield* hugepage_new_subpool(m, p, name, maxHpages, minHpages);
    if (!spool) return yield* fail(-ENOMEM, 'enomem');
    yield fr.at('new_subpool');
  }
  fr.locals.ret = 0;
  yield fr.at('done');
  return m.leave(fr, spool);
}
