import { kernelSource } from '../core/frames';

/**
 * The vendor protocol ops the client calls (drivers/firmware/arm_scmi/
 * qcom_scmi_vendor.c of the same series): each builds one SCMI message in the
 * shared-memory channel and waits for the firmware's answer.
 */
export const QCOM_SCMI_VENDOR_C = kernelSource(
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
