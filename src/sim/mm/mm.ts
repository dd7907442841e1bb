/** include/linux/mm.h's put_page as kstep runs it. */
import type { KGen } from '../core/frames';
import { fnOf } from '../core/frames';
import type { Machine } from '../core/machine';
import { MM_H } from './mm_h';
import type { MmModel } from './model';
import { TEST_HMM_C } from './test_hmm_c';

const PUT_PAGE = fnOf(MM_H, 'put_page');
// The driver's page_free callback (lib/test_hmm.c) is entered inline here, not
// through a generator of its own in test_hmm.ts: every page migrated back from
// a device is freed through here, and a generator each would cost the hot path.
const DMIRROR_DEVMEM_FREE = fnOf(TEST_HMM_C, 'dmirror_devmem_free');

/** put_page() as a frame: shows the ZONE_DEVICE refcount-1 rule and the driver's page_free. */
export function* put_page(m: Machine, mm: MmModel, pfn: number): KGen {
  const dev = mm.deviceOf(pfn);
  if (!dev) {
    mm.putPage(pfn);
    return;
  }
  const fr = m.enter(PUT_PAGE, { page: pfn });
  const r = mm.putPage(pfn);
  fr.locals.refcount = mm.refcount.get(pfn);
  if (r !== 'page_free') yield fr.at('entry');
  else {
    yield fr.at('page_free');
    const f2 = m.enter(DMIRROR_DEVMEM_FREE, { page: pfn, device: dev.name });
    f2.locals.cfree = dev.free.length;
    yield f2.at('free');
    m.leave(f2);
  }
  m.leave(fr);
}
