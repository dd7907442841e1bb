import type { VerbDecl } from '../scenario/verbs';
import { E, pe, ref, w } from '../scenario/verbs';

const VP = { vp: E };

/** The statements of Hyper-V on ARM64 (SCENARIO.md §4). */
export const HYPERV_VERBS: readonly VerbDecl[] = [
  { verb: 'partition', args: [], keys: { vps: E }, required: ['vps'], summary: 'create the partition' },
  { verb: 'vpreg', args: [ref(pe('register', true), 'register')], keys: VP, assign: true, sets: ['hvc', 'value'], summary: 'hv_set_vpreg / hv_get_vpreg' },
  {
    verb: 'hvc', args: [ref(pe('call'), 'hypercall')],
    keys: {
      vp: E, rep: E, rep_start: E, names: E, values: E, partition: E, target_vp: E, connection: E, type: E,
      payload: E, flag: E, vector: E, targets: E, address_space: E, flags: E, varhead: E,
    },
    flags: ['fast'], sets: ['hvc'], summary: 'issue a hypercall',
  },
  {
    verb: 'hvc raw', args: [], keys: { control: E, input: E, output: E, vp: E, regs: E }, required: ['control'], sets: ['hvc'],
    summary: 'issue a raw hypercall control word (regs=: X2..X17 word by word)',
  },
  { verb: 'gpa write', args: [pe('addr'), pe('values')], summary: 'write u64s to guest physical memory' },
  { verb: 'gpa read', args: [pe('addr'), pe('len')], sets: ['bytes'], summary: 'read guest physical memory' },
  {
    verb: 'port', args: [pe('connection_id')], keys: { vp: E, sint: E, kind: w('message', 'event'), flag: E, flag_count: E }, required: ['vp', 'sint'],
    summary: 'a hypervisor-side connection; an event port owns flag_count flags from its base flag',
  },
  { verb: 'hostmsg', args: [], keys: { vp: E, sint: E, type: E, payload: E }, required: ['sint', 'type'], summary: 'a message from the host side' },
  { verb: 'ack', args: [], keys: { vp: E, sint: E }, required: ['sint'], summary: 'vmbus_signal_eom: free the slot, EOM if msg_pending' },
  { verb: 'eom', args: [], keys: VP, summary: 'write HV_REGISTER_EOM' },
  {
    verb: 'gic_eoi', args: [], keys: { vp: E, vector: E }, required: ['vector'],
    summary: "the guest's end of interrupt at the interrupt controller (kvm_hv_synic_send_eoi): the SINTs on that vector retry what waits",
  },
];
