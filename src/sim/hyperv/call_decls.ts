import type { CallDecls } from '../core/call_graph';

/**
 * The calls of hyperv's simulated kernel functions that their listings' step-point lines do not spell
 * (an ops pointer, a wrapper the listing folds, a callee entered before the first step point: label ''),
 * and the functions each statement enters first. stepInTargets answers from these without running
 * the statement; test/core/call_graph.test.ts checks them against the calls that happen.
 */
export const HYPERV_CALLS: CallDecls = {
  calls: {
    hv_do_hvc: { hvc: ['hv_hvc_handler'] },
    hv_do_hvc_fast_get: { hvc: ['hv_hvc_handler'] },
    hv_do_hvc_regs: { hvc: ['hv_hvc_handler'] },
    hv_get_vpreg: { call: ['hv_do_hvc_fast_get'] },
    hv_hvc_handler: { call: ['hvcall_flush', 'hvcall_get_vp_registers', 'hvcall_notify_long_spin_wait', 'hvcall_post_message', 'hvcall_retarget_interrupt', 'hvcall_send_ipi', 'hvcall_set_vp_registers', 'hvcall_signal_event', 'hvcall_start_virtual_processor'] },
    hv_set_vpreg: { call: ['hv_do_hvc'] },
    hvcall_post_message: { queue: ['synic_deliver_msg'] },
    hvcall_set_vp_registers: { rep: ['hv_synic_eom', 'stimer_set_config', 'stimer_set_count'] },
  },
  verbs: {
    ack: ['vmbus_signal_eom'],
    advance: ['stimer_expiration'],
    eom: ['hv_set_vpreg'],
    gic_eoi: ['hv_synic_send_eoi'],
    hostmsg: ['hv_host_post_message'],
    hvc: ['hv_do_hvc', 'hv_do_hypercall'],
    'hvc raw': ['hv_do_hvc', 'hv_do_hvc_regs'],
    vpreg: ['hv_get_vpreg', 'hv_set_vpreg'],
  },
};
