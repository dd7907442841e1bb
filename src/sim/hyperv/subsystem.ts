import type { MemorySpace, Subsystem } from '../core/machine';
import type { RecordNode, StateNode } from '../core/state';
import { fixedRecord, leaf, list, record, valueNode } from '../core/state';
import type { Value } from '../core/values';
import { Sym, formatValue, toBig } from '../core/values';
import { ScenarioError } from '../scenario/diagnostics';
import type { PartitionState, Vp } from './partition';
import { HyperVState } from './partition';
import { readReg, writeReg } from './vp_registers';
import type { RegDef } from './tlfs';
import { HYPERVISOR_CALLBACK_VECTOR, PAGE, REG_BY_NAME, REGS, SINT_COUNT, STIMER_COUNT, TSC_SCALE, statusSym, stimerSint } from './tlfs';

const HEX = { valueKind: 'reg' } as const;

/**
 * The other names of every register (the header's own SIPP and SIFP, the
 * HV_REGISTER_ and HV_ARM64_REGISTER_ spellings `vpreg` takes): SCENARIO.md §4
 * puts every register of hyperv-tlfs.h at vp[i].reg.<NAME>, prefix dropped.
 */
const REG_ALIASES: ReadonlyMap<string, string> = new Map([...REG_BY_NAME].filter(([n, r]) => n !== r.name).map(([n, r]) => [n, r.name]));

function bit(v: bigint, n: number): boolean {
  return ((v >> BigInt(n)) & 1n) === 1n;
}

function field(v: bigint, lo: number, bits: number): bigint {
  return (v >> BigInt(lo)) & ((1n << BigInt(bits)) - 1n);
}

/** Decoded fields of the structured registers, as SCENARIO.md §4 names them. */
export function decodeReg(r: RegDef, v: bigint): Record<string, Value> | undefined {
  switch (r.kind) {
    case 'sint':
      return { vector: field(v, 0, 8), masked: bit(v, 16), auto_eoi: bit(v, 17), polling: bit(v, 18) };
    case 'simp':
    case 'siefp':
      return { enabled: bit(v, 0), base_gpa: v & ~0xfffn };
    case 'scontrol':
      return { enable: bit(v, 0) };
    case 'stimer_config':
      return {
        enable: bit(v, 0), periodic: bit(v, 1), lazy: bit(v, 2), auto_enable: bit(v, 3),
        apic_vector: field(v, 4, 8), direct_mode: bit(v, 12), sintx: BigInt(stimerSint(v)),
      };
    case 'reference_tsc':
      return { enable: bit(v, 0), base_gpa: v & ~0xfffn };
    case 'crash_ctl':
      return { crash_notify: bit(v, 63), crash_notify_msg: bit(v, 62) };
    case 'guest_osid':
      return { vendor_id: field(v, 48, 16), os_id: field(v, 40, 8), version: field(v, 16, 24), build: field(v, 0, 16) };
    default:
      break;
  }
  if (r.name === 'PRIVILEGES_AND_FEATURES') {
    const low = v & ((1n << 64n) - 1n);
    const high = v >> 64n;
    return {
      low, high,
      time_ref_count_available: bit(low, 1), syntimer_available: bit(low, 3), reference_tsc_available: bit(low, 9),
      guest_crash_msr_available: bit(high, 8), stimer_direct_mode_available: bit(high, 13),
    };
  }
  if (r.name === 'FEATURES') return { deprecating_aeoi_recommended: bit(v, 9) };
  return undefined;
}

/**
 * Hyper-V on ARM64: the partition, its VPs and guest physical memory.
 * Roots: `partition` and `vp`; byte space `gpa`.
 */
export class HyperV implements Subsystem {
  readonly name = 'hyperv';
  readonly state = new HyperVState();
  readonly memory: Readonly<Record<string, MemorySpace>> = { gpa: this.state.gpa };

  /** Used once the partition exists (any Hyper-V statement creates it). */
  active(): boolean {
    return this.state.p !== undefined;
  }

  roots(): Readonly<Record<string, StateNode>> {
    const fields = record(() => {
      const p = this.inUse();
      if (!p) return { created: leaf(() => false) };
      return partitionNode(this, p);
    });
    // Whether the partition exists is read without making it: `expect partition.created == false` holds
    // before the first use, as it would not if the read itself were that use.
    const created = leaf(() => this.state.p !== undefined);
    const partition: RecordNode = { ...fields, child: (name) => (name === 'created' ? created : fields.child(name)) };
    const vp = list(() => this.inUse()?.vps.length ?? 0, (i) => vpNode(this, i), { lookup: (k) => this.vpAt(k) });
    return { partition, vp };
  }

  /**
   * The partition as a read sees it. SCENARIO.md §4 creates the default 1-VP
   * partition on first use: a statement's read of `partition` or `vp`
   * (`len(vp)`, `partition.vps`) is a use, as a read of `vp[0]` is. A
   * debugger's read at a stop creates nothing (see vpAt).
   */
  private inUse(): PartitionState | undefined {
    const st = this.state;
    return st.p ?? (st.machine?.executing ? st.part() : undefined);
  }

  /**
   * `vp[k]`. SCENARIO.md §4 creates the 1-VP partition on first use, a
   * statement's read of vp[0] included; a debugger's read at a stop (hover,
   * watch) must not change what replay rebuilds, so it sees a fresh VP instead.
   */
  private vpAt(k: bigint): StateNode | undefined {
    const st = this.state;
    if (!st.p && !st.machine?.executing) {
      if (k !== 0n) return undefined;
      const fresh = new HyperV();
      fresh.state.machine = st.machine;
      fresh.state.create(1);
      return vpNode(fresh, 0);
    }
    const n = st.part().vps.length;
    return k >= 0n && k < BigInt(n) ? vpNode(this, Number(k)) : undefined;
  }

  snapshot(): { data: unknown; size: number } {
    const data = this.state.snapshot();
    return { data, size: 1 + (this.state.p?.vps.length ?? 0) * 4 + Math.ceil(this.state.gpa.pageCount / 16) };
  }

  restore(data: unknown): void {
    this.state.restore(data as ReturnType<HyperVState['snapshot']>);
  }

  /** A register write from the debugger (setVariable): the same rules as HvCallSetVpRegisters. */
  setRegister(vpIndex: number, r: RegDef, v: Value): void {
    const n = toBig(v);
    if (n === undefined) throw new ScenarioError(`${r.name} must be a number, not ${formatValue(v)}`);
    const vp = this.state.vp(vpIndex);
    const st = writeReg(this.state, vp, r, BigInt.asUintN(64, n));
    if (st !== 0) throw new ScenarioError(`writing ${r.name}: ${statusSym(st).name}`);
  }
}

function partitionNode(hv: HyperV, p: PartitionState): Record<string, StateNode> {
  const st = hv.state;
  const tscBase = p.referenceTsc & ~0xfffn;
  const tsc = fixedRecord(
    {
      enabled: leaf(() => (p.referenceTsc & 1n) === 1n),
      gpa: leaf(() => tscBase, { valueKind: 'address' }),
      tsc_sequence: leaf(() => st.gpa.readU32(tscBase)),
      tsc_scale: leaf(() => st.gpa.readU64(tscBase + 8n), HEX),
      tsc_offset: leaf(() => BigInt.asIntN(64, st.gpa.readU64(tscBase + 16n))),
      counter: leaf(() => st.counter),
      scale: leaf(() => TSC_SCALE, HEX),
    },
    p.referenceTsc & 1n ? { memory: { space: 'gpa', base: tscBase, size: PAGE } } : {},
  );
  return {
    created: leaf(() => true),
    vps: leaf(() => BigInt(p.vps.length)),
    guest_osid: leaf(() => p.guestOsid, HEX),
    crashed: leaf(() => p.crashed),
    crash: fixedRecord(Object.fromEntries(p.crash.map((_, i) => [`p${i}`, leaf(() => p.crash[i] as bigint, HEX)])), HEX),
    tsc,
    ports: list(
      () => p.ports.size,
      (i) => {
        const port = [...p.ports.values()].sort((a, b) => a.connection - b.connection)[i];
        return valueNode(port ? { connection: BigInt(port.connection), vp: BigInt(port.vp), sint: BigInt(port.sint), kind: new Sym(port.kind), flag: BigInt(port.flag), flag_count: BigInt(port.flagCount) } : {});
      },
    ),
    hypercalls: leaf(() => BigInt(p.hypercalls)),
    spin_waits: leaf(() => BigInt(p.spinWaits)),
    flushes: leaf(() => BigInt(p.flushes)),
    retargets: leaf(() => BigInt(p.retargets)),
  };
}

function regNode(hv: HyperV, i: number, r: RegDef): StateNode {
  const get = (): bigint => readReg(hv.state, hv.state.vp(i), r);
  const set = (v: Value): void => hv.setRegister(i, r, v);
  const probe = decodeReg(r, 0n);
  const memory = (): { memory?: { space: string; base: bigint; size: number } } => {
    if (r.kind !== 'simp' && r.kind !== 'siefp' && r.kind !== 'reference_tsc') return {};
    const v = get();
    return v & 1n ? { memory: { space: 'gpa', base: v & ~0xfffn, size: PAGE } } : {};
  };
  if (!probe) return leaf(get, { ...HEX, set, ...memory() });
  const keys = ['value', ...Object.keys(probe)];
  return {
    kind: 'record',
    // The register reads as its number (`vp[0].reg.SINT2 == 0x10`), its decoded fields are children.
    get,
    set,
    keys: () => keys,
    child: (name) => {
      if (name === 'value') return leaf(get, { ...HEX, set });
      if (!keys.includes(name)) return undefined;
      return valueNode((decodeReg(r, get()) as Record<string, Value>)[name] as Value, 'hex');
    },
    ...HEX,
    ...memory(),
  };
}

function vpNode(hv: HyperV, i: number): StateNode {
  const st = hv.state;
  const v = (): Vp => st.vp(i);
  const reg = fixedRecord(Object.fromEntries(REGS.map((r) => [r.name, regNode(hv, i, r)])), { hint: 'registers', ...HEX });
  const regs: RecordNode = { ...reg, aliases: REG_ALIASES, child: (name) => reg.child(REG_ALIASES.get(name) ?? name) };
  const simpMem = (): { memory?: { space: string; base: bigint; size: number } } =>
    v().simp & 1n ? { memory: { space: 'gpa', base: v().simp & ~0xfffn, size: PAGE } } : {};
  const siefpMem = (): { memory?: { space: string; base: bigint; size: number } } =>
    v().siefp & 1n ? { memory: { space: 'gpa', base: v().siefp & ~0xfffn, size: PAGE } } : {};
  const msg = (s: number): StateNode => {
    const vp = v();
    if (!(vp.simp & 1n)) return valueNode({ type: new Sym('HVMSG_NONE', 0n), payload_size: 0n, pending: false, sender: 0n, payload: [] });
    const d = st.readSlot(vp, s);
    const type: Value = d.type === 0n ? new Sym('HVMSG_NONE', 0n) : d.type === 0x8000_0010n ? new Sym('HVMSG_TIMER_EXPIRED', d.type) : d.type;
    const base = st.slotAddr(vp, s);
    const n = valueNode({ type, payload_size: BigInt(d.size), pending: d.pending, sender: d.sender, payload: d.payload });
    return n.kind === 'record' ? { ...n, memory: { space: 'gpa', base, size: 256 } } : n;
  };
  const synic = record(() => ({
    active: leaf(() => st.synicActive(v())),
    msg: list(() => SINT_COUNT, msg, simpMem()),
    event_flags: list(() => SINT_COUNT, (s) => valueNode(v().siefp & 1n ? st.eventFlags(v(), s) : []), siefpMem()),
    raised: list(() => SINT_COUNT, (s) => leaf(() => BigInt(v().raised[s] as number))),
    queued: list(() => SINT_COUNT, (s) => leaf(() => BigInt((v().queues[s] as unknown[]).length))),
  }));
  const stimer = list(() => STIMER_COUNT, (k) => {
    const t = (): Vp['stimers'][number] => v().stimers[k] as Vp['stimers'][number];
    return fixedRecord({
      config: leaf(() => t().config, HEX),
      count: leaf(() => t().count, { valueKind: 'ticks' }),
      enabled: leaf(() => (t().config & 1n) === 1n),
      expires_at: leaf(() => t().expTime, { valueKind: 'ticks' }),
      pending: leaf(() => t().msgPending),
      fired: leaf(() => BigInt(t().fired)),
    });
  });
  const irqKeys = (): number[] => [...new Set([Number(HYPERVISOR_CALLBACK_VECTOR), ...v().irq.keys()])].sort((a, b) => a - b);
  const irq = list(
    () => irqKeys().length,
    (j) => leaf(() => BigInt(v().irq.get(irqKeys()[j] as number) ?? 0)),
    {
      keyAt: (j) => BigInt(irqKeys()[j] as number),
      lookup: (k) => leaf(() => BigInt(v().irq.get(Number(k)) ?? 0)),
    },
  );
  return fixedRecord({
    index: leaf(() => BigInt(i)),
    started: leaf(() => v().started),
    reg: regs,
    synic,
    stimer,
    irq,
    ipis: leaf(() => BigInt(v().ipis)),
    eoms: leaf(() => BigInt(v().eoms)),
  });
}
