/**
 * xfer_get_init() and do_xfer() of drivers/firmware/arm_scmi/driver.c over
 * the mailbox transport's shared-memory channel: the size limit, the token,
 * the bytes the platform reads and the answer it writes back.
 */
import type { KGen } from '../core/frames';
import { fnOf } from '../core/frames';
import type { Machine } from '../core/machine';
import { DRIVER_C } from './driver_c';
import { memlat_handle_msg } from './memlat_fw';
import {
  le32, messageSym, MSG_TYPE_COMMAND, packHeader, QCOM_SCMI_VENDOR_PROTOCOL, SCMI_SHMEM_CHAN_STAT_CHANNEL_FREE,
  SCMI_SHMEM_FLAG_INTR_ENABLED, scmiToLinuxErrno, SHMEM, statusSym,
} from './protocol';
import type { Memlat } from './subsystem';
import { ERANGE } from '../core/errno';

const XFER_GET_INIT = fnOf(DRIVER_C, 'xfer_get_init');
const DO_XFER = fnOf(DRIVER_C, 'do_xfer');

/** scmi_mailbox_desc.max_msg_size: the largest tx or rx payload the channel's buffers hold. */
export const MAILBOX_MAX_MSG_SIZE = 128;

/** struct scmi_xfer, as far as the simulation follows it. */
export interface Xfer {
  readonly msgId: number;
  readonly token: number;
  readonly txLen: number;
  readonly rxLen: number;
}

export type XferInit = { readonly ret: 0; readonly xfer: Xfer } | { readonly ret: number; readonly xfer?: undefined };

/** xfer_get_init(ph, msg_id, tx_size, rx_size, &t): sizes are size_t, so a scenario's u64 stays a bigint here. */
export function* xfer_get_init(m: Machine, ml: Memlat, msgId: number, txSize: bigint, rxSize: bigint): KGen<XferInit> {
  const fr = m.enter(XFER_GET_INIT, { msg_id: messageSym(msgId), tx_size: txSize, rx_size: rxSize });
  fr.locals.max_msg_size = BigInt(MAILBOX_MAX_MSG_SIZE);
  yield fr.at('check');
  const max = BigInt(MAILBOX_MAX_MSG_SIZE);
  if (rxSize > max || txSize > max) {
    fr.locals.ret = BigInt(-ERANGE);
    yield fr.at('erange');
    return m.leave(fr, { ret: -ERANGE });
  }
  const token = ml.st.token;
  ml.st.token = (token + 1) & 0x3ff;
  const xfer: Xfer = { msgId, token, txLen: Number(txSize), rxLen: Number(rxSize) || MAILBOX_MAX_MSG_SIZE };
  fr.locals.seq = BigInt(token);
  fr.locals.ret = 0n;
  yield fr.at('ret');
  return m.leave(fr, { ret: 0, xfer });
}

export interface XferResult {
  /** What do_xfer returns: 0 or a negated errno. */
  readonly ret: number;
  readonly status: number;
  /** The return values after the status word, at most rx.len of them. */
  readonly rx: Uint8Array;
}

/**
 * do_xfer(ph, t): `tx` is t->tx.buf (tx.len bytes); `uninit` the ranges of it
 * that hold stack garbage on a real kernel; `paramId` the vendor param_id
 * the log shows beside the message, if the message has one.
 */
export function* do_xfer(
  m: Machine,
  ml: Memlat,
  xfer: Xfer,
  tx: Uint8Array,
  uninit: ReadonlyArray<readonly [number, number]>,
  paramId: number | null,
): KGen<XferResult> {
  const fr = m.enter(DO_XFER, { msg_id: messageSym(xfer.msgId), seq: BigInt(xfer.token), tx_len: BigInt(xfer.txLen) });
  const header = packHeader({ messageId: xfer.msgId, type: MSG_TYPE_COMMAND, protocolId: QCOM_SCMI_VENDOR_PROTOCOL, token: xfer.token });
  fr.locals.msg_header = BigInt(header);
  const sh = ml.st.shmem;
  sh.set(le32(0), SHMEM.channelStatus);
  sh.set(le32(SCMI_SHMEM_FLAG_INTR_ENABLED), SHMEM.flags);
  sh.set(le32(4 + tx.length), SHMEM.length);
  sh.set(le32(header), SHMEM.header);
  sh.set(tx.subarray(0, SHMEM.size - SHMEM.payload), SHMEM.payload);
  yield fr.at('tx');
  // The caller's line while the platform runs.
  fr.at('wait');
  const reply = yield* memlat_handle_msg(m, ml, xfer.msgId, tx);
  const resp = [...le32(reply.status), ...reply.rx];
  sh.set(le32(4 + resp.length), SHMEM.length);
  sh.set(Uint8Array.from(resp).subarray(0, SHMEM.size - SHMEM.payload), SHMEM.payload);
  sh.set(le32(SCMI_SHMEM_CHAN_STAT_CHANNEL_FREE), SHMEM.channelStatus);
  ml.appendLog({ msgId: xfer.msgId, paramId, status: reply.status, header, tx, rx: reply.rx, uninit, atNs: m.now });
  const rx = reply.rx.subarray(0, Math.min(xfer.rxLen, reply.rx.length));
  fr.locals.status = statusSym(reply.status);
  fr.locals.rx_len = BigInt(rx.length);
  yield fr.at('fetch');
  const ret = scmiToLinuxErrno(reply.status);
  fr.locals.ret = BigInt(ret);
  yield fr.at('ret');
  return m.leave(fr, { ret, status: reply.status, rx });
}
