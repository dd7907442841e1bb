/**
 * mm/migrate_device.c's migrate_device_coherent_page: FOLL_LONGTERM moves a
 * device coherent page to system memory before pinning it. Kept apart from
 * migrate_device.ts because it allocates and copies like a driver does.
 */
import { EBUSY } from '../core/errno';
import type { KGen } from '../core/frames';
import { fnOf } from '../core/frames';
import type { Machine } from '../core/machine';
import type { Mig } from './migrate_device';
import { DST_WRITE, MIGRATE, migrate_vma_finalize, migrate_vma_pages, migrate_vma_setup, WRITE } from './migrate_device';
import { MIGRATE_DEVICE_C } from './migrate_device_c';
import type { MmModel } from './model';
import type { Task, Vma } from './task';

const MIGRATE_DEVICE_COHERENT_PAGE = fnOf(MIGRATE_DEVICE_C, 'migrate_device_coherent_page');

/** Returns 0 when the page moved, -EBUSY when it could not be unmapped (another reference holds it). */
export function* migrate_device_coherent_page(m: Machine, mm: MmModel, t: Task, vpn: number, pfn: number): KGen<number> {
  const fr = m.enter(MIGRATE_DEVICE_COHERENT_PAGE, { page: pfn });
  yield fr.at('unmap');
  const dev = mm.deviceOf(pfn);
  const vma = t.findVma(vpn) as Vma;
  const mig = (yield migrate_vma_setup(m, mm, t, vma, vpn, vpn + 1, { coherent: dev?.name })) as Mig;
  const f = mig.s[mig.flags] as number;
  if (!(f & MIGRATE)) {
    fr.locals.ret = -EBUSY;
    yield fr.at('ebusy');
    return m.leave(fr, -EBUSY);
  }
  const dpage = mm.allocSys();
  mm.copyVals(pfn, dpage);
  mig.s[mig.dst] = dpage;
  if (f & WRITE) mig.s[mig.flags] = f | DST_WRITE;
  fr.locals.dpage = dpage;
  yield fr.at('alloc');
  yield migrate_vma_pages(m, mig);
  yield fr.at('pages');
  yield migrate_vma_finalize(m, mm, t, mig);
  yield fr.at('finalize');
  return m.leave(fr, 0);
}
