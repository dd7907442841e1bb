import { describe, expect, it } from 'vitest';
import { cli, ev, run, show, sim } from '../support/kit';

const OSID = 'vpreg GUEST_OSID = 0x8100_0000_0000_0000\n';

/** The diagnostic of a scenario that must stop with a scenario error (exit 2). */
function scenarioError(source: string): string {
  const r = cli(source);
  expect(r.code).toBe(2);
  return r.err.join('\n');
}

describe('SCENARIO.md §4: a statement value that does not fit its field is a scenario error', () => {
  const cases: Array<[string, RegExp]> = [
    ['hvc HVCALL_POST_MESSAGE connection=1 type=0x1_0000_0001', /^t\.kstep:2:43: error: type= 0x100000001 does not fit its 32-bit field$/],
    ['hvc HVCALL_POST_MESSAGE connection=0x1_0000_0000 type=1', /^t\.kstep:2:36: error: connection= 0x100000000 does not fit its 32-bit field$/],
    ['hvc HVCALL_SIGNAL_EVENT connection=1 flag=0x10000', /^t\.kstep:2:43: error: flag= 0x10000 does not fit its 16-bit field$/],
    ['hvc HVCALL_SEND_IPI vector=0x1_0000_0020 targets=[0]', /vector= 0x100000020 does not fit its 32-bit field/],
    ['hvc HVCALL_GET_VP_REGISTERS names=[VPINDEX] target_vp=0x1_0000_0000', /target_vp= 0x100000000 does not fit its 32-bit field/],
    ['hvc HVCALL_GET_VP_REGISTERS names=[0x1_0009_0003]', /names= register 0x100090003 does not fit its 32-bit field/],
    ['hvc HVCALL_SET_VP_REGISTERS names=[SINT2] values=[1 << 64]', /values= element 0x10000000000000000 does not fit its 64-bit field/],
    ['hvc HVCALL_POST_MESSAGE connection=1 payload=[1, 1 << 64]', /payload= element 0x10000000000000000 does not fit its 64-bit field/],
    ['hostmsg sint=2 type=0x1_0000_0000', /type= 0x100000000 does not fit its 32-bit field/],
    // Over 240 bytes is the hypervisor's to refuse (synic.test.ts); past the input page the statement cannot write it.
    ['hvc HVCALL_POST_MESSAGE connection=1 type=1 payload=[0..510]', /payload= has 511 qwords: the hypercall input page holds at most 510/],
    ['gpa write 0x1000 [1 << 64]', /<values> element 0x10000000000000000 does not fit its 64-bit field/],
    ['hvc raw control=1 << 64', /control= 0x10000000000000000 does not fit its 64-bit field/],
    ['hvc raw control=HVCALL_POST_MESSAGE input=-(1 << 63) - 1', /input= -9223372036854775809 does not fit its 64-bit field/],
  ];
  for (const [stmt, err] of cases) {
    it(stmt, () => {
      expect(scenarioError(`${OSID}${stmt}\n`)).toMatch(err);
    });
  }

  it('a negative value that fits the signed field is its two\'s complement', () => {
    run(`partition vps=1
${OSID}vpreg SIMP = 0x20001
vpreg SCONTROL = 1
port 1 vp=0 sint=2
# -1 is 0xffffffff: a message type with the high bit set
hvc HVCALL_POST_MESSAGE connection=1 type=-1
expect last.hvc.status == HV_STATUS_INVALID_PARAMETER
vpreg SIRBP = -1
expect vp[0].reg.SIRBP == 0xffff_ffff_ffff_ffff
`);
  });
});

describe('SCENARIO.md §4: the 1-VP partition is created on first use, a read of vp[0] included', () => {
  it('vp[0] reads before any Hyper-V statement, and the read creates the partition', () => {
    run(`expect vp[0].reg.SINT0.masked
expect vp[0].reg.SVERSION == 1
expect partition.created
expect partition.vps == 1
expect len(vp) == 1
`);
    expect(scenarioError('print vp[0].index\npartition vps=2\n')).toMatch(/^t\.kstep:2:15: error: the partition already exists \(1 VP\)$/);
  });

  it('a read of len(vp) or partition.<field> is a use too: it creates the 1-VP partition', () => {
    run('expect len(vp) == 1\nexpect partition.vps == 1\n');
    run('expect partition.vps == 1\nexpect vp[0].reg.VPINDEX == 0\n');
    expect(scenarioError('print len(vp)\npartition vps=2\n')).toMatch(/^t\.kstep:2:15: error: the partition already exists \(1 VP\)$/);
  });

  it('partition.created is read without creating it: false before the first use, true after', () => {
    run('expect partition.created == false\nexpect !partition.created\npartition vps=2\nexpect partition.created\nexpect len(vp) == 2\n');
    run('expect partition.created == false\nexpect len(vp) == 1\nexpect partition.created\n');
  });

  it('vp[1] of the default partition does not exist', () => {
    expect(scenarioError('print vp[1].index\n')).toMatch(/vp\[1\]: nothing at 0x1/);
  });

  it("a debugger's read at a stop shows a fresh VP 0 without creating the partition (replay could not rebuild it)", () => {
    const s = sim('print 1\npartition vps=2\n');
    expect(ev(s, 'vp[0].reg.SINT2')).toBe(0x10000n);
    expect(ev(s, 'vp[0].reg.VPINDEX')).toBe(0n);
    expect(ev(s, 'partition.created')).toBe(false);
    expect(show(s, 'len(vp)')).toBe('0');
    s.machine.resume('continue');
    expect(show(s, 'partition.vps')).toBe('2');
  });
});
