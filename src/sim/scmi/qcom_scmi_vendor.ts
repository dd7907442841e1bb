/**
 * The vendor protocol ops (set_param, get_param, start_activity,
 * stop_activity): one SCMI message each, built with the core's
 * xfer_get_init() and sent with do_xfer().
 */
import type { KernelFn, KGen } from '../core/frames';
import { fnOf } from '../core/frames';
import type { Machine } from '../core/machine';
import { do_xfer, xfer_get_init } from './driver';
import type { CStruct } from './protocol';
import {
  paramSym, PROTOCOL_PAYLOAD_SIZE, QCOM_SCMI_GET_PARAM, QCOM_SCMI_SET_PARAM, QCOM_SCMI_START_ACTIVITY,
  QCOM_SCMI_STOP_ACTIVITY, SCMI_MAX_TX_RX_SIZE, statusSym, vendorBody,
} from './protocol';
import { QCOM_SCMI_VENDOR_C } from './qcom_scmi_vendor_c';
import type { Memlat } from './subsystem';
import { EMSGSIZE } from '../core/errno';

export type VendorOp = 'set_param' | 'get_param' | 'start_activity' | 'stop_activity';

/** Each op's message and its function in the listing. */
const OPS: Record<VendorOp, { readonly msgId: number; readonly fn: KernelFn }> = {
  set_param: { msgId: QCOM_SCMI_SET_PARAM, fn: fnOf(QCOM_SCMI_VENDOR_C, 'set_param') },
  get_param: { msgId: QCOM_SCMI_GET_PARAM, fn: fnOf(QCOM_SCMI_VENDOR_C, 'get_param') },
  start_activity: { msgId: QCOM_SCMI_START_ACTIVITY, fn: fnOf(QCOM_SCMI_VENDOR_C, 'start_activity') },
  stop_activity: { msgId: QCOM_SCMI_STOP_ACTIVITY, fn: fnOf(QCOM_SCMI_VENDOR_C, 'stop_activity') },
};

const NONE = new Uint8Array(0);

export interface OpResult {
  /** What the op returns to the client: 0 or a negated errno. */
  readonly ret: number;
  /** The platform's status, or null when xfer_get_init refused the message and nothing was sent. */
  readonly status: number | null;
  readonly rx: Uint8Array;
}

/** A client buffer: a C struct (with its never-written bytes) or plain bytes. */
export type ClientBuf = CStruct | Uint8Array | null;

/**
 * memcpy(msg, buf, size): the first `size` bytes of the client's buffer; past
 * its end the copy reads whatever follows it on the stack (zero here, and
 * listed as uninitialised).
 */
function copyOut(buf: ClientBuf, size: number): { bytes: Uint8Array; uninit: Array<[number, number]> } {
  const src = buf === null ? NONE : buf instanceof Uint8Array ? buf : buf.bytes;
  const uninit = (buf === null || buf instanceof Uint8Array ? [] : buf.uninit())
    .filter(([from]) => from < size)
    .map(([from, to]) => [from, Math.min(to, size)] as [number, number]);
  if (size > src.length) {
    const last = uninit[uninit.length - 1];
    if (last && last[1] === src.length) last[1] = size;
    else uninit.push([src.length, size]);
  }
  const bytes = new Uint8Array(size);
  bytes.set(src.subarray(0, size));
  return { bytes, uninit };
}

/**
 * `ops->set_param(ph, buf, algo, param_id, size)` and its siblings. `txSize`
 * is the message's whole size (the 16 header bytes and the buffer) when a
 * scenario names one; otherwise the op sends the whole buffer.
 */
export function* vendorOp(m: Machine, ml: Memlat, op: VendorOp, buf: ClientBuf, algo: bigint, paramId: number, txSize?: bigint): KGen<OpResult> {
  const natural = buf === null ? 0 : buf instanceof Uint8Array ? buf.length : buf.bytes.length;
  const size = txSize === undefined ? BigInt(natural) : txSize - BigInt(PROTOCOL_PAYLOAD_SIZE);
  const sizes: Record<string, bigint> = op === 'get_param' ? { tx_size: size, rx_size: size } : { size };
  const fr = m.enter(OPS[op].fn, { algo_str: algo, param_id: paramSym(paramId), ...sizes });
  yield fr.at('init');
  const init = yield* xfer_get_init(m, ml, OPS[op].msgId, size + BigInt(PROTOCOL_PAYLOAD_SIZE), BigInt(SCMI_MAX_TX_RX_SIZE));
  fr.locals.ret = BigInt(init.ret);
  if (!init.xfer) {
    yield fr.at('init_err');
    return m.leave(fr, { ret: init.ret, status: null, rx: NONE });
  }
  const out = copyOut(buf, Number(size));
  const tx = vendorBody(algo, paramId, out.bytes);
  yield fr.at('fill');
  yield fr.at('do_xfer');
  const r = yield* do_xfer(m, ml, init.xfer, tx, out.uninit, paramId);
  fr.locals.status = statusSym(r.status);
  fr.locals.ret = BigInt(r.ret);
  if (op === 'get_param') {
    if (BigInt(r.rx.length) > size) {
      m.output(`SCMI received buffer size ${r.rx.length} is more than expected size ${size}`, 'console');
      fr.locals.ret = BigInt(-EMSGSIZE);
      yield fr.at('emsgsize');
      return m.leave(fr, { ret: -EMSGSIZE, status: r.status, rx: r.rx });
    }
    yield fr.at('rx');
  }
  yield fr.at('ret');
  return m.leave(fr, r);
}
