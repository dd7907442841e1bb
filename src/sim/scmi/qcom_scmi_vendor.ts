/**
 * The vendor protocol ops (set_param, get_param, start_activity,
 * stop_activity): one SCMI message each through the shared-memory channel.
 */
import type { KernelFn, KGen } from '../core/frames';
import { fnOf } from '../core/frames';
import type { Machine } from '../core/machine';
import { memlat_handle_msg } from './memlat_fw';
import type { CStruct } from './protocol';
import {
  le32, MSG_TYPE_COMMAND, packHeader, paramSym, QCOM_SCMI_GET_PARAM, QCOM_SCMI_SET_PARAM, QCOM_SCMI_START_ACTIVITY,
  QCOM_SCMI_STOP_ACTIVITY, QCOM_SCMI_VENDOR_PROTOCOL, SCMI_SHMEM_CHAN_STAT_CHANNEL_FREE, SCMI_SHMEM_FLAG_INTR_ENABLED, scmiToLinuxErrno, SHMEM,
  statusSym, vendorBody,
} from './protocol';
import { QCOM_SCMI_VENDOR_C } from './qcom_scmi_vendor_c';
import type { Memlat } from './subsystem';

export type VendorOp = 'set_param' | 'get_param' | 'start_activity' | 'stop_activity';

const SET_PARAM = fnOf(QCOM_SCMI_VENDOR_C, 'set_param');
const GET_PARAM = fnOf(QCOM_SCMI_VENDOR_C, 'get_param');
const START_ACTIVITY = fnOf(QCOM_SCMI_VENDOR_C, 'start_activity');
const STOP_ACTIVITY = fnOf(QCOM_SCMI_VENDOR_C, 'stop_activity');

/** Each op's message and its function in the listing. */
const OPS: Record<VendorOp, { readonly msgId: number; readonly fn: KernelFn }> = {
  set_param: { msgId: QCOM_SCMI_SET_PARAM, fn: SET_PARAM },
  get_param: { msgId: QCOM_SCMI_GET_PARAM, fn: GET_PARAM },
  start_activity: { msgId: QCOM_SCMI_START_ACTIVITY, fn: START_ACTIVITY },
  stop_activity: { msgId: QCOM_SCMI_STOP_ACTIVITY, fn: STOP_ACTIVITY },
};

export interface XferResult {
  /** What the op returns to the client: 0 or a negated errno. */
  readonly ret: number;
  readonly status: number;
  readonly rx: Uint8Array;
}

/** A client buffer: a C struct (with its never-written bytes) or plain bytes. */
export type ClientBuf = CStruct | Uint8Array | null;

/** `ops->set_param(ph, buf, algo, param_id, size)` and its siblings. */
export function* vendorOp(m: Machine, ml: Memlat, op: VendorOp, buf: ClientBuf, algo: bigint, paramId: number): KGen<XferResult> {
  const bytes = buf === null ? new Uint8Array(0) : buf instanceof Uint8Array ? buf : buf.bytes;
  const uninit = buf === null || buf instanceof Uint8Array ? [] : buf.uninit();
  const fr = m.enter(OPS[op].fn, { algo_str: algo, param_id: paramSym(paramId), tx_size: BigInt(bytes.length) });
  yield fr.at('init');
  const msgId = OPS[op].msgId;
  const token = ml.st.token;
  ml.st.token = (token + 1) & 0x3ff;
  const header = packHeader({ messageId: msgId, type: MSG_TYPE_COMMAND, protocolId: QCOM_SCMI_VENDOR_PROTOCOL, token });
  const tx = vendorBody(algo, paramId, bytes);
  fr.locals.msg_header = BigInt(header);
  fr.locals.token = BigInt(token);
  // shmem_tx_prepare: the channel is busy while the platform owns it.
  const sh = ml.st.shmem;
  sh.set(le32(0), SHMEM.channelStatus);
  sh.set(le32(SCMI_SHMEM_FLAG_INTR_ENABLED), SHMEM.flags);
  sh.set(le32(4 + tx.length), SHMEM.length);
  sh.set(le32(header), SHMEM.header);
  sh.set(tx.subarray(0, SHMEM.size - SHMEM.payload), SHMEM.payload);
  yield fr.at('tx');
  const reply = yield* memlat_handle_msg(m, ml, msgId, tx);
  // The platform answers in place: status, then return values; the channel is free again.
  const resp = [...le32(reply.status), ...reply.rx];
  sh.set(le32(4 + resp.length), SHMEM.length);
  sh.set(Uint8Array.from(resp).subarray(0, SHMEM.size - SHMEM.payload), SHMEM.payload);
  sh.set(le32(SCMI_SHMEM_CHAN_STAT_CHANNEL_FREE), SHMEM.channelStatus);
  ml.appendLog({ msgId, paramId, status: reply.status, header, tx, rx: reply.rx, uninit, atNs: m.now });
  const ret = scmiToLinuxErrno(reply.status);
  fr.locals.status = statusSym(reply.status);
  fr.locals.ret = BigInt(ret);
  yield fr.at('do_xfer');
  if (op === 'get_param' && ret === 0) yield fr.at('rx');
  yield fr.at('ret');
  m.leave(fr);
  return { ret, status: reply.status, rx: reply.rx };
}
