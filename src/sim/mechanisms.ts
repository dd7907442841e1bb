import { hugetlbMechanism } from './hugetlb/mechanism';
import { hypervMechanism } from './hyperv/mechanism';
import type { MechanismDescriptor } from './mechanism';
import { mmMechanism } from './mm/mechanism';
import { scmiMechanism } from './scmi/mechanism';

/**
 * Every simulated mechanism, in the order their state appears. Adding a
 * mechanism is a folder with its descriptor and one line here.
 */
export const MECHANISMS: readonly MechanismDescriptor[] = [
  hugetlbMechanism,
  mmMechanism,
  scmiMechanism,
  hypervMechanism,
];
