import { kernelSource } from '../core/frames';

/**
 * The vendor protocol ops the client calls (drivers/firmware/arm_scmi/
 * qcom_scmi_vendor.c of the same RFC series): each builds one SCMI message
 * with the core's xfer_get_init() and sends it with do_xfer().
 */
export const QCOM_SCMI_VENDOR_C = kernelSource(
  'drivers/firmware/arm_scmi/qcom_scmi_vendor.c',
  `
/*
 * drivers/firmware/arm_scmi/qcom_scmi_vendor.c (simulated, the RFC series
 * of reference 001). QCOM_SCMI_VENDOR_PROTOCOL 0x80. Every message: SCMI
 * header (message_id 0-7, type 8-9, protocol_id 10-17, token 18-27), then
 * {le32 ext_id; le32 algo_low; le32 algo_high; le32 param_id; buf}.
 */
#define	EXTENDED_MSG_ID			0
#define	SCMI_MAX_TX_RX_SIZE		128
#define	PROTOCOL_PAYLOAD_SIZE		16

/* ops->set_param */
static int qcom_scmi_set_param(const struct scmi_protocol_handle *ph, void *buf, u64 algo_str,
			       u32 param_id, size_t size)  //@@ set_param
{
	ret = ph->xops->xfer_get_init(ph, SET_PARAM, size + PROTOCOL_PAYLOAD_SIZE,
				      SCMI_MAX_TX_RX_SIZE, &t);       //@init
	if (ret)
		return ret;                                            //@init_err

	msg = t->tx.buf;
	*msg++ = cpu_to_le32(EXTENDED_MSG_ID);
	*msg++ = cpu_to_le32(algo_str & GENMASK(31, 0));
	*msg++ = cpu_to_le32((algo_str & GENMASK(63, 32)) >> 32);
	*msg++ = cpu_to_le32(param_id);
	memcpy(msg, buf, size);    /* size bytes, whatever buf holds */  //@fill
	ret = ph->xops->do_xfer(ph, t);                               //@do_xfer
	ph->xops->xfer_put(ph, t);

	return ret;                                                    //@ret
}

/* ops->get_param */
static int qcom_scmi_get_param(const struct scmi_protocol_handle *ph, void *buf, u64 algo_str,
			       u32 param_id, size_t tx_size, size_t rx_size)  //@@ get_param
{
	ret = ph->xops->xfer_get_init(ph, GET_PARAM, tx_size + PROTOCOL_PAYLOAD_SIZE,
				      SCMI_MAX_TX_RX_SIZE, &t);       //@init
	if (ret)
		return ret;                                            //@init_err

	msg = t->tx.buf;
	*msg++ = cpu_to_le32(EXTENDED_MSG_ID);
	*msg++ = cpu_to_le32(algo_str & GENMASK(31, 0));
	*msg++ = cpu_to_le32((algo_str & GENMASK(63, 32)) >> 32);
	*msg++ = cpu_to_le32(param_id);
	memcpy(msg, buf, tx_size);                                    //@fill
	ret = ph->xops->do_xfer(ph, t);                               //@do_xfer
	if (t->rx.len > rx_size) {
		pr_err("SCMI received buffer size %zu is more than expected size %zu\\n",
		       t->rx.len, rx_size);
		return -EMSGSIZE;    /* and t is never put back */      //@emsgsize
	}
	memcpy(buf, t->rx.buf, t->rx.len);                          //@rx
	ph->xops->xfer_put(ph, t);

	return ret;                                                    //@ret
}

/* ops->start_activity */
static int qcom_scmi_start_activity(const struct scmi_protocol_handle *ph,
				    void *buf, u64 algo_str, u32 param_id, size_t size)  //@@ start_activity
{
	ret = ph->xops->xfer_get_init(ph, START_ACTIVITY, size + PROTOCOL_PAYLOAD_SIZE,
				      SCMI_MAX_TX_RX_SIZE, &t);       //@init
	if (ret)
		return ret;                                            //@init_err

	msg = t->tx.buf;
	*msg++ = cpu_to_le32(EXTENDED_MSG_ID);
	*msg++ = cpu_to_le32(algo_str & GENMASK(31, 0));
	*msg++ = cpu_to_le32((algo_str & GENMASK(63, 32)) >> 32);
	*msg++ = cpu_to_le32(param_id);
	memcpy(msg, buf, size);                                       //@fill
	ret = ph->xops->do_xfer(ph, t);                               //@do_xfer
	ph->xops->xfer_put(ph, t);

	return ret;                                                    //@ret
}

/* ops->stop_activity */
static int qcom_scmi_stop_activity(const struct scmi_protocol_handle *ph, void *buf, u64 algo_str,
				   u32 param_id, size_t size)  //@@ stop_activity
{
	ret = ph->xops->xfer_get_init(ph, STOP_ACTIVITY, size + PROTOCOL_PAYLOAD_SIZE,
				      SCMI_MAX_TX_RX_SIZE, &t);       //@init
	if (ret)
		return ret;                                            //@init_err

	msg = t->tx.buf;
	*msg++ = cpu_to_le32(EXTENDED_MSG_ID);
	*msg++ = cpu_to_le32(algo_str & GENMASK(31, 0));
	*msg++ = cpu_to_le32((algo_str & GENMASK(63, 32)) >> 32);
	*msg++ = cpu_to_le32(param_id);
	memcpy(msg, buf, size);                                       //@fill
	ret = ph->xops->do_xfer(ph, t);                               //@do_xfer
	ph->xops->xfer_put(ph, t);

	return ret;                                                    //@ret
}
`,
);
