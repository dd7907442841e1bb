import { kernelSource } from '../core/frames';

/**
 * The hypervisor side, simulated: the HVC handler that decodes the control
 * word and the hypercall handlers, with SynIC and synthetic timers modelled
 * on KVM's arch/x86/kvm/hyperv.c (kvm_hv_hypercall, synic_set_msr,
 * synic_deliver_msg, stimer_set_config/count, stimer_start, stimer_expiration).
 */
export const HV_HYPERCALL_C = kernelSource(
  'hypervisor/hv_hypercall.c',
  `
/*
 * hypervisor/hv_hypercall.c (simulated Hyper-V, TLFS semantics; the SynIC
 * and stimer paths follow KVM's arch/x86/kvm/hyperv.c).
 */
static u64 hv_hvc_handler(struct hv_vp *vp, u64 control, u64 *x /* x2..x17 */) //@@ hv_hvc_handler
{
	struct hv_hypercall hc = {
		.code      = control & 0xffff,            /* bits 0-15 */
		.fast      = (control >> 16) & 1,         /* bit 16 */
		.var_cnt   = (control >> 17) & 0x3ff,     /* bits 17-26: variable header, in qwords */
		.rep_cnt   = (control >> 32) & 0xfff,     /* bits 32-43 */
		.rep_idx   = (control >> 48) & 0xfff,     /* bits 48-59 */
		.ingpa     = x[0], .outgpa = x[1],
	};                                                          //@decode
	u16 ret;

	if (control & HV_HYPERCALL_RSVD_MASK)                      //@check_reserved
		return HV_STATUS_INVALID_HYPERCALL_INPUT;           //@reserved

	hc.def = hv_hypercall_lookup(hc.code);                      //@check_lookup
	if (!hc.def)
		return HV_STATUS_INVALID_HYPERCALL_CODE;            //@lookup

	/*
	 * ARM64: a non-zero GUEST_OSID must be written before hypercalls can
	 * be invoked, except HvCallGetVpRegisters / HvCallSetVpRegisters on
	 * their early register lists. The TLFS names no status for the
	 * refusal; this hypervisor answers HV_STATUS_ACCESS_DENIED.
	 */
	if (!partition->guest_os_id && hc.code != HVCALL_GET_VP_REGISTERS &&   //@check_osid
	    hc.code != HVCALL_SET_VP_REGISTERS)
		return HV_STATUS_ACCESS_DENIED;                     //@osid

	if (hc.def->rep ? (!hc.rep_cnt || hc.rep_idx >= hc.rep_cnt)  //@check_rep
			: (hc.rep_cnt || hc.rep_idx))
		return HV_STATUS_INVALID_HYPERCALL_INPUT;           //@rep

	/* only calls documented to take a variable header may have one */
	if (hc.var_cnt && !hc.def->var_header)                      //@check_varhead
		return HV_STATUS_INVALID_HYPERCALL_INPUT;           //@varhead

	/* input: fixed header + 8 * var_cnt + the rep elements */
	if (hc.fast) {
		if (hv_input_size(&hc) > 16 * sizeof(u64))          //@check_fast
			return HV_STATUS_INVALID_HYPERCALL_INPUT;   //@fast
	} else {
		/* a call without output ignores outgpa */
		if ((hc.ingpa & 7) ||                               //@check_align
		    (hv_output_size(&hc) && (hc.outgpa & 7)) ||
		    crosses_page(hc.ingpa, hv_input_size(&hc)) ||
		    crosses_page(hc.outgpa, hv_output_size(&hc)))
			return HV_STATUS_INVALID_ALIGNMENT;         //@align
	}

	ret = hc.def->handler(vp, &hc);                             //@call

	return ret | ((u64)hc.rep_done << 32);                      //@result
}

static u16 hvcall_get_vp_registers(struct hv_vp *vp, struct hv_hypercall *hc) //@@ hvcall_get_vp_registers
{
	struct hv_get_vp_register_input *in = hc->input;
	struct hv_vp *target;

	if (in->partitionid != HV_PARTITION_ID_SELF)
		return HV_STATUS_INVALID_PARTITION_ID;              //@partition
	target = in->vpindex == HV_VP_INDEX_SELF ? vp : hv_vp(in->vpindex);
	if (!target)
		return HV_STATUS_INVALID_VP_INDEX;                  //@vp

	for (i = hc->rep_idx; i < hc->rep_cnt; i++) {
		const struct hv_reg *r = hv_reg_lookup((&in->name0)[i]);
		if (!r)
			return HV_STATUS_INVALID_PARAMETER;         //@unknown
		/* GUEST_OSID, version, feature, limits, TIME_REFCOUNT,
		 * SYNTHETIC_VBAR/ESR_EL1 and the crash registers */
		if (!partition->guest_os_id && !r->early_get)
			return HV_STATUS_ACCESS_DENIED;             //@early
		hc->output[i] = r->get(target);                     //@rep
		hc->rep_done = i + 1;
	}
	return HV_STATUS_SUCCESS;                                   //@done
}

static u16 hvcall_set_vp_registers(struct hv_vp *vp, struct hv_hypercall *hc) //@@ hvcall_set_vp_registers
{
	struct hv_set_vp_registers_input *in = hc->input;
	struct hv_vp *target;

	if (in->partitionid != HV_PARTITION_ID_SELF)
		return HV_STATUS_INVALID_PARTITION_ID;              //@partition
	target = in->vpindex == HV_VP_INDEX_SELF ? vp : hv_vp(in->vpindex);
	if (!target)
		return HV_STATUS_INVALID_VP_INDEX;                  //@vp

	for (i = hc->rep_idx; i < hc->rep_cnt; i++) {
		struct hv_register_assoc *a = &in->element[i];
		const struct hv_reg *r = hv_reg_lookup(a->name);
		if (!r || r->read_only)
			return HV_STATUS_INVALID_PARAMETER;         //@invalid
		/* GUEST_OSID, SYNTHETIC_VBAR_EL1 and the crash registers */
		if (!partition->guest_os_id && !r->early_set)
			return HV_STATUS_ACCESS_DENIED;             //@early
		/*
		 * SINTn: vector < 16 unmasked is invalid. SIMP/SIEFP with the
		 * enable bit: the page is cleared (kvm_clear_guest). SCONTROL,
		 * SIMP and EOM rescan the message queues. STIMERn_CONFIG/COUNT:
		 * stimer_set_config / stimer_set_count. CRASH_CTL with
		 * CRASH_NOTIFY: the partition crashed. REFERENCE_TSC with bit 0:
		 * the TSC page is published.
		 */
		ret = r->set(target, a->value.low);                 //@rep
		if (ret)
			return ret;                                 //@fail
		hc->rep_done = i + 1;
	}
	return HV_STATUS_SUCCESS;                                   //@done
}

static u16 hvcall_post_message(struct hv_vp *vp, struct hv_hypercall *hc) //@@ hvcall_post_message
{
	struct hv_input_post_message *in = hc->input;
	struct hv_port *port;

	if (in->reserved)                                           //@check_reserved
		return HV_STATUS_INVALID_HYPERCALL_INPUT;           //@reserved
	/* HvCallPostMessage: any type but zero whose top bit is clear */
	if (in->payload_size > HV_MESSAGE_PAYLOAD_BYTE_COUNT ||     //@check_params
	    in->message_type == HVMSG_NONE ||
	    (in->message_type & 0x80000000))
		return HV_STATUS_INVALID_PARAMETER;                 //@params
	port = hv_connection(in->connectionid);                     //@check_connection
	if (!port)
		return HV_STATUS_INVALID_CONNECTION_ID;             //@connection
	if (port->type != HV_PORT_TYPE_MESSAGE)                     //@check_port
		return HV_STATUS_INVALID_PORT_ID;                   //@port
	if (!port->vp->synic.scontrol.enable ||                     //@check_synic
	    !port->vp->synic.simp.enable)
		return HV_STATUS_INVALID_SYNIC_STATE;  /* nothing queued */ //@synic
	if (port->queue_len[port->sint] >= 16)                      //@check_full
		return HV_STATUS_INSUFFICIENT_BUFFERS;              //@full

	hv_queue_message(port->vp, port->sint, in);                 //@queue
	synic_deliver_msg(port->vp, port->sint);                    //@deliver
	return HV_STATUS_SUCCESS;                                   //@done
}

static u16 hvcall_signal_event(struct hv_vp *vp, struct hv_hypercall *hc) //@@ hvcall_signal_event
{
	struct hv_input_signal_event *in = hc->input;
	struct hv_port *port;

	if (in->rsvdz || (in->connectionid & ~0xffffff))            //@check_reserved
		return HV_STATUS_INVALID_HYPERCALL_INPUT;           //@reserved
	port = hv_connection(in->connectionid);                     //@check_connection
	if (!port)
		return HV_STATUS_INVALID_CONNECTION_ID;             //@connection
	if (port->type != HV_PORT_TYPE_EVENT)                       //@check_port
		return HV_STATUS_INVALID_PORT_ID;                   //@port
	/* the port owns flag_count flags from its base flag */
	flag = port->base_flag + in->flag_number;
	if (in->flag_number >= port->flag_count || flag >= HV_EVENT_FLAGS_COUNT) //@check_flag
		return HV_STATUS_INVALID_PARAMETER;                 //@flag
	/* TLFS: a target whose SynIC or SIEF page is off, or whose SINTx is
	 * masked; the polling bit unmasks the source without an interrupt */
	if (!port->vp->synic.scontrol.enable || !port->vp->synic.siefp.enable ||  //@check_synic
	    (port->vp->synic.sint[port->sint].masked &&
	     !port->vp->synic.sint[port->sint].polling))
		return HV_STATUS_INVALID_SYNIC_STATE;               //@synic

	/* set the bit in the SIEF slot; raise the SINT only if it was clear
	 * (and not polled) */
	if (!test_and_set_bit(flag, siefp->slot[port->sint].flags))
		synic_set_irq(port->vp, port->sint);                //@set
	return HV_STATUS_SUCCESS;                                   //@done
}

static u16 hvcall_send_ipi(struct hv_vp *vp, struct hv_hypercall *hc) //@@ hvcall_send_ipi
{
	/* HVCALL_SEND_IPI: {u32 vector; u32 reserved; u64 cpu_mask} */
	/* HVCALL_SEND_IPI_EX: {u32 vector; u32 reserved; struct hv_vpset vp_set} */
	if (hc->code == HVCALL_SEND_IPI_EX) {
		/* the banks are the variable header, whatever the format */
		if (hc->var_cnt != hweight64(in->vp_set.valid_bank_mask))
			return HV_STATUS_INVALID_HYPERCALL_INPUT;   //@varhead
		if (in->vp_set.format == HV_GENERIC_SET_SPARSE_4K &&
		    !in->vp_set.valid_bank_mask)
			return HV_STATUS_SUCCESS;  /* no bank: KVM sends nothing, checks nothing */ //@empty
		if (hv_parse_vpset(hc, &targets) < 0)
			return HV_STATUS_INVALID_HYPERCALL_INPUT;   //@vpset
	} else {
		targets = in->cpu_mask;
	}
	/* checked whatever the targets, an empty cpu_mask included */
	if (in->vector < HV_IPI_LOW_VECTOR || in->vector > HV_IPI_HIGH_VECTOR)
		return HV_STATUS_INVALID_HYPERCALL_INPUT;           //@vector
	for_each_vp(t, targets)
		hv_send_ipi(t, in->vector);                         //@send
	return HV_STATUS_SUCCESS;                                   //@done
}

static u16 hvcall_flush(struct hv_vp *vp, struct hv_hypercall *hc) //@@ hvcall_flush
{
	/* {u64 address_space; u64 flags; u64 processor_mask | struct hv_vpset} [u64 gva_list[]] */
	if (in->flags & ~(HV_FLUSH_ALL_PROCESSORS | HV_FLUSH_ALL_VIRTUAL_ADDRESS_SPACES |
			  HV_FLUSH_NON_GLOBAL_MAPPINGS_ONLY | HV_FLUSH_USE_EXTENDED_RANGE_FORMAT))
		return HV_STATUS_INVALID_PARAMETER;                 //@flags
	if (hc->def->var_header &&
	    hc->var_cnt != hweight64(in->vp_set.valid_bank_mask))
		return HV_STATUS_INVALID_HYPERCALL_INPUT;           //@varhead
	targets = hv_parse_vpset(hc);
	if (targets < 0)
		return HV_STATUS_INVALID_HYPERCALL_INPUT;           //@vpset
	/* the simulated TLBs hold nothing: a flush changes no state */
	for (i = hc->rep_idx; i < hc->rep_cnt; i++)
		hc->rep_done = i + 1;                               //@rep
	return HV_STATUS_SUCCESS;                                   //@done
}

static u16 hvcall_notify_long_spin_wait(struct hv_vp *vp, struct hv_hypercall *hc) //@@ hvcall_notify_long_spin_wait
{
	kvm_vcpu_on_spin(vp);                                       //@spin
	return HV_STATUS_SUCCESS;
}

static u16 hvcall_retarget_interrupt(struct hv_vp *vp, struct hv_hypercall *hc) //@@ hvcall_retarget_interrupt
{
	struct hv_retarget_device_interrupt *in = hc->input;

	if (in->partition_id != HV_PARTITION_ID_SELF)
		return HV_STATUS_INVALID_PARTITION_ID;              //@partition
	hv_retarget(in->device_id, &in->int_entry, &in->int_target); //@retarget
	return HV_STATUS_SUCCESS;
}

static u16 hvcall_start_virtual_processor(struct hv_vp *vp, struct hv_hypercall *hc) //@@ hvcall_start_virtual_processor
{
	struct hv_start_virtual_processor_input *in = hc->input;
	struct hv_vp *target;

	if (in->partitionid != HV_PARTITION_ID_SELF)
		return HV_STATUS_INVALID_PARTITION_ID;              //@partition
	target = hv_vp(in->vpindex);
	if (!target)
		return HV_STATUS_INVALID_VP_INDEX;                  //@vp
	if (target->started)
		return HV_STATUS_INVALID_VP_STATE;                  //@state
	target->started = true;  /* runs from in->vp_context.pc */   //@start
	return HV_STATUS_SUCCESS;
}

static int synic_deliver_msg(struct hv_vp *vp, u32 sint)        //@@ synic_deliver_msg
{
	struct hv_message *slot = &simp_page(vp)->sint_message[sint];

	if (!synic->active || !(synic->msg_page & HV_SYNIC_SIMP_ENABLE))
		return -ENOENT;   /* stays queued */                //@inactive
	if (slot->header.message_type != HVMSG_NONE) {
		slot->header.message_flags.msg_pending = 1;
		return -EAGAIN;   /* redelivered after EOM */       //@busy
	}
	/* a pending stimer expiry first, then the queue */
	memcpy(slot, next_message(vp, sint), sizeof(*slot));
	slot->header.message_flags.msg_pending = more_waiting(vp, sint); //@copy
	synic_set_irq(vp, sint);  /* unless SINTx.masked or .polling */ //@irq
	return 0;
}

static void stimer_expiration(struct hv_vp *vp, int timer)      //@@ stimer_expiration
{
	struct hv_stimer *stimer = &vp->stimer[timer];

	if (stimer->config.direct_mode) {
		/* stimer_notify_direct: no message, the timer's own vector */
		hv_set_irq(vp, stimer->config.apic_vector);         //@direct
	} else {
		stimer->msg_pending = true;
		/* HVMSG_TIMER_EXPIRED {timer_index, expiration_time, delivery_time} */
		if (!synic_deliver_msg(vp, stimer->config.sintx))   //@send
			stimer->msg_pending = false;
	}
	if (!stimer->msg_pending && !stimer->config.periodic)
		stimer->config.enable = 0;  /* one-shot: done */
	else if (!stimer->msg_pending)
		stimer_start(stimer);       /* next period */       //@rearm
}

static int stimer_set_config(struct hv_stimer *stimer, u64 config)   //@@ stimer_set_config
{
	union hv_stimer_config new_config = {.as_uint64 = config};

	stimer_cleanup(stimer);   /* cancel the timer, drop a pending expiry */
	/* SCENARIO.md: enable, not direct mode and sintx == 0 -> enable clears
	 * (KVM tests old_config.enable here) */
	if (new_config.enable && !new_config.direct_mode && new_config.sintx == 0)
		new_config.enable = 0;
	stimer->config.as_uint64 = new_config.as_uint64;            //@config
	if (stimer->config.enable)
		stimer_start(stimer);   /* a one-shot in the past expires now */ //@start
	return 0;
}

static int stimer_set_count(struct hv_stimer *stimer, u64 count)     //@@ stimer_set_count
{
	stimer_cleanup(stimer);
	stimer->count = count;
	if (stimer->count == 0)
		stimer->config.enable = 0;
	else if (stimer->config.auto_enable)
		stimer->config.enable = 1;                          //@count
	if (stimer->config.enable)
		stimer_start(stimer);
		/* periodic: exp_time = now + count; one-shot: exp_time = count */ //@start
	return 0;
}

void hv_synic_eom(struct hv_vp *vp)                             //@@ hv_synic_eom
{
	/* the guest freed a slot: stimers first, then queued messages */
	for (sint = 0; sint < HV_SYNIC_SINT_COUNT; sint++)
		synic_deliver_msg(vp, sint);                        //@rescan
}

void hv_synic_send_eoi(struct hv_vp *vp, int vector)           //@@ hv_synic_send_eoi
{
	/*
	 * kvm_hv_synic_send_eoi: the guest ended the interrupt "vector" at
	 * the interrupt controller. Every SINT on that vector (a masked one
	 * has none; a polled one counts as unmasked) is acked as
	 * kvm_hv_notify_acked_sint does: a timer expiry waiting for its slot
	 * is retried, then the queued messages.
	 */
	for (sint = 0; sint < HV_SYNIC_SINT_COUNT; sint++) {
		if (synic_get_sint_vector(vp->synic.sint[sint]) != vector)
			continue;                                   //@match
		synic_deliver_msg(vp, sint);                        //@ack
	}
}

void hv_host_post_message(struct hv_vp *vp, u32 sint, struct hv_message *msg) //@@ hv_host_post_message
{
	/* a message from the host side (VMBus) for this VP's SINT */
	if (vp->queue_len[sint] >= 16)
		return;   /* HV_STATUS_INSUFFICIENT_BUFFERS */      //@full
	hv_queue_message(vp, sint, msg);                            //@queue
	synic_deliver_msg(vp, sint);                                //@deliver
}
`,
);
