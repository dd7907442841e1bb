/**
 * The walkthrough's example steps, pure so the manifest test can check
 * package.json's `contributes.walkthroughs` against them: one step per
 * example in examples/, the tour first.
 */
export interface ExampleStep {
  /** Its file under examples/. */
  readonly file: string;
  readonly title: string;
}

export const EXAMPLES: readonly ExampleStep[] = [
  { file: 'tour.kstep', title: 'Take the tour' },
  { file: 'resv_map.kstep', title: 'The hugetlb reservation map' },
  { file: 'hugetlb.kstep', title: 'hugetlbfs mappings and faults' },
  { file: 'hugetlb_quota.kstep', title: 'Surplus pages, quotas and hole punches' },
  { file: 'hyperv.kstep', title: 'Hyper-V SynIC and synthetic timers' },
  { file: 'memlat.kstep', title: 'SCMI memlat: DDR votes from CPU counters' },
  { file: 'hmm.kstep', title: 'HMM and device-private memory' },
  { file: 'hmm_exclusive.kstep', title: 'Device-exclusive entries, snapshots and pins' },
  { file: 'coherent.kstep', title: 'Device-coherent memory' },
  { file: 'pagecache_dax.kstep', title: 'Page-cache files and fsdax' },
];

/** The context key kstep.openExample sets once the example was opened. */
export const exampleContextKey = (file: string): string => `kstep.walkthrough.opened.${file.replace(/\.kstep$/, '')}`;

/** The walkthrough step id of an example. */
export const exampleStepId = (file: string): string => `example.${file.replace(/\.kstep$/, '')}`;
