import { kernelSource } from '../core/frames';

/**
 * The CPUCP firmware side. The firmware is not public: this is kstep's model
 * (SCENARIO.md §7), written as C so that stepping into it reads like code.
 */
export const MEMLAT_FW_C = kernelSource(
  'cpucp/memlat_fw.c',
  `
/*
 * cpucp/memlat_fw.c (simulated model; the CPUCP firmware is not public).
 * Handles the QCOM vendor protocol messages of algo "memlat" and, while the
 * timer runs, votes a memory frequency for every monitor each sample_ms.
 */

static int memlat_handle_msg(struct scmi_msg *msg)               //@@ memlat_handle_msg
{
	struct vendor_hdr *h = msg->payload;  /* ext_id, algo, param_id */  //@decode

	switch (msg->message_id) {       /* what every SCMI protocol answers */
	case PROTOCOL_VERSION:            return reply(0x10000);      /* 1.0 */  //@version
	case PROTOCOL_ATTRIBUTES:         return reply(0);                       //@attributes
	case PROTOCOL_MESSAGE_ATTRIBUTES: return implemented(msg->payload[0]) ? reply(0) : SCMI_ERR_ENTRY;  //@message_attributes
	case SET_PARAM ... STOP_ACTIVITY: break;
	default:                          return SCMI_ERR_SUPPORT;               //@no_message
	}
	if (msg->len < sizeof(*h))
		return SCMI_ERR_PARAMS;                                        //@short
	if (h->algo != MEMLAT_ALGO_STR)
		return SCMI_ERR_SUPPORT;                                       //@algo
	switch (msg->message_id) {
	case SET_PARAM:      status = memlat_set_param(h->param_id, h->buf); break;  //@set_param
	case GET_PARAM:      status = memlat_get_param(h->param_id, h->buf, &rx); break;  //@get_param
	case START_ACTIVITY: status = running ? SCMI_ERR_SUPPORT : start_timer(); break;  //@start
	case STOP_ACTIVITY:  status = running ? stop_timer() : SCMI_ERR_SUPPORT; break;  //@stop
	default:             status = SCMI_ERR_SUPPORT;
	}                                                              //@dispatch
	/*
	 * SET_MEM_GROUP: hw_type < MAX_MEMORY_TYPES else SCMI_ERR_PARAMS.
	 * Per-group / per-monitor params: the group must exist and
	 * mon_idx < MAX_MONITOR_CNT name a monitor, else SCMI_ERR_PARAMS.
	 * MON_FREQ_MAP: 1 <= nr_rows <= MAX_MAP_ENTRIES else SCMI_ERR_PARAMS.
	 * A buffer shorter than what its param_id reads: SCMI_ERR_PARAMS.
	 */
	shmem->msg_payload[0] = status;                                //@status
	return status;
}

static void memlat_timer_fn(void)                                //@@ memlat_timer_fn
{
	for_each_memory_group(grp) {                                   //@groups
		max_vote = 0;                                              //@group
		for_each_monitor(grp, mon)
			max_vote = max(max_vote, memlat_mon_vote(mon));
		grp->cur_khz = clamp(max_vote, grp->min_khz, grp->max_khz);  //@set_freq
	}
	mod_timer(&memlat_timer, now + sample_ms);                     //@rearm
}

static u32 memlat_mon_vote(struct memlat_mon *mon)              //@@ memlat_mon_vote
{
	u32 max_mhz = 0;
	bool counted = false;

	for_each_cpu(cpu, &mon->cpumask) {
		if (!cpu->inst)
			continue;               /* did not run this window */
		if (mon->mon_type != COMPUTE &&
		    cpu->inst / max(1, cpu->l2_refill) > mon->ipm_ceil)
			continue;               /* not memory-latency bound */
		counted = true;
		max_mhz = max(max_mhz, cpu->freq_mhz);
	}                                                              //@cpus
	if (!counted)
		return mon->vote_khz = 0;
	/* first row with cpufreq_mhz >= max_mhz, else the last row */
	row = first_row_at_or_above(mon->map, mon->nr_rows, max_mhz);
	return mon->vote_khz = row->memfreq_mhz * 1000;                //@vote
}
`,
);
