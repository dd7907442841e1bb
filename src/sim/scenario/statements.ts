/**
 * The statement table: the syntax of every statement SCENARIO.md defines,
 * whether or not its mechanism is simulated yet, so any scenario parses and
 * the editor can complete and check it.
 */

export type Section = 'general' | 'hyperv' | 'mm' | 'hugetlb' | 'scmi';

export interface PosSpec {
  readonly name: string;
  /** `name`: a bare identifier taken literally; `expr`: a value; `word`: one of `words`. */
  readonly kind: 'name' | 'expr' | 'word';
  readonly words?: readonly string[];
  readonly optional?: boolean;
}

export interface KeySpec {
  readonly kind: 'name' | 'expr' | 'word';
  readonly words?: readonly string[];
}

export interface VerbSpec {
  /** `verb` or `verb sub`. */
  readonly verb: string;
  readonly section: Section;
  readonly args: readonly PosSpec[];
  readonly keys?: Readonly<Record<string, KeySpec>>;
  readonly required?: readonly string[];
  readonly flags?: readonly string[];
  /** `vpreg REG = value`. */
  readonly assign?: boolean;
  /** `expect` takes one expression, `print` a comma-separated list. */
  readonly rest?: 'expr' | 'exprs';
  /** The line ends with `{` and opens a block. */
  readonly block?: boolean;
  /** What the statement sets in `last`. */
  readonly sets?: readonly string[];
  readonly summary: string;
}

const E: KeySpec = { kind: 'expr' };
const N: KeySpec = { kind: 'name' };
const w = (...words: string[]): KeySpec => ({ kind: 'word', words });
const pe = (name: string, optional = false): PosSpec => ({ name, kind: 'expr', optional });
const pn = (name: string, optional = false): PosSpec => ({ name, kind: 'name', optional });
const pw = (name: string, words: string[], optional = false): PosSpec => ({ name, kind: 'word', words, optional });

const VP = { vp: E };

export const VERBS: readonly VerbSpec[] = [
  // §3 general
  { verb: 'expect', section: 'general', args: [], rest: 'expr', summary: 'fail when the expression is false' },
  { verb: 'print', section: 'general', args: [], rest: 'exprs', summary: 'print values' },
  { verb: 'advance', section: 'general', args: [pe('duration')], summary: 'move simulated time forward, firing due events in order' },
  { verb: 'repeat', section: 'general', args: [pe('count')], block: true, summary: 'run the block n times' },
  { verb: 'proc', section: 'general', args: [pn('name')], block: true, summary: 'define a named block' },
  { verb: 'call', section: 'general', args: [pn('name')], summary: 'run a named block as a stack frame' },

  // §4 Hyper-V
  { verb: 'partition', section: 'hyperv', args: [], keys: { vps: E }, required: ['vps'], summary: 'create the partition' },
  { verb: 'vpreg', section: 'hyperv', args: [pe('register', true)], keys: VP, assign: true, sets: ['hvc', 'value'], summary: 'hv_set_vpreg / hv_get_vpreg' },
  {
    verb: 'hvc', section: 'hyperv', args: [pe('call')],
    keys: {
      vp: E, rep: E, rep_start: E, names: E, values: E, partition: E, target_vp: E, connection: E, type: E,
      payload: E, flag: E, vector: E, targets: E, address_space: E, flags: E,
    },
    flags: ['fast'], sets: ['hvc'], summary: 'issue a hypercall',
  },
  { verb: 'hvc raw', section: 'hyperv', args: [], keys: { control: E, input: E, output: E, vp: E }, required: ['control'], sets: ['hvc'], summary: 'issue a raw hypercall control word' },
  { verb: 'gpa write', section: 'hyperv', args: [pe('addr'), pe('values')], summary: 'write u64s to guest physical memory' },
  { verb: 'gpa read', section: 'hyperv', args: [pe('addr'), pe('len')], sets: ['bytes'], summary: 'read guest physical memory' },
  { verb: 'port', section: 'hyperv', args: [pe('connection_id')], keys: { vp: E, sint: E, kind: w('message', 'event'), flag: E }, required: ['vp', 'sint'], summary: 'a hypervisor-side connection' },
  { verb: 'hostmsg', section: 'hyperv', args: [], keys: { vp: E, sint: E, type: E, payload: E }, required: ['sint', 'type'], summary: 'a message from the host side' },
  { verb: 'ack', section: 'hyperv', args: [], keys: { vp: E, sint: E }, required: ['sint'], summary: 'vmbus_signal_eom: free the slot, EOM if msg_pending' },
  { verb: 'eom', section: 'hyperv', args: [], keys: VP, summary: 'write HV_REGISTER_EOM' },

  // §5 memory
  { verb: 'device', section: 'mm', args: [pn('name')], keys: { type: w('private', 'coherent', 'host'), pages: E, fail: w('on', 'off') }, summary: 'a dev_pagemap of ZONE_DEVICE pages' },
  { verb: 'task', section: 'mm', args: [pn('name')], summary: 'create / switch the current task' },
  {
    verb: 'mmap', section: 'mm', args: [pe('addr'), pe('len')],
    keys: { prot: w('none', 'r', 'rw', 'rwx'), file: N, hugetlb: N }, flags: ['private', 'shared', 'anon'], sets: ['ret'], summary: 'a new VMA (hugetlb=<file>: a hugetlbfs mapping, reserved at mmap)',
  },
  { verb: 'read', section: 'mm', args: [pe('addr')], sets: ['fault', 'faults', 'signal', 'value'], summary: 'CPU load of a u64' },
  { verb: 'write', section: 'mm', args: [pe('addr'), pe('value', true)], sets: ['fault', 'faults', 'signal', 'value'], summary: 'CPU store of a u64' },
  { verb: 'migrate', section: 'mm', args: [pe('addr'), pe('len')], keys: { to: N }, required: ['to'], sets: ['migrated', 'ret'], summary: 'migrate_vma to a device or back' },
  { verb: 'device_access', section: 'mm', args: [pn('device'), pw('access', ['read', 'write']), pe('addr')], summary: 'the device touches memory through its mirror' },
  { verb: 'fork', section: 'mm', args: [pw('as', ['as'], true), pn('name', true)], summary: 'copy the address space' },
  { verb: 'exit', section: 'mm', args: [pn('name', true)], summary: 'tear down an address space' },
  { verb: 'mprotect', section: 'mm', args: [pe('addr'), pe('len'), pw('prot', ['none', 'r', 'rw', 'rwx'])], summary: 'change protection' },
  { verb: 'munmap', section: 'mm', args: [pe('addr'), pe('len')], summary: 'unmap' },
  { verb: 'follow_page', section: 'mm', args: [pe('addr')], keys: { flags: E }, sets: ['page'], summary: 'follow_page with FOLL_ flags' },
  { verb: 'khugepaged', section: 'mm', args: [pe('addr')], sets: ['result'], summary: 'khugepaged_scan_pmd over the 2 MiB range' },
  { verb: 'ksm', section: 'mm', args: [pe('addr')], sets: ['skipped'], summary: 'KSM scan of one address' },
  { verb: 'madvise', section: 'mm', args: [pe('addr'), pe('len'), pw('advice', ['MADV_COLD', 'MADV_PAGEOUT', 'MADV_FREE'])], sets: ['skipped'], summary: 'madvise' },
  { verb: 'mlock', section: 'mm', args: [pe('addr'), pe('len')], sets: ['skipped'], summary: 'mlock' },
  { verb: 'numa_stats', section: 'mm', args: [pe('addr'), pe('len')], sets: ['skipped'], summary: 'NUMA statistics walk' },

  // §6 hugetlb
  { verb: 'hugetlb pool', section: 'hugetlb', args: [], keys: { pages: E, size: E }, required: ['pages'], summary: "the hstate's pool" },
  { verb: 'hugetlb file', section: 'hugetlb', args: [pn('name')], summary: 'a hugetlbfs inode with its own resv_map' },
  { verb: 'hugetlb truncate', section: 'hugetlb', args: [pn('file'), pe('size', true)], sets: ['ret'], summary: 'ftruncate of a hugetlbfs file: unmap and free the pages past size (default 0), give back unused reservations' },
  { verb: 'hugetlb reserve', section: 'hugetlb', args: [pn('file'), pe('from'), pe('to')], flags: ['private'], sets: ['ret'], summary: 'hugetlb_reserve_pages' },
  { verb: 'region_chg', section: 'hugetlb', args: [pn('file'), pe('f'), pe('t')], sets: ['ret', 'regions_needed'], summary: 'count pages to add, reserve cache entries' },
  { verb: 'region_add', section: 'hugetlb', args: [pn('file'), pe('f'), pe('t')], keys: { regions_needed: E }, sets: ['ret'], summary: 'add [f, t) to the reservation map' },
  { verb: 'region_abort', section: 'hugetlb', args: [pn('file'), pe('f'), pe('t')], keys: { regions_needed: E }, summary: 'abandon a region_chg' },
  { verb: 'region_del', section: 'hugetlb', args: [pn('file'), pe('f'), pe('t')], sets: ['ret'], summary: 'delete [f, t) from the map' },
  { verb: 'region_count', section: 'hugetlb', args: [pn('file'), pe('f'), pe('t')], sets: ['ret'], summary: 'count reserved pages in [f, t)' },
  { verb: 'inject enomem', section: 'hugetlb', args: [], keys: { count: E }, summary: 'the next n file_region allocations fail' },

  // §7 SCMI memlat
  { verb: 'memlat memory', section: 'scmi', args: [pe('hw_type')], keys: { min: E, max: E }, required: ['min', 'max'], summary: 'a memory node' },
  { verb: 'memlat monitor', section: 'scmi', args: [pe('hw_type')], keys: { cpus: E, map: E }, required: ['cpus', 'map'], flags: ['compute'], summary: 'a monitor node' },
  { verb: 'scmi probe', section: 'scmi', args: [], summary: 'cpucp_memlat_init' },
  { verb: 'scmi set_param', section: 'scmi', args: [pe('param')], keys: { hw: E, mon: E, val: E }, sets: ['scmi'], summary: 'one SET_PARAM message' },
  { verb: 'scmi get_param', section: 'scmi', args: [pe('param')], keys: { hw: E, mon: E, val: E }, sets: ['scmi'], summary: 'one GET_PARAM message' },
  { verb: 'scmi start', section: 'scmi', args: [], sets: ['scmi'], summary: 'START_ACTIVITY' },
  { verb: 'scmi stop', section: 'scmi', args: [], sets: ['scmi'], summary: 'STOP_ACTIVITY' },
  { verb: 'cpu', section: 'scmi', args: [pe('cpu')], keys: { freq: E, inst: E, l2_refill: E, cycles: E }, required: ['freq'], summary: 'CPU frequency and PMU rates' },
];

export const VERB_TABLE: ReadonlyMap<string, VerbSpec> = new Map(VERBS.map((v) => [v.verb, v]));

/** Verbs whose second word is a sub-verb. `hvc` takes `raw` as a sub-verb only when it is written. */
export const SUBVERBS: ReadonlyMap<string, readonly string[]> = (() => {
  const m = new Map<string, string[]>();
  for (const v of VERBS) {
    const [head, sub] = v.verb.split(' ');
    if (sub && head) m.set(head, [...(m.get(head) ?? []), sub]);
  }
  return m;
})();

/** Words that begin a statement, for completion. */
export const STATEMENT_WORDS: readonly string[] = [...new Set(VERBS.map((v) => v.verb.split(' ')[0] as string))].sort();
