import { kernelSource } from '../core/frames';

/**
 * drivers/soc/qcom/qcom_scmi_client.c as reference 001 posts it: the DT
 * parsing, the probe and the configure_* helpers, message for message.
 * Step points are where the simulator stops.
 */
export const QCOM_SCMI_CLIENT_C = kernelSource(
  'drivers/soc/qcom/qcom_scmi_client.c',
  `
/*
 * drivers/soc/qcom/qcom_scmi_client.c (simulated, reference 001).
 * The memlat client: reads the memlat DT node, then configures the CPUCP
 * firmware over the QCOM SCMI vendor protocol. Every error is logged and
 * the probe carries on ("log and continue"); scmi_client_probe ignores the
 * result. Bounds on memory[], monitor[] and map_msg.tbl[] are not checked.
 */

static int get_mask(struct device_node *np, u32 *mask)          //@@ get_mask
{
	int cpu, i = 0;
	int ret = -ENODEV;

	dev_phandle = of_parse_phandle(np, "qcom,cpulist", i++);     //@phandle
	while (dev_phandle) {
		for_each_possible_cpu(cpu) {
			cpu_dev = get_cpu_device(cpu);
			if (cpu_dev && cpu_dev->of_node == dev_phandle) {
				*mask |= BIT(cpu);
				ret = 0;                                           //@match
				break;
			}
		}
		/* a phandle that is no possible CPU's node is passed over without a word */  //@no_match
		dev_phandle = of_parse_phandle(np, "qcom,cpulist", i++);
	}

	return ret;   /* 0 if any phandle matched, else -ENODEV */   //@ret
}

static struct cpufreq_memfreq_map *init_cpufreq_memfreq_map(struct device *dev,
							    struct device_node *of_node,
							    u32 *cnt)      //@@ init_cpufreq_memfreq_map
{
	if (!of_find_property(of_node, "qcom,cpufreq-memfreq-tbl", &len))
		return NULL;
	len /= sizeof(data);                                           //@len

	if (len % 2 || len == 0)
		return NULL;      /* odd or empty: no table, and *cnt is not written */  //@odd
	nf = len / 2;

	tbl = devm_kzalloc(dev, (nf + 1) * sizeof(struct cpufreq_memfreq_map), GFP_KERNEL);
	for (i = 0, j = 0; i < nf; i++, j += 2) {
		ret = of_property_read_u32_index(of_node, "qcom,cpufreq-memfreq-tbl", j, &data);
		tbl[i].cpufreq_mhz = data / 1000;
		ret = of_property_read_u32_index(of_node, "qcom,cpufreq-memfreq-tbl", j + 1, &data);
		tbl[i].memfreq_khz = data;                                   //@row
	}
	*cnt = nf;        /* no check against MAX_MAP_ENTRIES */
	tbl[i].cpufreq_mhz = 0;
	return tbl;                                                    //@ret
}

static int process_scmi_memlat_of_node(struct scmi_device *sdev,
				       struct scmi_memlat_info *info)  //@@ process_scmi_memlat_of_node
{
	int ret = 0, i = 0, j;
	u32 memfreq[2];       /* never initialised */

	memlat_np = of_find_node_by_name(sdev->handle->dev->of_node, "memlat");
	info->memory_cnt = of_get_child_count(memlat_np);            //@count
	if (info->memory_cnt <= 0)
		pr_err("No memory nodes present\\n");                    //@no_memory

	for_each_child_of_node(memlat_np, memory_np) {
		memory = devm_kzalloc(&sdev->dev, sizeof(*memory), GFP_KERNEL);
		ret = of_property_read_u32(memory_np, "reg", &memory->hw_type);  //@memory
		if (ret) {
			pr_err("Failed to read memory type\\n");
			goto err;     /* info->memory_cnt still counts this node */  //@no_reg
		}

		memory->monitor_cnt = of_get_child_count(memory_np);
		if (memory->monitor_cnt <= 0) {
			pr_err("No monitor nodes present\\n");               //@no_monitor
			ret = -EINVAL;
			goto err;
		}

		/* no freq-table-khz: -EINVAL, let through, and memfreq[] keeps what it held */
		ret = of_property_read_u32_array(memory_np, "freq-table-khz", memfreq, 2);  //@freq_table
		if (ret && (ret != -EINVAL)) {
			pr_err("Failed to read min/max freq %d\\n", ret);
			goto err;
		}

		memory->min_freq = memfreq[0];
		memory->max_freq = memfreq[1];
		info->memory[i] = memory;     /* no check of i < MAX_MEMORY_TYPES */  //@store_memory
		j = 0;
		i++;

		for_each_child_of_node(memory_np, monitor_np) {
			monitor = devm_kzalloc(&sdev->dev, sizeof(*monitor), GFP_KERNEL);
			monitor->mon_type = of_property_read_bool(monitor_np, "qcom,compute-mon") ? 1 : 0;
			monitor->ipm_ceil = of_property_read_bool(monitor_np, "qcom,compute-mon") ? 0 : 20000000;  //@monitor

			if (get_mask(monitor_np, &monitor->mask)) {                  //@get_mask
				/* prints ret (0, or -EINVAL after a missing freq-table-khz) and returns it */
				pr_err("Failed to populate cpu mask %d\\n", ret);    //@no_mask
				goto err;
			}

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
