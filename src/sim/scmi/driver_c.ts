import { kernelSource } from '../core/frames';

/**
 * The two transfer ops of the SCMI core every vendor-protocol message goes
 * through (drivers/firmware/arm_scmi/driver.c), over the mailbox transport
 * and its shared-memory channel (shmem.c), as the kernel of reference 001's
 * era has them.
 */
export const DRIVER_C = kernelSource(
  'drivers/firmware/arm_scmi/driver.c',
  `
/*
 * drivers/firmware/arm_scmi/driver.c (simulated): the transfer ops a
 * protocol reaches through ph->xops. Transport: mailbox (mailbox.c) over
 * the arm,scmi-shmem channel (shmem.c); scmi_mailbox_desc.max_msg_size = 128.
 */

static int xfer_get_init(const struct scmi_protocol_handle *ph,
			 u8 msg_id, size_t tx_size, size_t rx_size,
			 struct scmi_xfer **p)                            //@@ xfer_get_init
{
	/* Ensure we have sane transfer sizes */
	if (rx_size > info->desc->max_msg_size ||
	    tx_size > info->desc->max_msg_size)                         //@check
		return -ERANGE;     /* before a slot or a token is taken: nothing is sent */  //@erange

	xfer = scmi_xfer_get(pi->handle, minfo);

	/* Pick a sequence number and register this xfer as in-flight */
	ret = scmi_xfer_pending_set(xfer, minfo);

	xfer->tx.len = tx_size;
	xfer->rx.len = rx_size ? : info->desc->max_msg_size;
	xfer->hdr.type = MSG_TYPE_COMMAND;
	xfer->hdr.id = msg_id;
	xfer->hdr.poll_completion = false;   /* the mailbox completes on the platform's interrupt */

	*p = xfer;
	return 0;                                                     //@ret
}

static int do_xfer(const struct scmi_protocol_handle *ph,
		   struct scmi_xfer *xfer)                              //@@ do_xfer
{
	xfer->hdr.protocol_id = pi->proto->id;
	xfer->hdr.status = SCMI_SUCCESS;

	/*
	 * info->desc->ops->send_message(): mailbox_send_message() ->
	 * mbox_send_message() -> tx_prepare() -> shmem_tx_prepare():
	 */
	iowrite32(0x0, &shmem->channel_status);          /* busy: the platform owns it */
	iowrite32(xfer->hdr.poll_completion ? 0 : SCMI_SHMEM_FLAG_INTR_ENABLED,
		  &shmem->flags);
	iowrite32(sizeof(shmem->msg_header) + xfer->tx.len, &shmem->length);
	iowrite32(pack_scmi_header(&xfer->hdr), &shmem->msg_header);
	if (xfer->tx.buf)
		memcpy_toio(shmem->msg_payload, xfer->tx.buf, xfer->tx.len);  //@tx

	/* the doorbell rings; the platform answers in place, frees the channel, interrupts */
	ret = scmi_wait_for_message_response(cinfo, xfer);               //@wait

	/* shmem_fetch_response(): the status word, then the return values */
	xfer->hdr.status = ioread32(shmem->msg_payload);
	xfer->rx.len = min_t(size_t, xfer->rx.len, len > 8 ? len - 8 : 0);
	memcpy_fromio(xfer->rx.buf, shmem->msg_payload + 4, xfer->rx.len);  //@fetch

	if (!ret && xfer->hdr.status)
		ret = scmi_to_linux_errno(xfer->hdr.status);
	return ret;                                                   //@ret
}
`,
);
