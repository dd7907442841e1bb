import type { CallDecls } from '../core/call_graph';

/**
 * The calls of scmi's simulated kernel functions that their listings' step-point lines do not spell
 * (an ops pointer, a wrapper the listing folds, a callee entered before the first step point: label ''),
 * and the functions each statement enters first. stepInTargets answers from these without running
 * the statement; test/core/call_graph.test.ts checks them against the calls that happen.
 */
export const SCMI_CALLS: CallDecls = {
  calls: {
    configure_cpucp_common_events: { send: ['set_param'] },
    configure_cpucp_grp: { mem_group: ['set_param'], ev_map: ['set_param'] },
    configure_cpucp_mon: { set_monitor: ['set_param'], ipm_ceil: ['set_param'], freq_map: ['set_param'], min_freq: ['set_param'], max_freq: ['set_param'] },
    cpucp_memlat_init: { sample_ms: ['set_param'], start: ['start_activity'] },
    do_xfer: { wait: ['memlat_handle_msg'] },
    get_param: { init: ['xfer_get_init'], do_xfer: ['do_xfer'] },
    memlat_timer_fn: { groups: ['memlat_mon_vote'], group: ['memlat_mon_vote'] },
    process_scmi_memlat_of_node: { freq_map: ['init_cpufreq_memfreq_map'] },
    set_param: { init: ['xfer_get_init'], do_xfer: ['do_xfer'] },
    start_activity: { init: ['xfer_get_init'], do_xfer: ['do_xfer'] },
    stop_activity: { init: ['xfer_get_init'], do_xfer: ['do_xfer'] },
  },
  verbs: {
    advance: ['memlat_timer_fn'],
    'scmi get_param': ['get_param'],
    'scmi message': ['do_xfer', 'xfer_get_init'],
    'scmi probe': ['cpucp_memlat_init', 'memlat_handle_msg'],
    'scmi set_param': ['set_param'],
    'scmi start': ['start_activity'],
    'scmi stop': ['stop_activity'],
  },
};
