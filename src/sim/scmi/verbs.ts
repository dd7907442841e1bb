import type { VerbDecl } from '../scenario/verbs';
import { E, pe, ref } from '../scenario/verbs';

/** The statements of SCMI memlat (SCENARIO.md §7). */
export const SCMI_VERBS: readonly VerbDecl[] = [
  {
    verb: 'memlat memory', args: [pe('hw_type', true)], keys: { min: E, max: E }, flags: ['no_freq_table'],
    summary: 'a memory node: reg <hw_type> (none without it), freq-table-khz <min max> (none with no_freq_table)',
  },
  {
    verb: 'memlat monitor', args: [pe('hw_type', true)], keys: { cpus: E, map: E }, required: ['cpus', 'map'], flags: ['compute'],
    summary: 'a monitor node of the last memory node with that reg (of the last memory node without one)',
  },
  { verb: 'scmi probe', args: [], sets: ['ret'], summary: 'cpucp_memlat_init' },
  { verb: 'scmi set_param', args: [ref(pe('param'), 'SCMI param')], keys: { hw: E, mon: E, val: E, algo: E, size: E }, sets: ['scmi'], summary: 'one SET_PARAM message' },
  { verb: 'scmi get_param', args: [ref(pe('param'), 'SCMI param')], keys: { hw: E, mon: E, val: E }, sets: ['scmi'], summary: 'one GET_PARAM message' },
  { verb: 'scmi message', args: [pe('msg_id')], keys: { payload: E }, sets: ['scmi'], summary: 'any message of protocol 0x80: xfer_get_init, do_xfer' },
  { verb: 'scmi start', args: [], sets: ['scmi'], summary: 'START_ACTIVITY' },
  { verb: 'scmi stop', args: [], sets: ['scmi'], summary: 'STOP_ACTIVITY' },
  { verb: 'cpu', args: [pe('cpu')], keys: { freq: E, inst: E, l2_refill: E, cycles: E }, required: ['freq'], summary: 'CPU frequency and PMU rates' },
];
