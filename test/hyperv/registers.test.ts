import { describe, expect, it } from 'vitest';
import { REGS } from '../../src/sim/hyperv/tlfs';
import { REGISTRY, loadScenario } from '../../src/sim';
import { ev, run, show, sim } from '../support/kit';

/** Every Hyper-V hypercall but the early register accesses needs the guest's identity first (TLFS, ARM64). */
const OSID = 'vpreg GUEST_OSID = 0x8100_0000_0000_0000\n';

describe('VP registers', () => {
  it('has every register of reference 000 per VP, SIMP/SIEFP named for SIPP/SIFP', () => {
    const s = run('partition vps=3\nvpreg GUEST_OSID = 0x8100_0000_0000_0000\n');
    expect(show(s.machine, 'len(vp[2].reg)')).toBe(String(REGS.length));
    const names = REGS.map((r) => r.name);
    for (const n of ['SINT0', 'SINT15', 'SIMP', 'SIEFP', 'SCONTROL', 'SVERSION', 'EOM', 'SIRBP', 'STIMER0_CONFIG', 'STIMER3_COUNT', 'VPINDEX',
      'TIME_REFCOUNT', 'REFERENCE_TSC', 'GUEST_OSID', 'CRASH_P0', 'CRASH_P4', 'CRASH_CTL', 'HYPERVISOR_VERSION', 'FEATURES',
      'PRIVILEGES_AND_FEATURES', 'IMPLEMENTATION_LIMITS', 'INTERFACE_VERSION']) {
      expect(names).toContain(n);
      expect(() => ev(s.machine, `vp[2].reg.${n}`)).not.toThrow();
    }
    expect(show(s.machine, 'vp[2].reg.VPINDEX')).toBe('2');
  });

  it("answers to the header's names too: vp[i].reg.SIPP is SIMP, SIFP is SIEFP, HV_REGISTER_SINT2 is SINT2 (not listed twice)", () => {
    const s = run(`partition vps=1
${OSID}vpreg SIMP = 0x20001
vpreg SIEFP = 0x21001
expect vp[0].reg.SIPP == 0x20001
expect vp[0].reg.SIPP.enabled
expect vp[0].reg.SIFP.base_gpa == 0x21000
expect vp[0].reg.HV_REGISTER_SINT2.masked
expect vp[0].reg.HV_ARM64_REGISTER_INTERFACE_VERSION == vp[0].reg.INTERFACE_VERSION
`);
    expect(show(s.machine, 'len(vp[0].reg)')).toBe(String(REGS.length));
    // The checker takes them as paths: no "has no 'SIPP'" warning.
    const checked = loadScenario('t.kstep', 'expect vp[0].reg.SIPP.enabled\nexpect vp[0].reg.SIFP == 0\nprint vp[0].reg.SIPX\n');
    expect([checked.diagnostics, checked.warnings?.map((w) => w.range.line)]).toEqual([[], [3]]);
  });

  it('creates a 1-VP partition on first use', () => {
    run(`vpreg GUEST_OSID
expect last.hvc.status == HV_STATUS_SUCCESS
expect last.value == 0
expect partition.vps == 1
expect len(vp) == 1
`);
  });

  it('starts with every SINT masked, SVERSION 1, EOM reading 0', () => {
    run(`partition vps=1
vpreg GUEST_OSID = 0x8100_0000_0000_0000
expect vp[0].reg.SINT0.value == 0x10000
expect vp[0].reg.SINT15.masked
vpreg SVERSION
expect last.value == 1
vpreg EOM
expect last.value == 0
vpreg SINT7
expect last.value == HV_SYNIC_SINT_MASKED
`);
  });

  it('decodes the structured registers', () => {
    run(`${OSID}vpreg SINT2 = 0x20031
expect vp[0].reg.SINT2.vector == 0x31
expect vp[0].reg.SINT2.masked == 0
expect vp[0].reg.SINT2.auto_eoi == 1
vpreg SIMP = 0x20001
expect vp[0].reg.SIMP.enabled
expect vp[0].reg.SIMP.base_gpa == 0x20000
vpreg SIEFP = 0x21000
expect vp[0].reg.SIEFP.enabled == 0
expect vp[0].reg.SIEFP.base_gpa == 0x21000
vpreg SCONTROL = 1
expect vp[0].reg.SCONTROL.enable
vpreg STIMER1_CONFIG = 0x3_1ff6
expect vp[0].reg.STIMER1_CONFIG.periodic
expect vp[0].reg.STIMER1_CONFIG.lazy
expect vp[0].reg.STIMER1_CONFIG.auto_enable == 0
expect vp[0].reg.STIMER1_CONFIG.apic_vector == 0xff
expect vp[0].reg.STIMER1_CONFIG.direct_mode == 1
expect vp[0].reg.STIMER1_CONFIG.sintx == 3
`);
  });

  it('rejects an unmasked SINT with a vector below 16, accepts it masked', () => {
    run(`${OSID}vpreg SINT2 = 0xf
expect last.hvc.status == HV_STATUS_INVALID_PARAMETER
expect vp[0].reg.SINT2.value == 0x10000
vpreg SINT2 = 0x1000f
expect last.hvc.status == HV_STATUS_SUCCESS
vpreg SINT2 = 0x10
expect last.hvc.status == HV_STATUS_SUCCESS
`);
  });

  for (const r of ['VPINDEX', 'TIME_REFCOUNT', 'SVERSION', 'HYPERVISOR_VERSION', 'FEATURES', 'PRIVILEGES_AND_FEATURES', 'IMPLEMENTATION_LIMITS', 'INTERFACE_VERSION']) {
    it(`rejects writes to read-only ${r}`, () => {
      run(`${OSID}vpreg ${r}
vpreg ${r} = 0x1234
expect last.hvc.status == HV_STATUS_INVALID_PARAMETER
expect last.hvc.reps_completed == 0
`);
    });
  }

  it('rejects unknown register numbers, for reads and writes', () => {
    run(`${OSID}vpreg 0x12345
expect last.hvc.status == HV_STATUS_INVALID_PARAMETER
vpreg 0x12345 = 1
expect last.hvc.status == HV_STATUS_INVALID_PARAMETER
`);
  });

  it('accepts names with and without HV_REGISTER_, SIPP/SIFP, and numbers', () => {
    run(`${OSID}vpreg HV_REGISTER_SINT3 = 0x33
expect vp[0].reg.SINT3.vector == 0x33
vpreg 0xA0004 = 0x44
expect vp[0].reg.SINT4.vector == 0x44
vpreg HV_REGISTER_SINT0 + 5 = 0x55
expect vp[0].reg.SINT5.vector == 0x55
vpreg SIPP = 0x40001
expect vp[0].reg.SIMP.base_gpa == 0x40000
vpreg HV_REGISTER_SIFP = 0x41001
expect vp[0].reg.SIEFP.base_gpa == 0x41000
`);
  });

  it('advertises TIME_REF_COUNT, SYNTIMER, REFERENCE_TSC, GUEST_CRASH_MSR and STIMER_DIRECT_MODE', () => {
    run(`vpreg PRIVILEGES_AND_FEATURES
expect last.value & HV_MSR_TIME_REF_COUNT_AVAILABLE
expect last.value & HV_MSR_SYNTIMER_AVAILABLE
expect last.value & HV_MSR_REFERENCE_TSC_AVAILABLE
expect (last.hvc.output[0] >> 64) & HV_FEATURE_GUEST_CRASH_MSR_AVAILABLE
expect (last.hvc.output[0] >> 64) & HV_STIMER_DIRECT_MODE_AVAILABLE
expect vp[0].reg.PRIVILEGES_AND_FEATURES.stimer_direct_mode_available
expect vp[0].reg.PRIVILEGES_AND_FEATURES.guest_crash_msr_available
expect vp[0].reg.FEATURES.deprecating_aeoi_recommended
`);
  });

  it('keeps registers per VP; vp= picks the calling VP', () => {
    run(`partition vps=2
vpreg GUEST_OSID = 0x8100_0000_0000_0000
vpreg vp=1 SINT2 = 0x22
expect vp[1].reg.SINT2.vector == 0x22
expect vp[0].reg.SINT2.value == 0x10000
vpreg vp=1 VPINDEX
expect last.value == 1
`);
  });

  it('reads TIME_REFCOUNT as simulated time in 100 ns units', () => {
    run(`vpreg TIME_REFCOUNT
expect last.value == 0
advance 1ms
vpreg TIME_REFCOUNT
expect last.value == 10000
expect last.value == time.ticks
`);
  });

  it('steps vpreg through hv_set_vpreg → hv_do_hvc → the handler', () => {
    const t = sim(`${OSID}vpreg SINT2 = 0x10\nvpreg SINT2\n`);
    const m = t.machine;
    const seen: string[][] = [];
    for (let i = 0; i < 80 && !m.ended; i++) {
      m.resume('in');
      if (m.at === 'kernel') seen.push(m.frames.map((f) => f.fn.name));
    }
    expect(seen).toContainEqual(['hv_set_vpreg', 'hv_do_hvc', 'hv_hvc_handler', 'hvcall_set_vp_registers']);
    expect(seen).toContainEqual(['hv_get_vpreg', 'hv_do_hvc_fast_get', 'hv_hvc_handler', 'hvcall_get_vp_registers']);
  });

  it('sets last.hvc for vpreg as a fast SET_VP_REGISTERS, rep count 1', () => {
    run(`vpreg GUEST_OSID = 0x8100_0000_0000_0000
expect last.hvc.code == HVCALL_SET_VP_REGISTERS
expect last.hvc.control == HVCALL_SET_VP_REGISTERS | HV_HYPERCALL_FAST_BIT | HV_HYPERCALL_REP_COUNT_1
expect last.hvc.reps_completed == 1
expect vp[0].reg.GUEST_OSID.vendor_id == HV_LINUX_VENDOR_ID
vpreg GUEST_OSID
expect last.value == 0x8100_0000_0000_0000
`);
  });

  it('HVCALL_GET/SET_VP_REGISTERS with names and values, partition and target_vp', () => {
    run(`partition vps=2
vpreg GUEST_OSID = 0x8100_0000_0000_0000
hvc HVCALL_SET_VP_REGISTERS names=[SINT1, SINT2] values=[0x11, 0x22] target_vp=1
expect last.hvc.status == HV_STATUS_SUCCESS
expect last.hvc.reps_completed == 2
hvc HVCALL_GET_VP_REGISTERS names=[SINT1, SINT2, VPINDEX] target_vp=1
expect last.hvc.output == [0x11, 0x22, 1]
hvc HVCALL_GET_VP_REGISTERS names=[VPINDEX] partition=5
expect last.hvc.status == HV_STATUS_INVALID_PARTITION_ID
hvc HVCALL_GET_VP_REGISTERS names=[VPINDEX] target_vp=7
expect last.hvc.status == HV_STATUS_INVALID_VP_INDEX
hvc HVCALL_SET_VP_REGISTERS names=[SINT1, VPINDEX, SINT3] values=[0x12, 0, 0x33]
expect last.hvc.status == HV_STATUS_INVALID_PARAMETER
expect last.hvc.reps_completed == 1
expect vp[0].reg.SINT1.vector == 0x12
expect vp[0].reg.SINT3.masked
hvc HVCALL_GET_VP_REGISTERS fast names=[VPINDEX, SVERSION]
expect last.hvc.output == [0, 1]
`);
  });

  it('CRASH_CTL with CRASH_NOTIFY keeps CRASH_P0..4', () => {
    run(`vpreg CRASH_P0 = 0x10
vpreg CRASH_P1 = 0x11
vpreg CRASH_P4 = 0x14
expect partition.crashed == false
vpreg CRASH_CTL = HV_CRASH_CTL_CRASH_NOTIFY_MSG
expect partition.crashed == false
vpreg CRASH_CTL = HV_CRASH_CTL_CRASH_NOTIFY
expect partition.crashed
expect partition.crash.p0 == 0x10
expect partition.crash.p1 == 0x11
expect partition.crash.p4 == 0x14
vpreg CRASH_P0 = 0x99
expect partition.crash.p0 == 0x10
vpreg CRASH_CTL
expect last.value == HV_CRASH_CTL_CRASH_NOTIFY
`);
  });

  it('publishes the TSC page: ((counter * scale) >> 64) + offset == TIME_REFCOUNT', () => {
    run(`${OSID}advance 1234567ns
vpreg REFERENCE_TSC = 0x50001
expect partition.tsc.tsc_sequence != 0
gpa read 0x50000 4
expect last.bytes == [1, 0, 0, 0]
expect ((partition.tsc.counter * partition.tsc.tsc_scale) >> 64) + partition.tsc.tsc_offset == time.ticks
advance 987654321ns
expect ((partition.tsc.counter * partition.tsc.tsc_scale) >> 64) + partition.tsc.tsc_offset == time.ticks
vpreg TIME_REFCOUNT
expect ((partition.tsc.counter * partition.tsc.tsc_scale) >> 64) + partition.tsc.tsc_offset == last.value
vpreg REFERENCE_TSC = 0x50001
expect partition.tsc.tsc_sequence == 2
`);
  });

  it('refuses a second partition and out-of-range VPs', () => {
    const s = sim('partition vps=1\nvpreg GUEST_OSID = 0x8100_0000_0000_0000\npartition vps=2\n');
    const stop = s.machine.resume('continue');
    expect(stop.exception?.message).toMatch(/already exists/);
    const t = sim('partition vps=1\nvpreg GUEST_OSID = 0x8100_0000_0000_0000\nvpreg vp=3 VPINDEX\n');
    expect(t.machine.resume('continue').exception?.message).toMatch(/no VP 3/);
  });
});

/*
 * TLFS HvCallSetVpRegisters / HvCallGetVpRegisters, "Early Register List
 * (ARM64)", and hypercall-interface.md: on ARM64 a non-zero GUEST_OSID must
 * be written before hypercalls can be invoked, the register calls on their
 * early lists excepted.
 */
describe('TLFS ARM64 early register lists (before GUEST_OSID)', () => {
  const EARLY_SET = ['GUEST_OSID', 'SYNTHETIC_VBAR_EL1', 'CRASH_CTL', 'CRASH_P0', 'CRASH_P1', 'CRASH_P2', 'CRASH_P3', 'CRASH_P4'];
  const EARLY_GET = [...EARLY_SET, 'HYPERVISOR_VERSION', 'PRIVILEGES_AND_FEATURES', 'FEATURES', 'IMPLEMENTATION_LIMITS', 'HARDWARE_FEATURES',
    'TIME_REFCOUNT', 'SYNTHETIC_ESR_EL1'];
  const LATE = ['SINT0', 'SIMP', 'SIEFP', 'SCONTROL', 'SVERSION', 'EOM', 'VPINDEX', 'REFERENCE_TSC', 'STIMER0_CONFIG', 'STIMER0_COUNT', 'INTERFACE_VERSION'];

  it('sets only GUEST_OSID, SYNTHETIC_VBAR_EL1 and the crash registers', () => {
    let src = 'partition vps=1\n';
    for (const r of EARLY_SET.filter((x) => x !== 'GUEST_OSID' && x !== 'CRASH_CTL')) src += `vpreg ${r} = 0x1000\nexpect last.hvc.status == HV_STATUS_SUCCESS\nexpect vp[0].reg.${r} == 0x1000\n`;
    src += 'vpreg CRASH_CTL = 0\nexpect last.hvc.status == HV_STATUS_SUCCESS\n';
    for (const r of ['SINT0', 'SIMP', 'SIEFP', 'SCONTROL', 'SIRBP', 'REFERENCE_TSC', 'STIMER0_CONFIG', 'STIMER0_COUNT', 'EOM']) {
      src += `vpreg ${r} = 0x30001\nexpect last.hvc.status == HV_STATUS_ACCESS_DENIED\nexpect last.hvc.reps_completed == 0\n`;
    }
    src += 'expect vp[0].reg.SINT0 == HV_SYNIC_SINT_MASKED\nexpect vp[0].reg.SIMP == 0\nexpect vp[0].reg.REFERENCE_TSC == 0\nexpect partition.tsc.enabled == false\n';
    run(src);
  });

  it('reads only those and the version, feature, limits and TIME_REFCOUNT registers', () => {
    let src = 'partition vps=1\n';
    for (const r of EARLY_GET) src += `vpreg ${r}\nexpect last.hvc.status == HV_STATUS_SUCCESS\n`;
    for (const r of LATE) src += `vpreg ${r}\nexpect last.hvc.status == HV_STATUS_ACCESS_DENIED\nexpect last.hvc.output == []\n`;
    // Reading state in an expression is not a hypercall.
    src += 'expect vp[0].reg.VPINDEX == 0\nexpect vp[0].reg.SVERSION == 1\n';
    run(src);
  });

  it('refuses every other hypercall and changes nothing', () => {
    run(`partition vps=2
vpreg vp=1 CRASH_P0 = 1
port 1 vp=0 sint=2
hvc HVCALL_POST_MESSAGE connection=1 type=1
expect last.hvc.status == HV_STATUS_ACCESS_DENIED
hvc HVCALL_SEND_IPI vector=0x20 targets=[1]
expect last.hvc.status == HV_STATUS_ACCESS_DENIED
expect vp[1].ipis == 0
hvc HVCALL_NOTIFY_LONG_SPIN_WAIT fast
expect last.hvc.status == HV_STATUS_ACCESS_DENIED
expect partition.spin_waits == 0
hvc HVCALL_START_VIRTUAL_PROCESSOR target_vp=1
expect last.hvc.status == HV_STATUS_ACCESS_DENIED
expect vp[1].started == false
hvc HVCALL_FLUSH_VIRTUAL_ADDRESS_LIST rep=2
expect last.hvc.status == HV_STATUS_ACCESS_DENIED
expect last.hvc.reps_completed == 0
expect partition.flushes == 0
# an unknown code is still an unknown code
hvc raw control=0xbeef
expect last.hvc.status == HV_STATUS_INVALID_HYPERCALL_CODE
`);
  });

  it('opens everything once GUEST_OSID is non-zero, from the next element of the same call on; zero closes it again', () => {
    run(`partition vps=1
hvc HVCALL_SET_VP_REGISTERS names=[SINT2, GUEST_OSID, SINT2] values=[0x22, 0x8100_0000_0000_0000, 0x22]
expect last.hvc.status == HV_STATUS_ACCESS_DENIED
expect last.hvc.reps_completed == 0
hvc HVCALL_SET_VP_REGISTERS names=[GUEST_OSID, SINT2] values=[0x8100_0000_0000_0000, 0x22]
expect last.hvc.status == HV_STATUS_SUCCESS
expect last.hvc.reps_completed == 2
expect vp[0].reg.SINT2.vector == 0x22
vpreg VPINDEX
expect last.hvc.status == HV_STATUS_SUCCESS
vpreg GUEST_OSID = 0
vpreg SINT2 = 0x23
expect last.hvc.status == HV_STATUS_ACCESS_DENIED
expect vp[0].reg.SINT2.vector == 0x22
`);
  });

  it('steps a refused call to the osid line of hv_hvc_handler and a refused register to the early line', () => {
    const t = sim('vpreg SINT2 = 0x10\nhvc HVCALL_NOTIFY_LONG_SPIN_WAIT fast\n');
    const lines: Array<[string, number]> = [];
    while (!t.machine.ended) {
      t.machine.resume('in');
      const top = t.machine.frames[t.machine.frames.length - 1];
      if (top) lines.push([top.fn.name, top.line]);
    }
    const labelLine = (fn: string, label: string): number =>
      REGISTRY.sources.find((x) => x.path === 'hypervisor/hv_hypercall.c')?.functions.get(fn)?.labels.get(label) ?? -1;
    expect(lines).toContainEqual(['hvcall_set_vp_registers', labelLine('hvcall_set_vp_registers', 'early')]);
    expect(lines).toContainEqual(['hv_hvc_handler', labelLine('hv_hvc_handler', 'osid')]);
  });
});

/*
 * KVM selftest x86_64/hyperv_clock.c, guest_main: the stages that do not
 * need a host clock reset (KVM_SET_CLOCK) or re-enlightenment.
 */
describe('hyperv_clock: guest_main', () => {
  const TSC = 0x30000;
  const page = `partition.tsc`;
  it('stage 3: a TSC page set up disabled stays clean; stage 4: enabled, its sequence is non-zero', () => {
    run(`${OSID}vpreg REFERENCE_TSC = ${TSC}
gpa read ${TSC} 24
expect last.bytes == [${new Array(24).fill(0).join(', ')}]
vpreg REFERENCE_TSC = ${TSC} | 1
expect ${page}.tsc_sequence != 0
`);
  });

  it('check_tsc_msr_tsc_page: the page\'s time is at most TIME_REFCOUNT and within 10 ms of it, twice', () => {
    run(`${OSID}vpreg REFERENCE_TSC = ${TSC} | 1
advance 3ms
vpreg TIME_REFCOUNT
expect last.value >= ((${page}.counter * ${page}.tsc_scale) >> 64) + ${page}.tsc_offset
expect last.value - (((${page}.counter * ${page}.tsc_scale) >> 64) + ${page}.tsc_offset) < 100000
advance 1234567ns
vpreg TIME_REFCOUNT
expect last.value >= ((${page}.counter * ${page}.tsc_scale) >> 64) + ${page}.tsc_offset
expect last.value - (((${page}.counter * ${page}.tsc_scale) >> 64) + ${page}.tsc_offset) < 100000
`);
  });

  it('stage 10: a disabled page the guest zeroed is not written again', () => {
    run(`${OSID}vpreg REFERENCE_TSC = ${TSC} | 1
vpreg REFERENCE_TSC = 0
gpa write ${TSC} [0, 0, 0]
advance 1ms
vpreg TIME_REFCOUNT
gpa read ${TSC} 24
expect last.bytes == [${new Array(24).fill(0).join(', ')}]
`);
  });
});
