import { kernelSource } from '../core/frames';

/**
 * drivers/soc/qcom/qcom_scmi_client.c as reference 001 posts it: the DT
 * parsing, the probe and the configure_* helpers, message for message.
 * Step points are where the simulator stops.
 */
export const CLIENT_C = kernelSource(
  'drivers/soc/qcom/qcom_scmi_client.c',
  `
/*
 * drivers/soc/qcom/qcom_scmi_client.c (simulated, reference 001).
 * The memlat client: reads the memlat DT node, then configures the CPUCP
 * firmware over the QCOM SCMI vendor protocol. Every error is logged and
 * the probe carries on ("log and continue"); scmi_client_probe ignores the
 * result. Bounds on memory[], monitor[] and map_msg.tbl[] are not checked.
 */

static int process_scmi_memlat_of_node(struct scmi_device *sdev,
				       struct scmi_memlat_info *info)  //@@ process_scmi_memlat_of_node
{
	memlat_np = of_find_node_by_name(sdev->handle->dev->of_node, "memlat");
	info->memory_cnt = of_get_child_count(memlat_np);            //@count
	if (info->memory_cnt <= 0)
		pr_err("No memory nodes present\\n");                    //@no_memory

	for_each_child_of_node(memlat_np, memory_np) {
		memory = devm_kzalloc(&sdev->dev, sizeof(*memory), GFP_KERNEL);
		ret = of_property_read_u32(memory_np, "reg", &memory->hw_type);  //@memory
		memory->monitor_cnt = of_get_child_count(memory_np);
		if (memory->monitor_cnt <= 0) {
			pr_err("No monitor nodes present\\n");               //@no_monitor
			ret = -EINVAL;
			goto err;
		}
		ret = of_property_read_u32_array(memory_np, "freq-table-khz", memfreq, 2);
		memory->min_freq = memfreq[0];
		memory->max_freq = memfreq[1];
		info->memory[i] = memory;     /* no check of i < MAX_MEMORY_TYPES */  //@store_memory
		j = 0;
		i++;

		for_each_child_of_node(memory_np, monitor_np) {
			monitor = devm_kzalloc(&sdev->dev, sizeof(*monitor), GFP_KERNEL);
			monitor->mon_type = of_property_read_bool(monitor_np, "qcom,compute-mon") ? 1 : 0;
			monitor->ipm_ceil = of_property_read_bool(monitor_np, "qcom,compute-mon") ? 0 : 20000000;  //@monitor
			if (get_mask(monitor_np, &monitor->mask)) {
				/* prints ret (0 here) and returns 0: the caller sees success */
				pr_err("Failed to populate cpu mask %d\\n", ret);    //@no_mask
				goto err;
			}
			/* cpufreq_mhz = kHz / 1000; NULL (0 rows) if the table is missing or odd */
			monitor->freq_map = init_cpufreq_memfreq_map(&sdev->dev, monitor_np,
								     &monitor->freq_map_len);  //@freq_map
			snprintf(monitor->mon_name, MAX_NAME_LEN, "monitor-%d", j);
			monitor->mon_idx = j;
			memory->monitor[j] = monitor;  /* no check of j < MAX_MONITOR_CNT */  //@store_monitor
			j++;
		}
	}
	return 0;                                                      //@done
err:
	of_node_put(memlat_np);
	return ret;                                                    //@err
}

static int configure_cpucp_common_events(struct scmi_memlat_info *info)  //@@ configure_cpucp_common_events
{
	const struct qcom_scmi_vendor_ops *ops = info->ops;
	u8 ev_map[NUM_COMMON_EVS];
	struct ev_map_msg msg;
	int ret;

	memset(ev_map, 0xFF, NUM_COMMON_EVS);   /* never used */
	msg.num_evs = NUM_COMMON_EVS;
	msg.hw_type = INVALID_IDX;
	msg.cid[INST_IDX] = EV_INST_RETIRED;
	msg.cid[CYC_IDX] = EV_CPU_CYCLES;
	msg.cid[FE_STALL_IDX] = INVALID_IDX;
	msg.cid[BE_STALL_IDX] = INVALID_IDX;                         //@fill

	ret = ops->set_param(info->ph, &msg, MEMLAT_ALGO_STR, MEMLAT_SET_COMMON_EV_MAP,
			     sizeof(msg));                                //@send
	return ret;                                                    //@ret
}

static int configure_cpucp_grp(struct scmi_memlat_info *info, int memory_index)  //@@ configure_cpucp_grp
{
	struct scmi_memory_info *memory = info->memory[memory_index];  //@memory
	struct ev_map_msg ev_msg;
	u8 ev_map[NUM_GRP_EVS];
	struct node_msg msg;
	int ret;

	/* msg.mon_name is never written: stack contents go to the firmware */
	msg.cpumask = 0;
	msg.hw_type = memory->hw_type;
	msg.mon_type = 0;
	msg.mon_idx = 0;
	ret = ops->set_param(info->ph, &msg, MEMLAT_ALGO_STR, MEMLAT_SET_MEM_GROUP, sizeof(msg));  //@mem_group
	if (ret < 0) {
		pr_err("Failed to configure mem type %d\\n", memory->hw_type);  //@mem_group_err
		return ret;
	}

	memset(ev_map, 0xFF, NUM_GRP_EVS);      /* never used */
	ev_msg.num_evs = NUM_GRP_EVS;
	ev_msg.hw_type = memory->hw_type;
	ev_msg.cid[MISS_IDX] = EV_L2_D_RFILL;
	ev_msg.cid[WB_IDX] = INVALID_IDX;
	ev_msg.cid[ACC_IDX] = INVALID_IDX;      /* cid[3] is never written */
	ret = ops->set_param(info->ph, &ev_msg, MEMLAT_ALGO_STR, MEMLAT_SET_GRP_EV_MAP,
			     sizeof(ev_msg));                             //@ev_map
	if (ret < 0) {
		pr_err("Failed to configure event map for mem type %d\\n", memory->hw_type);  //@ev_map_err
		return ret;
	}
	return ret;                                                    //@ret
}

static int configure_cpucp_mon(struct scmi_memlat_info *info, int memory_index, int monitor_index)  //@@ configure_cpucp_mon
{
	struct scmi_memory_info *memory = info->memory[memory_index];
	struct scmi_monitor_info *monitor = memory->monitor[monitor_index];  //@monitor
	struct scalar_param_msg scalar_msg;
	struct map_param_msg map_msg;
	struct node_msg msg;

	msg.cpumask = monitor->mask;
	msg.hw_type = memory->hw_type;
	msg.mon_type = monitor->mon_type;
	msg.mon_idx = monitor->mon_idx;
	strscpy(msg.mon_name, monitor->mon_name, sizeof(msg.mon_name));
	ret = ops->set_param(info->ph, &msg, MEMLAT_ALGO_STR, MEMLAT_SET_MONITOR, sizeof(msg));  //@set_monitor
	if (ret < 0) {
		pr_err("Failed to configure monitor %s\\n", monitor->mon_name);
		return ret;                                                //@set_monitor_err
	}

	scalar_msg.hw_type = memory->hw_type;
	scalar_msg.mon_idx = monitor->mon_idx;
	scalar_msg.val = monitor->ipm_ceil;
	ret = ops->set_param(info->ph, &scalar_msg, MEMLAT_ALGO_STR, MEMLAT_IPM_CEIL,
			     sizeof(scalar_msg));                         //@ipm_ceil
	if (ret < 0) {
		pr_err("Failed to set ipm ceil for %s\\n", monitor->mon_name);
		return ret;                                                //@ipm_ceil_err
	}

	map_msg.hw_type = memory->hw_type;
	map_msg.mon_idx = monitor->mon_idx;
	map_msg.nr_rows = monitor->freq_map_len;
	for (i = 0; i < monitor->freq_map_len; i++) {  /* no check of i < MAX_MAP_ENTRIES */
		map_msg.tbl[i].v1 = monitor->freq_map[i].cpufreq_mhz;        /* u16 */
		map_msg.tbl[i].v2 = monitor->freq_map[i].memfreq_khz / 1000;  /* u16 */
	}                                                              //@fill_map
	ret = ops->set_param(info->ph, &map_msg, MEMLAT_ALGO_STR, MEMLAT_MON_FREQ_MAP,
			     sizeof(map_msg));                            //@freq_map
	if (ret < 0) {
		pr_err("Failed to configure freq_map for %s\\n", monitor->mon_name);
		return ret;                                                //@freq_map_err
	}

	scalar_msg.val = memory->min_freq;
	ret = ops->set_param(info->ph, &scalar_msg, MEMLAT_ALGO_STR, MEMLAT_SET_MIN_FREQ,
			     sizeof(scalar_msg));                         //@min_freq
	if (ret < 0) {
		pr_err("Failed to set min_freq for %s\\n", monitor->mon_name);
		return ret;                                                //@min_freq_err
	}

	scalar_msg.val = memory->max_freq;
	ret = ops->set_param(info->ph, &scalar_msg, MEMLAT_ALGO_STR, MEMLAT_SET_MAX_FREQ,
			     sizeof(scalar_msg));                         //@max_freq
	if (ret < 0)
		pr_err("Failed to set max_freq for %s\\n", monitor->mon_name);  //@max_freq_err

	return ret;                                                    //@ret
}

static int cpucp_memlat_init(struct scmi_device *sdev)        //@@ cpucp_memlat_init
{
	u32 cpucp_sample_ms = 8;

	ops = handle->devm_protocol_get(sdev, QCOM_SCMI_VENDOR_PROTOCOL, &ph);
	info = devm_kzalloc(&sdev->dev, sizeof(*info), GFP_KERNEL);   //@alloc

	ret = process_scmi_memlat_of_node(sdev, info);               //@of_node
	if (ret)
		/* sic: the message names the wrong step */
		pr_err("Failed to configure common events: %d\\n", ret);   //@of_node_err

	info->ph = ph;
	info->ops = ops;

	ret = configure_cpucp_common_events(info);                    //@common_events
	if (ret < 0)
		pr_err("Failed to configure common events: %d\\n", ret);   //@common_events_err

	for (i = 0; i < info->memory_cnt; i++) {
		ret = configure_cpucp_grp(info, i);                        //@grp
		if (ret < 0)
			pr_err("Failed to configure mem group: %d\\n", ret);    //@grp_err

		for (j = 0; j < info->memory[i]->monitor_cnt; j++) {
			/* Configure per monitor parameters */
			ret = configure_cpucp_mon(info, i, j);                   //@mon
			if (ret < 0)
				pr_err("Failed to configure monitor: %d\\n", ret);    //@mon_err
		}
	}

	ret = ops->set_param(ph, &cpucp_sample_ms, MEMLAT_ALGO_STR, MEMLAT_SAMPLE_MS,
			     sizeof(cpucp_sample_ms));                    //@sample_ms
	if (ret < 0)
		pr_err("Failed to set cpucp sample_ms ret = %d\\n", ret);  //@sample_ms_err

	/* Start sampling and voting timer */
	ret = ops->start_activity(ph, NULL, MEMLAT_ALGO_STR, MEMLAT_START_TIMER, 0);  //@start
	if (ret < 0)
		pr_err("Error in starting the mem group timer %d\\n", ret);  //@start_err

	dev_set_drvdata(&sdev->dev, info);
	return ret;              /* scmi_client_probe() ignores it */  //@ret
}
`,
);

/**
 * The vendor protocol ops the client calls (drivers/firmware/arm_scmi/
 * qcom_scmi_vendor.c of the same series): each builds one SCMI message in the
 * shared-memory channel and waits for the firmware's answer.
 */
export const VENDOR_C = kernelSource(
  'drivers/firmware/arm_scmi/qcom_scmi_vendor.c',
  `
/*
 * drivers/firmware/arm_scmi/qcom_scmi_vendor.c (simulated).
 * QCOM_SCMI_VENDOR_PROTOCOL 0x80. Every message: SCMI header
 * (message_id 0-7, type 8-9, protocol_id 10-17, token 18-27), then
 * {le32 ext_id; le32 algo_low; le32 algo_high; le32 param_id; buf}.
 */

/* ops->set_param */
static int qcom_scmi_set_param(const struct scmi_protocol_handle *ph, void *buf, u64 algo_str, u32 param_id, size_t tx_size)  //@@ set_param
{
	ret = ph->xops->xfer_get_init(ph, QCOM_SCMI_SET_PARAM, tx_size + PROTOCOL_PAYLOAD_SIZE,
				      SCMI_MAX_GET_DATA_SIZE, &t);     //@init
	msg = t->tx.buf;
	*msg++ = cpu_to_le32(EXTENDED_MSG_ID);
	*msg++ = cpu_to_le32(lower_32_bits(algo_str));
	*msg++ = cpu_to_le32(upper_32_bits(algo_str));
	*msg++ = cpu_to_le32(param_id);
	memcpy(msg, buf, tx_size);
	/* shmem_tx_prepare: channel busy, length, header, payload */  //@tx

	ret = ph->xops->do_xfer(ph, t);  /* firmware status -> errno */  //@do_xfer
	ph->xops->xfer_put(ph, t);
	return ret;                                                    //@ret
}

/* ops->get_param */
static int qcom_scmi_get_param(const struct scmi_protocol_handle *ph, void *buf, u64 algo_str, u32 param_id, size_t tx_size, size_t rx_size)  //@@ get_param
{
	ret = ph->xops->xfer_get_init(ph, QCOM_SCMI_GET_PARAM, tx_size + PROTOCOL_PAYLOAD_SIZE,
				      SCMI_MAX_GET_DATA_SIZE, &t);     //@init
	msg = t->tx.buf;
	*msg++ = cpu_to_le32(EXTENDED_MSG_ID);
	*msg++ = cpu_to_le32(lower_32_bits(algo_str));
	*msg++ = cpu_to_le32(upper_32_bits(algo_str));
	*msg++ = cpu_to_le32(param_id);
	memcpy(msg, buf, tx_size);
	/* shmem_tx_prepare: channel busy, length, header, payload */  //@tx

	ret = ph->xops->do_xfer(ph, t);  /* firmware status -> errno */  //@do_xfer
	if (!ret)
		memcpy(buf, t->rx.buf, t->rx.len);                      //@rx
	ph->xops->xfer_put(ph, t);
	return ret;                                                    //@ret
}

/* ops->start_activity */
static int qcom_scmi_start_activity(const struct scmi_protocol_handle *ph, void *buf, u64 algo_str, u32 param_id, size_t tx_size)  //@@ start_activity
{
	ret = ph->xops->xfer_get_init(ph, QCOM_SCMI_START_ACTIVITY, tx_size + PROTOCOL_PAYLOAD_SIZE,
				      SCMI_MAX_GET_DATA_SIZE, &t);     //@init
	msg = t->tx.buf;
	*msg++ = cpu_to_le32(EXTENDED_MSG_ID);
	*msg++ = cpu_to_le32(lower_32_bits(algo_str));
	*msg++ = cpu_to_le32(upper_32_bits(algo_str));
	*msg++ = cpu_to_le32(param_id);
	memcpy(msg, buf, tx_size);
	/* shmem_tx_prepare: channel busy, length, header, payload */  //@tx

	ret = ph->xops->do_xfer(ph, t);  /* firmware status -> errno */  //@do_xfer
	ph->xops->xfer_put(ph, t);
	return ret;                                                    //@ret
}

/* ops->stop_activity */
static int qcom_scmi_stop_activity(const struct scmi_protocol_handle *ph, void *buf, u64 algo_str, u32 param_id, size_t tx_size)  //@@ stop_activity
{
	ret = ph->xops->xfer_get_init(ph, QCOM_SCMI_STOP_ACTIVITY, tx_size + PROTOCOL_PAYLOAD_SIZE,
				      SCMI_MAX_GET_DATA_SIZE, &t);     //@init
	msg = t->tx.buf;
	*msg++ = cpu_to_le32(EXTENDED_MSG_ID);
	*msg++ = cpu_to_le32(lower_32_bits(algo_str));
	*msg++ = cpu_to_le32(upper_32_bits(algo_str));
	*msg++ = cpu_to_le32(param_id);
	memcpy(msg, buf, tx_size);
	/* shmem_tx_prepare: channel busy, length, header, payload */  //@tx

	ret = ph->xops->do_xfer(ph, t);  /* firmware status -> errno */  //@do_xfer
	ph->xops->xfer_put(ph, t);
	return ret;                                                    //@ret
}
`,
);

/**
 * The CPUCP firmware side. The firmware is not public: this is kstep's model
 * (SCENARIO.md §7), written as C so that stepping into it reads like code.
 */
export const FIRMWARE_C = kernelSource(
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

	if (h->algo != MEMLAT_ALGO_STR)
		return SCMI_ERR_SUPPORT;
	switch (msg->message_id) {
	case SET_PARAM:      status = memlat_set_param(h->param_id, h->buf); break;
	case GET_PARAM:      status = memlat_get_param(h->param_id, h->buf, &rx); break;
	case START_ACTIVITY: status = running ? SCMI_ERR_SUPPORT : start_timer(); break;
	case STOP_ACTIVITY:  status = running ? stop_timer() : SCMI_ERR_SUPPORT; break;
	default:             status = SCMI_ERR_SUPPORT;
	}                                                              //@dispatch
	/*
	 * SET_MEM_GROUP: hw_type < MAX_MEMORY_TYPES else SCMI_ERR_PARAMS.
	 * Per-group / per-monitor params: the group must exist and
	 * mon_idx < MAX_MONITOR_CNT name a monitor, else SCMI_ERR_PARAMS.
	 * MON_FREQ_MAP: 1 <= nr_rows <= MAX_MAP_ENTRIES else SCMI_ERR_PARAMS.
	 */
	shmem->msg_payload[0] = status;                                //@status
	return status;
}

static void memlat_timer_fn(void)                                //@@ memlat_timer_fn
{
	for_each_memory_group(grp) {                                   //@groups
		max_vote = 0;
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
