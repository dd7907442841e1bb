/** The mm/ksm.c function kstep runs: the `ksm` statement asks it for a page it could merge. */
import type { KGen } from '../core/frames';
import { fnOf } from '../core/frames';
import type { Machine } from '../core/machine';
import { FOLL_GET, FOLL_LRU, follow_page } from './gup';
import { KSM_C } from './ksm_c';
import type { MmModel } from './model';
import { PG_ANON, vpnHex as hex } from './page';
import { PTE_PRESENT, pteKind } from './pte';
import type { Task } from './task';

const GET_MERGEABLE_PAGE = fnOf(KSM_C, 'get_mergeable_page');

export function* get_mergeable_page(m: Machine, mm: MmModel, t: Task, vpn: number): KGen<{ page: number; skipped: number }> {
  const fr = m.enter(GET_MERGEABLE_PAGE, { addr: hex(vpn) });
  yield fr.at('vma');
  const vma = t.findVma(vpn);
  if (!vma) {
    yield fr.at('out');
    return m.leave(fr, { page: 0, skipped: 0 });
  }
  const page = (yield follow_page(m, mm, t, vpn, FOLL_LRU | FOLL_GET)) as number;
  yield fr.at('follow');
  const present = pteKind(t.pt.get(vpn)) === PTE_PRESENT;
  const ok = page !== 0 && (mm.flags.get(page) & PG_ANON) !== 0;
  fr.locals.page = ok ? page : 'NULL';
  yield fr.at('out');
  return m.leave(fr, { page: ok ? page : 0, skipped: present && page === 0 ? 1 : 0 });
}
