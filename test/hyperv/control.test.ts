import { describe, expect, it } from 'vitest';
import { CONTROL_RESERVED_MASK, decodeControl, encodeControl, encodeResult } from '../../src/sim/hyperv/tlfs';
import { run, show } from '../support/kit';

/** Every Hyper-V hypercall but the early register accesses needs the guest's identity first (TLFS, ARM64). */
const OSID = 'vpreg GUEST_OSID = 0x8100_0000_0000_0000\n';

describe('hypercall control word', () => {
  it('encodes code, fast, variable header size, rep count and rep start at bits 0-15, 16, 17-26, 32-43, 48-59', () => {
    expect(encodeControl(0x51, true, 1)).toBe(0x1_0001_0051n);
    expect(encodeControl(0x50, false, 0xfff, 0xabc)).toBe(0x0abc_0fff_0000_0050n);
    expect(encodeControl(0x5c, false)).toBe(0x5cn);
    // Linux hv_do_rep_hypercall(HVCALL_SEND_IPI_EX, 0, nr_bank = 1, ...)
    expect(encodeControl(0x15, false, 0, 0, 1)).toBe(0x2_0015n);
    expect(encodeControl(0x14, true, 3, 0, 0x3ff)).toBe(0x3_07ff_0014n);
  });

  it('decodes what it encodes', () => {
    for (const [code, fast, reps, start, varHead] of [[0x50, true, 1, 0, 0], [0x3, false, 17, 4, 2], [0xffff, true, 0xfff, 0xfff, 0x3ff]] as const) {
      const c = decodeControl(encodeControl(code, fast, reps, start, varHead));
      expect(c).toEqual({ code, fast, varHead, repCount: reps, repStart: start, reserved: 0n });
    }
  });

  it('flags every bit outside the fields as reserved: 27-31 ("is nested" included), 44-47, 60-63', () => {
    expect(CONTROL_RESERVED_MASK).toBe(0xf000_f000_f800_0000n);
    for (const b of [27, 30, 31, 44, 47, 60, 63]) expect(decodeControl(1n << BigInt(b)).reserved).toBe(1n << BigInt(b));
    for (const b of [0, 15, 16, 17, 26, 32, 43, 48, 59]) expect(decodeControl(1n << BigInt(b)).reserved).toBe(0n);
  });

  it('puts the status in bits 0-15 and reps completed in 32-43 of x0', () => {
    expect(encodeResult(5, 3)).toBe(0x3_0000_0005n);
  });
});

describe('hypercall dispatch (hvc raw)', () => {
  const cases: Array<[string, string]> = [
    ['control=0x77', 'HV_STATUS_INVALID_HYPERCALL_CODE'],
    ['control=0xffff', 'HV_STATUS_INVALID_HYPERCALL_CODE'],
    // a variable header on a call that takes none
    ['control=0x2005c', 'HV_STATUS_INVALID_HYPERCALL_INPUT'],
    ['control=0x800005c', 'HV_STATUS_INVALID_HYPERCALL_INPUT'],
    ['control=0x100000000005c', 'HV_STATUS_INVALID_HYPERCALL_INPUT'],
    ['control=0x8000000000000008', 'HV_STATUS_INVALID_HYPERCALL_INPUT'],
    ['control=0x10000005c', 'HV_STATUS_INVALID_HYPERCALL_INPUT'],
    ['control=0x1000000000008', 'HV_STATUS_INVALID_HYPERCALL_INPUT'],
    ['control=0x50', 'HV_STATUS_INVALID_HYPERCALL_INPUT'],
    ['control=0x0001000100000050', 'HV_STATUS_INVALID_HYPERCALL_INPUT'],
    ['control=0x5c input=0x1004', 'HV_STATUS_INVALID_ALIGNMENT'],
    // a call without output ignores the output GPA; one with output checks it
    ['control=0x5c input=0x1000 output=0x2002', 'HV_STATUS_INVALID_PARAMETER'],
    ['control=0x100000050 input=0x1000 output=0x2002', 'HV_STATUS_INVALID_ALIGNMENT'],
    ['control=0x100000050 input=0x1000 output=0x2ff8', 'HV_STATUS_INVALID_ALIGNMENT'],
    ['control=0x5c input=0x1f08', 'HV_STATUS_INVALID_ALIGNMENT'],
    // a zeroed post: message type 0 is refused before the connection is looked up
    ['control=0x5c input=0x1000', 'HV_STATUS_INVALID_PARAMETER'],
    ['control=0x10008', 'HV_STATUS_SUCCESS'],
    ['control=0x8 input=0x3000', 'HV_STATUS_SUCCESS'],
  ];
  for (const [args, status] of cases) {
    it(`hvc raw ${args} → ${status}`, () => {
      const s = run(`${OSID}hvc raw ${args}\n`);
      expect(show(s.machine, 'last.hvc.status')).toContain(status);
      expect(show(s.machine, `last.hvc.status == ${status}`)).toBe('true');
    });
  }

  it('reads slow-call input from guest memory', () => {
    run(`partition vps=1
vpreg GUEST_OSID = 0x8100_0000_0000_0000
vpreg SIMP = 0x20001
vpreg SCONTROL = 1
vpreg SINT4 = 0x30
port 7 vp=0 sint=4
# struct hv_input_post_message: connectionid 7, type 9, payload_size 8, payload [0x1234]
gpa write 0x5000 [0x7, 0x800000009, 0x1234]
hvc raw control=HVCALL_POST_MESSAGE input=0x5000
expect last.hvc.status == HV_STATUS_SUCCESS
expect vp[0].synic.msg[4].type == 9
expect vp[0].synic.msg[4].payload == [0x1234]
expect vp[0].synic.msg[4].sender == 7
`);
  });

  it('writes slow-call output to guest memory and reports reps completed', () => {
    run(`partition vps=2
vpreg GUEST_OSID = 0x8100_0000_0000_0000
# hv_get_vp_register_input: partition SELF, vp 1, names VPINDEX, SVERSION, 0x1234 (unknown), VPINDEX
gpa write 0x6000 [0xffffffffffffffff, 1, 0x000A001100090003, 0x0009000300001234]
hvc raw control=0x0000000400000050 input=0x6000 output=0x7000
expect last.hvc.status == HV_STATUS_INVALID_PARAMETER
expect last.hvc.reps_completed == 2
expect last.hvc.output == [1, 1]
gpa read 0x7000 32
expect last.bytes == [1,0,0,0,0,0,0,0, 0,0,0,0,0,0,0,0, 1,0,0,0,0,0,0,0, 0,0,0,0,0,0,0,0]
hvc raw control=0x0002000400000050 input=0x6000 output=0x7000
expect last.hvc.status == HV_STATUS_INVALID_PARAMETER
expect last.hvc.reps_completed == 2
expect last.hvc.output == []
`);
  });

  it('rejects a rep start at or beyond the rep count', () => {
    run(`${OSID}hvc HVCALL_GET_VP_REGISTERS names=[VPINDEX] rep_start=1
expect last.hvc.status == HV_STATUS_INVALID_HYPERCALL_INPUT
hvc HVCALL_GET_VP_REGISTERS names=[VPINDEX, SVERSION] rep_start=1
expect last.hvc.status == HV_STATUS_SUCCESS
expect last.hvc.reps_completed == 2
expect last.hvc.output == [1]
`);
  });

  it('rejects a fast call whose input does not fit x2..x17', () => {
    run(`${OSID}hvc HVCALL_POST_MESSAGE fast connection=1 type=1
expect last.hvc.status == HV_STATUS_INVALID_HYPERCALL_INPUT
`);
  });

  it('raises hv_error when the status is not SUCCESS', () => {
    const s = run('hvc raw control=0x77\n');
    const m = s.machine;
    expect(show(m, 'last.hvc.code')).toBe('119');
    const s2 = run(`${OSID}hvc HVCALL_SIGNAL_EVENT connection=9\n`);
    expect(show(s2.machine, 'last.hvc.status')).toBe('HV_STATUS_INVALID_CONNECTION_ID (18)');
  });
});
