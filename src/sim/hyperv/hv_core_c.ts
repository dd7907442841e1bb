import { kernelSource } from '../core/frames';

/**
 * The guest side: arch/arm64/hyperv/hv_core.c of the series reference 000
 * opens (hv_do_hvc, hv_set_vpreg, hv_get_vpreg over SMCCC HVC) and
 * vmbus_signal_eom from drivers/hv/hyperv_vmbus.h.
 */
export const HV_CORE_C = kernelSource(
  'arch/arm64/hyperv/hv_core.c',
  `
/*
 * arch/arm64/hyperv/hv_core.c (simulated): hypercalls are SMCCC HVC calls
 * with HV_FUNC_ID in x0 and the hypercall control word in x1. Fast calls
 * pass their input in x2..x17; slow calls pass the guest physical
 * addresses of the input and output pages.
 */
#define HV_FUNC_ID	ARM_SMCCC_CALL_VAL(ARM_SMCCC_STD_CALL, ARM_SMCCC_SMC_64, \\
				ARM_SMCCC_OWNER_VENDOR_HYP, HV_SMCCC_FUNC_NUMBER)

u64 hv_do_hvc(u64 control, ...)                                 //@@ hv_do_hvc
{
	struct arm_smccc_res res;
	va_list args;
	u64 a2, a3, a4, a5, a6, a7;

	va_start(args, control);
	a2 = va_arg(args, u64); a3 = va_arg(args, u64); a4 = va_arg(args, u64);
	a5 = va_arg(args, u64); a6 = va_arg(args, u64); a7 = va_arg(args, u64);
	va_end(args);

	arm_smccc_1_1_hvc(HV_FUNC_ID, control, a2, a3, a4, a5, a6, a7, &res); //@hvc
	return res.a0;                                              //@ret
}

u64 hv_do_hvc_fast_get(u64 control, u64 input1, u64 input2, u64 input3,
		struct hv_get_vp_register_output *output)           //@@ hv_do_hvc_fast_get
{
	struct arm_smccc_1_2_regs args = {
		.a0 = HV_FUNC_ID, .a1 = control,
		.a2 = input1, .a3 = input2, .a4 = input3,
	};
	struct arm_smccc_1_2_regs res;

	arm_smccc_1_2_hvc(&args, &res);                             //@hvc
	output->registervaluelow = res.a6;
	output->registervaluehigh = res.a7;
	return res.a0;                                              //@ret
}

u64 hv_do_hvc_regs(u64 control, const u64 x[16])              //@@ hv_do_hvc_regs
{
	/* a fast call's whole input block, X2..X17, as SMCCC 1.2 passes it */
	struct arm_smccc_1_2_regs args = { .a0 = HV_FUNC_ID, .a1 = control };
	struct arm_smccc_1_2_regs res;

	memcpy(&args.a2, x, 16 * sizeof(u64));
	arm_smccc_1_2_hvc(&args, &res);                             //@hvc
	return res.a0;                                              //@ret
}

u64 hv_do_hypercall(u64 control, void *input, void *output)     //@@ hv_do_hypercall
{
	u64 input_address = input ? virt_to_phys(input) : 0;   /* hyperv_pcpu_input_arg */
	u64 output_address = output ? virt_to_phys(output) : 0; //@phys

	return hv_do_hvc(control, input_address, output_address); //@call
}

void hv_set_vpreg(u32 msr, u64 value)                           //@@ hv_set_vpreg
{
	u64 status;

	status = hv_do_hvc(HVCALL_SET_VP_REGISTERS | HV_HYPERCALL_FAST_BIT |
			HV_HYPERCALL_REP_COUNT_1,
			HV_PARTITION_ID_SELF, HV_VP_INDEX_SELF,
			msr, 0, value, 0);                          //@call

	/*
	 * Something is fundamentally broken in the hypervisor if setting a
	 * VP register fails (the kernel BUG_ONs here; kstep reports the
	 * status in last.hvc and as an hv_error exception instead).
	 */
	WARN_ON((status & HV_HYPERCALL_RESULT_MASK) != HV_STATUS_SUCCESS); //@check
}

u64 hv_get_vpreg(u32 msr)                                       //@@ hv_get_vpreg
{
	struct hv_get_vp_register_output output;
	u64 status;

	status = hv_do_hvc_fast_get(HVCALL_GET_VP_REGISTERS | HV_HYPERCALL_FAST_BIT |
			HV_HYPERCALL_REP_COUNT_1,
			HV_PARTITION_ID_SELF, HV_VP_INDEX_SELF,
			msr, &output);                              //@call

	WARN_ON((status & HV_HYPERCALL_RESULT_MASK) != HV_STATUS_SUCCESS); //@check
	return output.registervaluelow;                             //@ret
}

/* drivers/hv/hyperv_vmbus.h */
static inline void vmbus_signal_eom(struct hv_message *msg, u32 old_msg_type) //@@ vmbus_signal_eom
{
	/*
	 * On crash we're reading some other CPU's message page and we need
	 * to be careful: this other CPU may already had cleared the header
	 * and the host may already had delivered some other message there.
	 */
	if (cmpxchg(&msg->header.message_type, old_msg_type,
		    HVMSG_NONE) != old_msg_type)
		return;                                             //@clear

	/*
	 * The cmxchg() above does an implicit memory barrier to
	 * ensure the write to MessageType (ie set to
	 * HVMSG_NONE) happens before we read the
	 * MessagePending and EOMing. Otherwise, the EOMing
	 * will not deliver any more messages since there is
	 * no empty slot
	 */
	if (msg->header.message_flags.msg_pending) {                //@pending
		/*
		 * This will cause message queue rescan to
		 * possibly deliver another msg from the
		 * hypervisor
		 */
		hv_set_vpreg(HV_REGISTER_EOM, 0);                   //@eom
	}
}
`,
);
