import type { Frame, FrameValue } from '../core/frames';
import { Sym } from '../core/values';
import type { TimelineEvent } from './timeline';

/*
 * The kernel's own tracepoints, where the simulated code passes the place
 * the kernel fires them: their names and their TP_STRUCT__entry fields, in
 * the kernel's order (arch/x86/kvm/trace.h for the Hyper-V emulation,
 * include/trace/events/scmi.h, include/trace/events/migrate.h,
 * arch/x86/include/asm/trace/exceptions.h). A field the simulation has no
 * value for is left out rather than made up (page_fault_user's ip).
 */

export interface Tracepoint {
  readonly name: string;
  /** Field name → value, in the tracepoint's field order. */
  readonly fields: ReadonlyArray<readonly [string, bigint | string]>;
}

function big(v: FrameValue | undefined): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number') return BigInt(v);
  if (typeof v === 'boolean') return v ? 1n : 0n;
  if (v instanceof Sym) return v.num ?? 0n;
  return 0n;
}

const SYNIC_MSRS = new Set(Array.from({ length: 0x15 }, (_, i) => 0xa0000n + BigInt(i)));
const QCOM_SCMI_VENDOR_PROTOCOL = 0x80n;
const PF_WRITE = 2n;
const PF_USER = 4n;

/** What the exporter keeps between events: the SCMI transfer ids, as the kernel's atomic counter hands them out. */
export class TracepointState {
  private nextTransfer = 0;
  private readonly transfers = new Map<Frame, number>();

  transferId(fr: Frame, begin: boolean): number {
    if (begin) this.transfers.set(fr, this.nextTransfer++);
    return this.transfers.get(fr) ?? 0;
  }
}

function hypercall(fr: Frame): Tracepoint {
  const control = big(fr.args.control);
  return {
    name: 'kvm_hv_hypercall',
    fields: [
      ['code', control & 0xffffn],
      ['fast', (control >> 16n) & 1n],
      ['var_cnt', (control >> 17n) & 0x3ffn],
      ['rep_cnt', (control >> 32n) & 0xfffn],
      ['rep_idx', (control >> 48n) & 0xfffn],
      ['ingpa', big(fr.args.ingpa)],
      ['outgpa', big(fr.args.outgpa)],
    ],
  };
}

function migrateReason(stack: readonly Frame[]): [string, string] {
  if (stack.some((f) => f.fn.name === 'migrate_misplaced_page')) return ['MIGRATE_ASYNC', 'numa_misplaced'];
  if (stack.some((f) => f.fn.name.includes('mbind'))) return ['MIGRATE_SYNC', 'mempolicy_mbind'];
  return ['MIGRATE_SYNC', 'syscall_or_cpuset'];
}

/** The tracepoints a timeline event passes (most pass none). `stack`: the frames open at the event, outermost first. */
export function tracepointsOf(e: TimelineEvent, stack: readonly Frame[], st: TracepointState): Tracepoint[] {
  if (e.kind !== 'frame') return [];
  const fr = e.frame;
  const begin = e.phase === 'begin';
  const vp = big(fr.args.vp);
  switch (fr.fn.name) {
    case 'hv_hvc_handler':
      if (begin) return [hypercall(fr)];
      return [{ name: 'kvm_hv_hypercall_done', fields: [['result', big(fr.locals.ret) | (big(fr.locals.rep_done) << 32n)]] }];
    case 'hv_set_vpreg': {
      const msr = big(fr.args.msr);
      if (!begin) return [];
      if (SYNIC_MSRS.has(msr)) return [{ name: 'kvm_hv_synic_set_msr', fields: [['vcpu_id', vp], ['msr', msr], ['data', big(fr.args.value)], ['host', 0n]] }];
      return [];
    }
    case 'stimer_set_config':
    case 'stimer_set_count': {
      if (!begin) return [];
      const config = fr.fn.name === 'stimer_set_config';
      const value = config ? big(fr.args.config) : big(fr.args.count);
      return [{ name: config ? 'kvm_hv_stimer_set_config' : 'kvm_hv_stimer_set_count', fields: [['vcpu_id', vp], ['timer_index', big(fr.args.timer)], [config ? 'config' : 'count', value], ['host', 0n]] }];
    }
    case 'stimer_expiration':
      return begin ? [{ name: 'kvm_hv_stimer_callback', fields: [['vcpu_id', vp], ['timer_index', big(fr.args.timer)]] }] : [];
    case 'do_xfer': {
      const id = BigInt(st.transferId(fr, begin));
      const common: Array<readonly [string, bigint]> = [['transfer_id', id], ['msg_id', big(fr.args.msg_id)], ['protocol_id', QCOM_SCMI_VENDOR_PROTOCOL], ['seq', big(fr.args.seq)]];
      return [{ name: begin ? 'scmi_xfer_begin' : 'scmi_xfer_end', fields: [...common, begin ? ['poll', 0n] : ['status', big(fr.locals.ret)]] }];
    }
    case 'handle_mm_fault':
      return begin ? [{ name: 'page_fault_user', fields: [['address', big(fr.args.address)], ['error_code', PF_USER | (fr.args.write === true ? PF_WRITE : 0n)]] }] : [];
    case 'migrate_pages': {
      if (begin) return [];
      const failed = big(fr.locals.nr_failed);
      const [mode, reason] = migrateReason(stack);
      return [{ name: 'mm_migrate_pages', fields: [['succeeded', 1n - failed], ['failed', failed], ['thp_succeeded', 0n], ['thp_failed', 0n], ['thp_split', 0n], ['mode', mode], ['reason', reason]] }];
    }
    default:
      return [];
  }
}
