import type { KernelSource } from '../core/frames';
import type { MechanismDescriptor } from '../mechanism';
import { MM_C } from './mm_c';
import { HUGETLB_FAULT_C } from '../hugetlb/fault_c';
import { mmPicture } from './picture';
import { mmCompilers } from './statements';
import { Mm } from './subsystem';
import type { Hugetlb } from '../hugetlb/subsystem';
import { MM_VERBS } from './verbs';

/** Its kernel listings: known without building the mechanism (the debugger's sources, function breakpoints). */
export const MM_SOURCES: readonly KernelSource[] = [MM_C, HUGETLB_FAULT_C];

/** Memory, page tables, ZONE_DEVICE and HMM (SCENARIO.md §5, references 002 and 003). */
export const mmMechanism: MechanismDescriptor<Mm> = {
  id: 'mm',
  title: 'memory and HMM (SCENARIO.md §5)',
  verbs: MM_VERBS,
  scopes: [{ name: 'Memory' }],
  roots: [
    { name: 'task', scope: 'Memory', summary: 'tasks by name: VMAs, page tables (pte[addr]), rss' },
    { name: 'page', scope: 'Memory', summary: 'struct page by pfn: refcount, mapcount, zone, flags' },
    { name: 'dev', scope: 'Memory', summary: 'ZONE_DEVICE dev_pagemaps by name: type, pages, free list' },
  ],
  exceptionFilters: [
    { kind: 'fault', label: 'page fault', default: false, description: 'any page fault' },
    { kind: 'device_private', label: 'device-private fault', default: false, description: 'a CPU fault on a device-private entry' },
    { kind: 'sigbus', label: 'SIGBUS', default: false, description: 'a simulated task got SIGBUS' },
    { kind: 'sigsegv', label: 'SIGSEGV', default: false, description: 'a simulated task got SIGSEGV' },
  ],
  sources: MM_SOURCES,
  breakpointAliases: [],
  // hugetlb mappings fault through the hstate pool and the inodes' resv_maps.
  needs: ['hugetlb'],
  create(deps) {
    const subsystem = new Mm(deps.get('hugetlb') as Hugetlb | undefined);
    return { subsystem, compilers: mmCompilers(() => subsystem), picture: () => mmPicture(subsystem) };
  },
};
