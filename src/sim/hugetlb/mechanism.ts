import type { Mechanism } from '../mechanism';
import { HUGETLB_C } from './hugetlb_c';
import { POOL_C } from './pool_c';
import { hugetlbCompilers } from './statements';
import { Hugetlb } from './subsystem';

export function hugetlbMechanism(): Mechanism & { readonly subsystem: Hugetlb } {
  const subsystem = new Hugetlb();
  return { subsystem, compilers: hugetlbCompilers(() => subsystem), sources: [HUGETLB_C, POOL_C] };
}
