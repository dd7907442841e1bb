import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../support/rng';
import { GuestMemory } from '../../src/sim/hyperv/gpa';
import { decodeControl, encodeControl } from '../../src/sim/hyperv/tlfs';
import { run, sim } from '../support/kit';

/*
 * KVM selftest x86_64/hyperv_features.c, guest_test_hcalls_access: the
 * guest writes HV_X64_MSR_GUEST_OS_ID, then makes one call with a zeroed
 * input page at pgs_gpa and the output page after it (fast calls pass 0
 * and 0). Ported: the stages whose answer does not depend on KVM's CPUID
 * privilege bits (there is no CPUID on ARM64 and reference 000 grants every
 * call), with the privileges granted.
 */
const GUEST = `partition vps=2
vpreg GUEST_OSID = 0x8100_0000_0000_0000
`;
const PGS = 0x10_0000;
/** guest_hcall: the control word with the zeroed input page (slow) or zero registers (fast). */
const hcall = (control: string, fast = false): string =>
  fast ? `hvc raw control=${control}|HV_HYPERCALL_FAST_BIT\n` : `hvc raw control=${control} input=${PGS} output=${PGS + 0x1000}\n`;

describe('hyperv_features: guest_test_hcalls_access', () => {
  it('stage 0: an unknown call code (0xbeef) is HV_STATUS_INVALID_HYPERCALL_CODE', () => {
    run(`${GUEST}${hcall('0xbeef')}expect last.hvc.status == HV_STATUS_INVALID_HYPERCALL_CODE\n`);
  });

  it('stage 9: HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE with a zeroed input succeeds', () => {
    run(`${GUEST}${hcall('HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE')}expect last.hvc.status == HV_STATUS_SUCCESS\n`);
  });

  it('stage 11: HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE_EX with an empty sparse set succeeds', () => {
    run(`${GUEST}${hcall('HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE_EX')}expect last.hvc.status == HV_STATUS_SUCCESS\n`);
  });

  it('stage 16: HVCALL_NOTIFY_LONG_SPIN_WAIT succeeds', () => {
    run(`${GUEST}${hcall('HVCALL_NOTIFY_LONG_SPIN_WAIT')}expect last.hvc.status == HV_STATUS_SUCCESS\nexpect partition.spin_waits == 1\n`);
  });

  it('stage 18: a fast HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE succeeds', () => {
    run(`${GUEST}${hcall('HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE', true)}expect last.hvc.status == HV_STATUS_SUCCESS\n`);
  });
});

describe('hyperv_features: HVCALL_SEND_IPI', () => {
  it('stage 13: vector 0 with an empty cpu_mask is HV_STATUS_INVALID_HYPERCALL_INPUT: the vector is checked whatever the mask', () => {
    run(`${GUEST}${hcall('HVCALL_SEND_IPI')}expect last.hvc.status == HV_STATUS_INVALID_HYPERCALL_INPUT
hvc HVCALL_SEND_IPI vector=0 targets=[]
expect last.hvc.status == HV_STATUS_INVALID_HYPERCALL_INPUT
hvc HVCALL_SEND_IPI fast vector=0x100 targets=[]
expect last.hvc.status == HV_STATUS_INVALID_HYPERCALL_INPUT
hvc HVCALL_SEND_IPI vector=0x10 targets=[]
expect last.hvc.status == HV_STATUS_SUCCESS
expect vp[0].ipis + vp[1].ipis == 0
`);
  });

  it('sends a valid vector to every VP of the mask, and only those', () => {
    run(`${GUEST}hvc HVCALL_SEND_IPI vector=0xff targets=[1]
expect last.hvc.status == HV_STATUS_SUCCESS
expect vp[1].irq[0xff] == 1
expect vp[0].ipis == 0
`);
  });
});

describe('hyperv_features: HVCALL_SEND_IPI_EX', () => {
  it('stage 14: nothing in the sparse banks succeeds, vector 0 included (kvm_hv_send_ipi returns before the vector check)', () => {
    run(`${GUEST}${hcall('HVCALL_SEND_IPI_EX')}expect last.hvc.status == HV_STATUS_SUCCESS
expect vp[0].ipis + vp[1].ipis == 0
`);
  });

  it('checks the vector for HV_GENERIC_SET_ALL', () => {
    run(`${GUEST}gpa write ${PGS} [0, HV_GENERIC_SET_ALL, 0]
hvc raw control=HVCALL_SEND_IPI_EX input=${PGS}
expect last.hvc.status == HV_STATUS_INVALID_HYPERCALL_INPUT
hvc HVCALL_SEND_IPI_EX vector=0x20
expect last.hvc.status == HV_STATUS_SUCCESS
expect vp[0].ipis == 1
expect vp[1].ipis == 1
`);
  });
});

/*
 * KVM selftest x86_64/hyperv_ipi.c, sender_guest_code: VP 0 sends
 * IPI_VECTOR to RECEIVER_VCPU_ID_1 (2) and RECEIVER_VCPU_ID_2 (65, in the
 * second sparse bank) through every form of the call, the _EX ones with the
 * variable header size (bits 17-26) set to the number of banks. "XMM fast"
 * on x86 is the register block X2..X17 on ARM64.
 */
describe('hyperv_ipi: sender_guest_code', () => {
  const IPI_VECTOR = 0xfe;
  const R1 = 2;
  const R2 = 65;
  const PGS = 0x10_0000;
  const slow = (control: string, input: string): string => `gpa write ${PGS} ${input}\nhvc raw control=${control} input=${PGS} output=${PGS + 0x1000}\n`;
  const expectIpis = (r1: number, r2: number): string => `expect last.hvc.status == HV_STATUS_SUCCESS
expect vp[${R1}].irq[${IPI_VECTOR}] == ${r1}
expect vp[${R2}].irq[${IPI_VECTOR}] == ${r2}
`;
  const HV_INIT = `partition vps=${R2 + 1}\nvpreg GUEST_OSID = 0x8100_0000_0000_0000\n`;

  it('sends to RECEIVER_VCPU_ID_1, RECEIVER_VCPU_ID_2, both and HV_GENERIC_SET_ALL, slow and fast', () => {
    run(`${HV_INIT}${slow('HVCALL_SEND_IPI', `[${IPI_VECTOR}, ${1 << R1}]`)}${expectIpis(1, 0)}hvc raw control=HVCALL_SEND_IPI|HV_HYPERCALL_FAST_BIT input=${IPI_VECTOR} output=${1 << R1}
${expectIpis(2, 0)}${slow('HVCALL_SEND_IPI_EX | (1 << 17)', `[${IPI_VECTOR}, HV_GENERIC_SET_SPARSE_4K, 1, ${1 << R1}]`)}${expectIpis(3, 0)}hvc HVCALL_SEND_IPI_EX fast vector=${IPI_VECTOR} targets=[${R1}]
expect last.hvc.control == HVCALL_SEND_IPI_EX | HV_HYPERCALL_FAST_BIT | (1 << 17)
${expectIpis(4, 0)}${slow('HVCALL_SEND_IPI_EX | (1 << 17)', `[${IPI_VECTOR}, HV_GENERIC_SET_SPARSE_4K, 2, ${1 << (R2 - 64)}]`)}${expectIpis(4, 1)}hvc HVCALL_SEND_IPI_EX fast vector=${IPI_VECTOR} targets=[${R2}]
${expectIpis(4, 2)}${slow('HVCALL_SEND_IPI_EX | (2 << 17)', `[${IPI_VECTOR}, HV_GENERIC_SET_SPARSE_4K, 3, ${1 << R1}, ${1 << (R2 - 64)}]`)}${expectIpis(5, 3)}hvc HVCALL_SEND_IPI_EX fast vector=${IPI_VECTOR} targets=[${R1}, ${R2}]
expect last.hvc.control == HVCALL_SEND_IPI_EX | HV_HYPERCALL_FAST_BIT | (2 << 17)
${expectIpis(6, 4)}${slow('HVCALL_SEND_IPI_EX', `[${IPI_VECTOR}, HV_GENERIC_SET_ALL, 0, 0]`)}${expectIpis(7, 5)}hvc HVCALL_SEND_IPI_EX fast vector=${IPI_VECTOR}
expect last.hvc.control == HVCALL_SEND_IPI_EX | HV_HYPERCALL_FAST_BIT
${expectIpis(8, 6)}expect vp[1].irq[${IPI_VECTOR}] == 2
`);
  });
});

/*
 * KVM kvm_hv_hypercall / kvm_hv_send_ipi / kvm_hv_flush_tlb: var_cnt is the
 * control word's bits 17-26; a call without a variable header refuses any,
 * and the _EX calls refuse one that is not hweight64(valid_bank_mask).
 */
describe('hyperv_ipi: the "XMM fast" forms as an ARM64 register block (hvc raw regs=)', () => {
  const IPI_VECTOR = 0xfe;
  const FAST_EX = 'HVCALL_SEND_IPI_EX|HV_HYPERCALL_FAST_BIT';

  it('X2 vector, X3 format, X4 valid_bank_mask, X5.. the banks', () => {
    run(`partition vps=66
vpreg GUEST_OSID = 0x8100_0000_0000_0000
hvc raw control=${FAST_EX}|(1 << 17) regs=[${IPI_VECTOR}, HV_GENERIC_SET_SPARSE_4K, 1, ${1 << 2}]
expect last.hvc.status == HV_STATUS_SUCCESS
expect vp[2].irq[${IPI_VECTOR}] == 1
hvc raw control=${FAST_EX}|(1 << 17) regs=[${IPI_VECTOR}, HV_GENERIC_SET_SPARSE_4K, 2, 2]
expect vp[65].irq[${IPI_VECTOR}] == 1
hvc raw control=${FAST_EX}|(2 << 17) regs=[${IPI_VECTOR}, HV_GENERIC_SET_SPARSE_4K, 3, ${1 << 2}, 2]
expect vp[2].irq[${IPI_VECTOR}] == 2
expect vp[65].irq[${IPI_VECTOR}] == 2
hvc raw control=${FAST_EX} regs=[${IPI_VECTOR}, HV_GENERIC_SET_ALL, 0]
expect vp[2].irq[${IPI_VECTOR}] == 3
expect vp[0].irq[${IPI_VECTOR}] == 1
`);
  });
});

describe('hvc raw regs=: the X2..X17 block word by word', () => {
  const INIT = 'partition vps=2\nvpreg GUEST_OSID = 0x8100_0000_0000_0000\n';
  const SELF = '0xffff_ffff_ffff_ffff, 0xffff_fffe';

  it('a fast HVCALL_SET_VP_REGISTERS of three registers fills 14 of the 16 words', () => {
    run(`${INIT}hvc raw control=HVCALL_SET_VP_REGISTERS|HV_HYPERCALL_FAST_BIT|(3 << 32) regs=[${SELF}, HV_REGISTER_SINT1, 0, 0x31, 0, HV_REGISTER_SINT2, 0, 0x32, 0, HV_REGISTER_SIRBP, 0, 0x1234, 0]
expect last.hvc.status == HV_STATUS_SUCCESS
expect last.hvc.reps_completed == 3
expect vp[0].reg.SINT1.vector == 0x31
expect vp[0].reg.SINT2.vector == 0x32
expect vp[0].reg.SIRBP == 0x1234
# a fourth element would need 144 bytes
hvc raw control=HVCALL_SET_VP_REGISTERS|HV_HYPERCALL_FAST_BIT|(4 << 32) regs=[${SELF}]
expect last.hvc.status == HV_STATUS_INVALID_HYPERCALL_INPUT
`);
  });

  it('a slow call takes X2 and X3 as its input and output GPAs', () => {
    run(`${INIT}gpa write 0x6000 [${SELF}, HV_REGISTER_VPINDEX]
hvc raw control=HVCALL_GET_VP_REGISTERS|(1 << 32) regs=[0x6000, 0x7000]
expect last.hvc.status == HV_STATUS_SUCCESS
expect last.hvc.output == [0]
hvc raw control=HVCALL_GET_VP_REGISTERS|(1 << 32) regs=[0x6000, 0x7004]
expect last.hvc.status == HV_STATUS_INVALID_ALIGNMENT
`);
  });

  it('steps through hv_do_hvc_regs', () => {
    const s = sim(`${INIT}hvc raw control=HVCALL_NOTIFY_LONG_SPIN_WAIT|HV_HYPERCALL_FAST_BIT regs=[1]\n`);
    const seen: string[][] = [];
    while (!s.machine.ended) {
      s.machine.resume('in');
      if (s.machine.at === 'kernel') seen.push(s.machine.frames.map((f) => f.fn.name));
    }
    expect(seen).toContainEqual(['hv_do_hvc_regs', 'hv_hvc_handler', 'hvcall_notify_long_spin_wait']);
  });

  it('more than 16 words, or input=/output= beside regs=, is a scenario error', () => {
    const long = Array.from({ length: 17 }, () => '0').join(', ');
    expect(() => run(`${INIT}hvc raw control=0x10008 regs=[${long}]\n`)).toThrow(/regs= has 17 words: the register block is X2..X17/);
    expect(() => run(`${INIT}hvc raw control=0x10008 regs=[1] input=2\n`)).toThrow(/regs= already gives X2 and X3/);
  });
});

describe('the variable header size (control bits 17-26)', () => {
  const PGS = 0x10_0000;
  const INIT = 'partition vps=3\nvpreg GUEST_OSID = 0x8100_0000_0000_0000\n';

  it("Linux's HVCALL_SEND_IPI_EX (__send_ipi_mask_ex: nr_bank in the variable header) succeeds", () => {
    run(`${INIT}hvc HVCALL_SEND_IPI_EX vector=0x30 targets=[1, 2]
expect last.hvc.status == HV_STATUS_SUCCESS
expect last.hvc.control == 0x20015
expect vp[1].irq[0x30] == 1
expect vp[2].irq[0x30] == 1
expect vp[0].irq[0x30] == 0
hvc HVCALL_FLUSH_VIRTUAL_ADDRESS_LIST_EX rep=2 targets=[2]
expect last.hvc.status == HV_STATUS_SUCCESS
expect last.hvc.control == 0x2_0002_0014
expect last.hvc.reps_completed == 2
`);
  });

  it('a sparse set whose bank count disagrees with the header size is HV_STATUS_INVALID_HYPERCALL_INPUT, and sends nothing', () => {
    run(`${INIT}gpa write ${PGS} [0x30, HV_GENERIC_SET_SPARSE_4K, 1, 2]
hvc raw control=HVCALL_SEND_IPI_EX input=${PGS}
expect last.hvc.status == HV_STATUS_INVALID_HYPERCALL_INPUT
hvc raw control=HVCALL_SEND_IPI_EX|(2 << 17) input=${PGS}
expect last.hvc.status == HV_STATUS_INVALID_HYPERCALL_INPUT
hvc HVCALL_SEND_IPI_EX vector=0x30 targets=[1] varhead=0
expect last.hvc.status == HV_STATUS_INVALID_HYPERCALL_INPUT
expect last.hvc.control == HVCALL_SEND_IPI_EX
expect vp[1].irq[0x30] == 0
# HV_GENERIC_SET_ALL has no banks: a header size is still checked against valid_bank_mask
hvc HVCALL_SEND_IPI_EX vector=0x30 varhead=1
expect last.hvc.status == HV_STATUS_INVALID_HYPERCALL_INPUT
hvc HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE_EX targets=[1] varhead=2
expect last.hvc.status == HV_STATUS_INVALID_HYPERCALL_INPUT
expect partition.flushes == 0
hvc raw control=HVCALL_SEND_IPI_EX|(1 << 17) input=${PGS}
expect last.hvc.status == HV_STATUS_SUCCESS
expect vp[1].irq[0x30] == 1
`);
  });

  it('a call documented without a variable header refuses one', () => {
    run(`${INIT}hvc HVCALL_SEND_IPI vector=0x30 targets=[1] varhead=1
expect last.hvc.status == HV_STATUS_INVALID_HYPERCALL_INPUT
hvc HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE varhead=1
expect last.hvc.status == HV_STATUS_INVALID_HYPERCALL_INPUT
hvc HVCALL_GET_VP_REGISTERS names=[VPINDEX] varhead=3
expect last.hvc.status == HV_STATUS_INVALID_HYPERCALL_INPUT
vpreg VPINDEX
expect last.hvc.status == HV_STATUS_SUCCESS
`);
  });

  it('counts the header in the input size: a fast call whose banks overflow X2..X17 is refused', () => {
    // 24 bytes of fixed header + 14 banks = 136 > 128
    run(`${INIT}hvc HVCALL_SEND_IPI_EX fast vector=0x30 targets=[1] varhead=14
expect last.hvc.status == HV_STATUS_INVALID_HYPERCALL_INPUT
`);
  });

  it('varhead= beyond 10 bits is a scenario error', () => {
    expect(() => run(`${INIT}hvc HVCALL_SEND_IPI_EX vector=0x30 varhead=0x400\n`)).toThrow(/varhead=1024 does not fit/);
  });
});

describe('randomized', () => {
  it('control words round-trip through decode and encode', () => {
    const rnd = mulberry32(7);
    for (let i = 0; i < 2000; i++) {
      const code = Math.floor(rnd() * 0x10000);
      const fast = rnd() < 0.5;
      const reps = Math.floor(rnd() * 0x1000);
      const start = Math.floor(rnd() * 0x1000);
      const varHead = Math.floor(rnd() * 0x400);
      const c = encodeControl(code, fast, reps, start, varHead);
      expect(decodeControl(c)).toEqual({ code, fast, varHead, repCount: reps, repStart: start, reserved: 0n });
    }
  });

  it('guest memory snapshots equal a plain byte model under random writes and restores', () => {
    const rnd = mulberry32(11);
    const g = new GuestMemory();
    let model = new Map<number, number>();
    const snaps: Array<{ s: ReturnType<GuestMemory['snapshot']>; model: Map<number, number> }> = [];
    for (let i = 0; i < 400; i++) {
      const r = rnd();
      if (r < 0.6) {
        const addr = Math.floor(rnd() * 5 * 4096);
        const len = 1 + Math.floor(rnd() * 40);
        const bytes = Uint8Array.from({ length: len }, () => Math.floor(rnd() * 256));
        g.write(BigInt(addr), bytes);
        bytes.forEach((b, j) => model.set(addr + j, b));
      } else if (r < 0.8) {
        snaps.push({ s: g.snapshot(), model: new Map(model) });
      } else if (snaps.length) {
        const pick = snaps[Math.floor(rnd() * snaps.length)] as (typeof snaps)[number];
        g.restore(pick.s);
        model = new Map(pick.model);
      }
      const probe = Math.floor(rnd() * 5 * 4096);
      const got = g.read(BigInt(probe), 64);
      for (let j = 0; j < 64; j++) expect(got[j]).toBe(model.get(probe + j) ?? 0);
    }
  });
});
