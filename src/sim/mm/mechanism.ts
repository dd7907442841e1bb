import type { Mechanism } from '../mechanism';
import { MM_C } from './mm_c';
import { mmCompilers } from './statements';
import { Mm } from './subsystem';

/** Memory, page tables, ZONE_DEVICE and HMM (SCENARIO.md §5). */
export function mmMechanism(): Mechanism & { readonly subsystem: Mm } {
  const subsystem = new Mm();
  return { subsystem, compilers: mmCompilers(() => subsystem), sources: [MM_C] };
}
