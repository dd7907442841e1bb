import type { KGen } from '../core/frames';
import { fnOf } from '../core/frames';
import type { Machine } from '../core/machine';
import { MEMORY_BEFORE_003_C } from './memory_before_003_c';
import type { MmModel } from './model';
import { ZERO_PFN } from './page';
import { ptePfn } from './pte';
import { pte_devmap } from './pte_devmap';

const VM_NORMAL_PAGE = fnOf(MEMORY_BEFORE_003_C, 'vm_normal_page');

/**
 * vm_normal_page of the kernel before reference 003 (`kernel before=003`):
 * what every caller gets, whether it puts the page on an LRU list or not.
 * A devmap PTE is excused (NULL, no print_bad_pte); a device-coherent page
 * comes back as a normal page. Returns the pfn or 0.
 */
export function* vm_normal_page_before_003(m: Machine, mm: MmModel, pte: number): KGen<number> {
  const fr = m.enter(VM_NORMAL_PAGE, { pte });
  const pfn = ptePfn(pte);
  if (pfn === ZERO_PFN) {
    yield fr.at('zero');
    return m.leave(fr, 0);
  }
  if (pte_devmap(mm, pte)) {
    yield fr.at('devmap');
    return m.leave(fr, 0);
  }
  yield fr.at('out');
  return m.leave(fr, pfn);
}
