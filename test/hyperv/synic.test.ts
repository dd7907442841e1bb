import { describe, expect, it } from 'vitest';
import { run, show } from '../support/kit';

/** Every Hyper-V hypercall but the early register accesses needs the guest's identity first (TLFS, ARM64). */
const OSID = 'vpreg GUEST_OSID = 0x8100_0000_0000_0000\n';

const SYNIC_ON = `partition vps=2
vpreg GUEST_OSID = 0x8100_0000_0000_0000
vpreg SIMP = 0x20001
vpreg SIEFP = 0x21001
vpreg SINT2 = 0x10
vpreg SCONTROL = 1
`;

describe('SynIC messages (kvm-unit-tests hyperv_synic / hyperv_connections)', () => {
  it('HvCallPostMessage to a VP whose SCONTROL.enable or SIMP is off: HV_STATUS_INVALID_SYNIC_STATE, nothing queued', () => {
    run(`partition vps=1
vpreg GUEST_OSID = 0x8100_0000_0000_0000
vpreg SINT2 = 0x10
port 1 vp=0 sint=2
hvc HVCALL_POST_MESSAGE connection=1 type=5 payload=[7]
expect last.hvc.status == HV_STATUS_INVALID_SYNIC_STATE
expect last.hvc.status == 0x18
expect vp[0].synic.queued[2] == 0
vpreg SIMP = 0x20001
hvc HVCALL_POST_MESSAGE connection=1 type=5 payload=[7]
expect last.hvc.status == HV_STATUS_INVALID_SYNIC_STATE
expect vp[0].synic.queued[2] == 0
vpreg SCONTROL = 1
expect vp[0].synic.msg[2].type == HVMSG_NONE
vpreg SIMP = 0x20000
hvc HVCALL_POST_MESSAGE connection=1 type=5 payload=[7]
expect last.hvc.status == HV_STATUS_INVALID_SYNIC_STATE
vpreg SIMP = 0x20001
hvc HVCALL_POST_MESSAGE connection=1 type=5 payload=[7]
expect last.hvc.status == HV_STATUS_SUCCESS
expect vp[0].synic.msg[2].type == 5
expect vp[0].synic.raised[2] == 1
`);
  });

  it('a host message waits while SCONTROL.enable or SIMP is off and is delivered once both are on', () => {
    run(`partition vps=1
vpreg GUEST_OSID = 0x8100_0000_0000_0000
vpreg SINT2 = 0x10
hostmsg sint=2 type=5 payload=[7]
expect vp[0].synic.queued[2] == 1
vpreg SIMP = 0x20001
expect vp[0].synic.msg[2].type == HVMSG_NONE
vpreg SCONTROL = 1
expect vp[0].synic.msg[2].type == 5
expect vp[0].synic.queued[2] == 0
expect vp[0].synic.raised[2] == 1
`);
  });

  it('raises every SINT once through its own connection, each at its vector', () => {
    let src = 'partition vps=1\nvpreg GUEST_OSID = 0x8100_0000_0000_0000\nvpreg SIMP = 0x20001\nvpreg SCONTROL = 1\n';
    for (let s = 0; s < 16; s++) src += `vpreg SINT${s} = ${0xf0 + s}\nport ${100 + s} vp=0 sint=${s}\nhvc HVCALL_POST_MESSAGE connection=${100 + s} type=${s + 1}\n`;
    for (let s = 0; s < 16; s++) src += `expect vp[0].synic.raised[${s}] == 1\nexpect vp[0].synic.msg[${s}].type == ${s + 1}\nexpect vp[0].irq[${0xf0 + s}] == 1\n`;
    run(src);
  });

  it('copies a message into a masked SINT without raising it', () => {
    run(`partition vps=1
vpreg GUEST_OSID = 0x8100_0000_0000_0000
vpreg SIMP = 0x20001
vpreg SCONTROL = 1
port 1 vp=0 sint=3
hvc HVCALL_POST_MESSAGE connection=1 type=1
expect vp[0].synic.msg[3].type == 1
expect vp[0].synic.raised[3] == 0
`);
  });

  it('busy slot: msg_pending, queued, redelivered after the guest clears the type and writes EOM', () => {
    run(`${SYNIC_ON}port 1 vp=0 sint=2
hvc HVCALL_POST_MESSAGE connection=1 type=1 payload=[0x11]
hvc HVCALL_POST_MESSAGE connection=1 type=2 payload=[0x22]
hvc HVCALL_POST_MESSAGE connection=1 type=3 payload=[0x33]
expect vp[0].synic.msg[2].type == 1
expect vp[0].synic.msg[2].pending
expect vp[0].synic.queued[2] == 2
# EOM alone does not overwrite a busy slot
eom
expect vp[0].synic.msg[2].type == 1
ack sint=2
expect vp[0].synic.msg[2].type == 2
expect vp[0].synic.msg[2].pending
ack sint=2
expect vp[0].synic.msg[2].type == 3
expect vp[0].synic.msg[2].pending == false
expect vp[0].synic.raised[2] == 3
ack sint=2
expect vp[0].synic.msg[2].type == HVMSG_NONE
expect vp[0].synic.raised[2] == 3
`);
  });

  it('ack writes EOM only when msg_pending was set (vmbus_signal_eom)', () => {
    run(`${SYNIC_ON}port 1 vp=0 sint=2
hvc HVCALL_POST_MESSAGE connection=1 type=1
ack sint=2
expect vp[0].eoms == 0
hvc HVCALL_POST_MESSAGE connection=1 type=1
hvc HVCALL_POST_MESSAGE connection=1 type=2
ack sint=2
expect vp[0].eoms == 1
expect last.hvc.code == HVCALL_SET_VP_REGISTERS
`);
  });

  it('keeps at most 16 queued messages per SINT: HV_STATUS_INSUFFICIENT_BUFFERS', () => {
    let src = `${SYNIC_ON}port 1 vp=0 sint=2\nhvc HVCALL_POST_MESSAGE connection=1 type=1\n`;
    for (let i = 0; i < 16; i++) src += 'hvc HVCALL_POST_MESSAGE connection=1 type=2\nexpect last.hvc.status == HV_STATUS_SUCCESS\n';
    src += 'expect vp[0].synic.queued[2] == 16\nhvc HVCALL_POST_MESSAGE connection=1 type=3\nexpect last.hvc.status == HV_STATUS_INSUFFICIENT_BUFFERS\n';
    src += 'ack sint=2\nhvc HVCALL_POST_MESSAGE connection=1 type=3\nexpect last.hvc.status == HV_STATUS_SUCCESS\n';
    run(src);
  });

  it('validates HVCALL_POST_MESSAGE', () => {
    run(`${SYNIC_ON}port 1 vp=0 sint=2
port 2 vp=0 sint=2 kind=event
hvc HVCALL_POST_MESSAGE connection=9 type=1
expect last.hvc.status == HV_STATUS_INVALID_CONNECTION_ID
# TLFS HvCallPostMessage: the connection's port is not a "message" type port
hvc HVCALL_POST_MESSAGE connection=2 type=1
expect last.hvc.status == HV_STATUS_INVALID_PORT_ID
expect vp[0].synic.queued[2] == 0
hvc HVCALL_POST_MESSAGE connection=1 type=0x80000010
expect last.hvc.status == HV_STATUS_INVALID_PARAMETER
# HvCallPostMessage: "any 32-bit message type whose most significant bit is cleared, with the exception of zero"
hvc HVCALL_POST_MESSAGE connection=1 type=0
expect last.hvc.status == HV_STATUS_INVALID_PARAMETER
expect vp[0].synic.msg[2].type == HVMSG_NONE
expect vp[0].synic.queued[2] == 0
hvc HVCALL_POST_MESSAGE connection=1 type=0x7fffffff
expect last.hvc.status == HV_STATUS_SUCCESS
ack sint=2
# payload_size 241 through raw input
gpa write 0x5000 [1, 0xf100000001]
hvc raw control=HVCALL_POST_MESSAGE input=0x5000
expect last.hvc.status == HV_STATUS_INVALID_PARAMETER
gpa write 0x5000 [1, 0xf000000001]
hvc raw control=HVCALL_POST_MESSAGE input=0x5000
expect last.hvc.status == HV_STATUS_SUCCESS
expect vp[0].synic.msg[2].payload_size == 240
expect len(vp[0].synic.msg[2].payload) == 30
`);
  });

  it('a payload= over 240 bytes goes out as written and the hypervisor refuses it: HV_STATUS_INVALID_PARAMETER, nothing queued', () => {
    run(`${SYNIC_ON}port 1 vp=0 sint=2
hvc HVCALL_POST_MESSAGE connection=1 type=1 payload=[0..30]
expect last.hvc.status == HV_STATUS_INVALID_PARAMETER
expect vp[0].synic.msg[2].type == HVMSG_NONE
expect vp[0].synic.queued[2] == 0
hvc HVCALL_POST_MESSAGE connection=1 type=1 payload=[0..29]
expect last.hvc.status == HV_STATUS_SUCCESS
expect vp[0].synic.msg[2].payload == [0..29]
`);
  });

  it('lays message slots out as 16 x 256 bytes: gpa read agrees with the decoded view', () => {
    const s = run(`${SYNIC_ON}port 0x123 vp=0 sint=2
hvc HVCALL_POST_MESSAGE connection=0x123 type=0x42 payload=[0x0807060504030201, 0xaabb]
gpa read 0x20200 40
`);
    const bytes = show(s.machine, 'last.bytes');
    expect(bytes).toBe('[66, 0, 0, 0, 16, 0, 0, 0, 35, 1, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 187, 170, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]');
    expect(show(s.machine, 'vp[0].synic.msg[2]')).toBe('{type: 66, payload_size: 16, pending: false, sender: 291, payload: [578437695752307201, 43707]}');
    const mem = s.machine.memorySpace('gpa');
    const slot = mem?.read(0x20200n, 256) as Uint8Array;
    expect([...slot.subarray(0, 4)]).toEqual([0x42, 0, 0, 0]);
    // a guest write through memory shows in the decoded view
    mem?.write(0x20205n, Uint8Array.of(1));
    expect(show(s.machine, 'vp[0].synic.msg[2].pending')).toBe('true');
  });

  it('zeroes the SIMP/SIEFP page when it is enabled (kvm_clear_guest)', () => {
    run(`${OSID}gpa write 0x20000 [0xdead, 0xbeef]
gpa write 0x21008 [0x1]
vpreg SIMP = 0x20000
gpa read 0x20000 8
expect last.bytes == [0xad, 0xde, 0, 0, 0, 0, 0, 0]
vpreg SIMP = 0x20001
gpa read 0x20000 16
expect last.bytes == [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
vpreg SIEFP = 0x21001
expect vp[0].synic.event_flags[0] == []
`);
  });

  it('hostmsg delivers like a VMBus host', () => {
    run(`${SYNIC_ON}hostmsg sint=2 type=1 payload=[1, 2, 3]
expect vp[0].synic.msg[2].type == 1
expect vp[0].synic.msg[2].payload == [1, 2, 3]
expect vp[0].synic.msg[2].sender == 0
hostmsg sint=2 type=2
expect vp[0].synic.msg[2].pending
ack sint=2
expect vp[0].synic.msg[2].type == 2
expect vp[0].synic.msg[2].payload == []
`);
  });

  it('routes ports to other VPs (hyperv_connections ping-pong)', () => {
    run(`partition vps=2
vpreg GUEST_OSID = 0x8100_0000_0000_0000
vpreg vp=0 SIMP = 0x20001
vpreg vp=0 SINT1 = 0x31
vpreg vp=0 SCONTROL = 1
vpreg vp=1 SIMP = 0x30001
vpreg vp=1 SINT1 = 0x31
vpreg vp=1 SCONTROL = 1
port 10 vp=1 sint=1
port 11 vp=0 sint=1
hvc vp=0 HVCALL_POST_MESSAGE connection=10 type=1 payload=[1]
expect vp[1].synic.msg[1].payload == [1]
ack vp=1 sint=1
hvc vp=1 HVCALL_POST_MESSAGE connection=11 type=1 payload=[2]
expect vp[0].synic.msg[1].payload == [2]
expect vp[0].synic.raised[1] == 1
expect vp[1].synic.raised[1] == 1
`);
  });
});

describe('event flags (HVCALL_SIGNAL_EVENT)', () => {
  it('sets the flag bit and raises the SINT only if it was clear', () => {
    run(`${SYNIC_ON}port 3 vp=0 sint=2 kind=event flag=5
hvc HVCALL_SIGNAL_EVENT connection=3
expect last.hvc.status == HV_STATUS_SUCCESS
expect vp[0].synic.event_flags[2] == [5]
expect vp[0].synic.raised[2] == 1
hvc HVCALL_SIGNAL_EVENT connection=3 fast
expect vp[0].synic.raised[2] == 1
hvc HVCALL_SIGNAL_EVENT connection=3 flag=3
expect vp[0].synic.event_flags[2] == [5, 8]
expect vp[0].synic.raised[2] == 2
gpa read 0x21200 2
expect last.bytes == [0x20, 0x01]
# the guest clears the bit: the next signal raises again
gpa write 0x21200 [0]
hvc HVCALL_SIGNAL_EVENT connection=3
expect vp[0].synic.raised[2] == 3
`);
  });

  it('validates connection, flag number and reserved bits', () => {
    run(`${SYNIC_ON}port 3 vp=0 sint=2 kind=event flag=2040
port 4 vp=0 sint=2
hvc HVCALL_SIGNAL_EVENT connection=9
expect last.hvc.status == HV_STATUS_INVALID_CONNECTION_ID
# TLFS HvCallSignalEvent: the connection's port is not an "event" type port
hvc HVCALL_SIGNAL_EVENT connection=4
expect last.hvc.status == HV_STATUS_INVALID_PORT_ID
hvc HVCALL_SIGNAL_EVENT connection=3 flag=7
expect last.hvc.status == HV_STATUS_SUCCESS
hvc HVCALL_SIGNAL_EVENT connection=3 flag=8
expect last.hvc.status == HV_STATUS_INVALID_PARAMETER
hvc HVCALL_SIGNAL_EVENT connection=0x1000003
expect last.hvc.status == HV_STATUS_INVALID_HYPERCALL_INPUT
hvc HVCALL_POST_MESSAGE connection=3 type=1
expect last.hvc.status == HV_STATUS_INVALID_PORT_ID
`);
  });
});

describe('other hypercalls (hyperv_features)', () => {
  it('SEND_IPI / SEND_IPI_EX validate the vector and the VP set', () => {
    run(`partition vps=3
vpreg GUEST_OSID = 0x8100_0000_0000_0000
hvc HVCALL_SEND_IPI vector=0x20 targets=[1, 2]
expect last.hvc.status == HV_STATUS_SUCCESS
expect vp[1].ipis == 1
expect vp[0].ipis == 0
hvc HVCALL_SEND_IPI vector=0 targets=[1]
expect last.hvc.status == HV_STATUS_INVALID_HYPERCALL_INPUT
hvc HVCALL_SEND_IPI vector=0x100 targets=[1]
expect last.hvc.status == HV_STATUS_INVALID_HYPERCALL_INPUT
hvc HVCALL_SEND_IPI vector=0 targets=[]
expect last.hvc.status == HV_STATUS_INVALID_HYPERCALL_INPUT
hvc HVCALL_SEND_IPI_EX vector=0x20
expect last.hvc.status == HV_STATUS_SUCCESS
expect vp[0].ipis == 1
expect vp[2].ipis == 2
hvc HVCALL_SEND_IPI_EX fast vector=0x21 targets=[2]
expect vp[2].ipis == 3
expect vp[2].irq[0x21] == 1
hvc HVCALL_SEND_IPI rep=1 vector=0x20
expect last.hvc.status == HV_STATUS_INVALID_HYPERCALL_INPUT
gpa write 0x5000 [0x20, 7]
hvc raw control=HVCALL_SEND_IPI_EX input=0x5000
expect last.hvc.status == HV_STATUS_INVALID_HYPERCALL_INPUT
`);
  });

  it('flushes validate flags and rep counts, and report reps completed', () => {
    run(`partition vps=2
vpreg GUEST_OSID = 0x8100_0000_0000_0000
hvc HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE flags=HV_FLUSH_ALL_PROCESSORS
expect last.hvc.status == HV_STATUS_SUCCESS
hvc HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE flags=0x10
expect last.hvc.status == HV_STATUS_INVALID_PARAMETER
hvc HVCALL_FLUSH_VIRTUAL_ADDRESS_LIST rep=5
expect last.hvc.reps_completed == 5
hvc HVCALL_FLUSH_VIRTUAL_ADDRESS_LIST rep=5 rep_start=2
expect last.hvc.reps_completed == 5
hvc HVCALL_FLUSH_VIRTUAL_ADDRESS_LIST rep=0
expect last.hvc.status == HV_STATUS_INVALID_HYPERCALL_INPUT
hvc HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE_EX targets=[1]
expect last.hvc.status == HV_STATUS_SUCCESS
hvc HVCALL_FLUSH_VIRTUAL_ADDRESS_LIST_EX targets=[0, 1] rep=2
expect last.hvc.reps_completed == 2
expect partition.flushes == 5
`);
  });

  it('NOTIFY_LONG_SPIN_WAIT, RETARGET_INTERRUPT, START_VIRTUAL_PROCESSOR', () => {
    run(`partition vps=2
vpreg GUEST_OSID = 0x8100_0000_0000_0000
hvc HVCALL_NOTIFY_LONG_SPIN_WAIT fast
expect last.hvc.status == HV_STATUS_SUCCESS
expect partition.spin_waits == 1
hvc HVCALL_RETARGET_INTERRUPT
expect last.hvc.status == HV_STATUS_SUCCESS
hvc HVCALL_RETARGET_INTERRUPT partition=0
expect last.hvc.status == HV_STATUS_INVALID_PARTITION_ID
expect vp[1].started == false
hvc HVCALL_START_VIRTUAL_PROCESSOR target_vp=1
expect last.hvc.status == HV_STATUS_SUCCESS
expect vp[1].started
hvc HVCALL_START_VIRTUAL_PROCESSOR target_vp=1
expect last.hvc.status == HV_STATUS_INVALID_VP_STATE
hvc HVCALL_START_VIRTUAL_PROCESSOR target_vp=5
expect last.hvc.status == HV_STATUS_INVALID_VP_INDEX
hvc HVCALL_START_VIRTUAL_PROCESSOR target_vp=1 partition=3
expect last.hvc.status == HV_STATUS_INVALID_PARTITION_ID
`);
  });
});

/*
 * kvm-unit-tests x86/hyperv_connections.c with two VPs: each VP has a
 * message connection MSG_CONN_BASE + vp to its SINT 8 (vector 0xb0) and an
 * event connection EVT_CONN_BASE + vp to its SINT 9 (vector 0xb1) whose flag
 * is the connection id, as the test device sets them up. run_test(dst_add)
 * makes VP i act on the connections of VP (i + dst_add) % 2.
 */
describe('hyperv_connections', () => {
  const MSG_CONN_BASE = 0x10;
  const EVT_CONN_BASE = 0x20;
  const MSG_TYPE = 0x12345678;
  const simp = (i: number): number => 0x20000 + i * 0x10000;
  const siefp = (i: number): number => simp(i) + 0x1000;
  const both = (f: (i: number) => string): string => f(0) + f(1);
  const dst = (i: number, add: number): number => (i + add) % 2;
  /** setup_cpu for both VPs, with their connections. */
  const SETUP = `partition vps=2
vpreg GUEST_OSID = 0x8f00_0000_0000_0000
${both((i) => `vpreg vp=${i} SIMP = ${simp(i)} | HV_SYNIC_SIMP_ENABLE
vpreg vp=${i} SIEFP = ${siefp(i)} | HV_SYNIC_SIEFP_ENABLE
vpreg vp=${i} SCONTROL = HV_SYNIC_CONTROL_ENABLE
vpreg vp=${i} SINT8 = 0xb0
vpreg vp=${i} SINT9 = 0xb1
port ${MSG_CONN_BASE + i} vp=${i} sint=8
port ${EVT_CONN_BASE + i} vp=${i} sint=9 kind=event flag=${EVT_CONN_BASE + i}
`)}`;
  /** do_msg on every VP: VP i posts to the connection of its destination, payload[0] counting that destination's posts. */
  const doMsg = (add: number, n: number): string =>
    both((i) => `hvc vp=${i} HVCALL_POST_MESSAGE connection=${MSG_CONN_BASE + dst(i, add)} type=${MSG_TYPE} payload=[${(dst(i, add) << 16) + n}]
expect last.hvc.status == HV_STATUS_SUCCESS
`);
  /** msg_ok / msg_busy: the slot holds post n of the VP's own connection; `raised` counts sint_received. */
  const msgIs = (n: number, pending: boolean, raised: number): string =>
    both((i) => `expect vp[${i}].synic.msg[8].type == ${MSG_TYPE}
expect vp[${i}].synic.msg[8].payload_size == 8
expect vp[${i}].synic.msg[8].pending == ${pending}
expect vp[${i}].synic.msg[8].payload == [${(i << 16) + n}]
expect vp[${i}].synic.raised[8] == ${raised}
expect vp[${i}].irq[0xb0] == ${raised}
`);
  /** clear_msg: the slot's type back to 0, then EOM, on each VP. */
  const clearMsg = both((i) => `ack vp=${i} sint=8\neom vp=${i}\n`);
  const doEvt = (add: number): string =>
    both((i) => `hvc vp=${i} HVCALL_SIGNAL_EVENT fast connection=${EVT_CONN_BASE + dst(i, add)}
expect last.hvc.status == HV_STATUS_SUCCESS
`);
  const evtIs = (raised: number): string =>
    both((i) => `expect vp[${i}].synic.event_flags[9] == [${EVT_CONN_BASE + i}]
expect vp[${i}].synic.raised[9] == ${raised}
`);
  const clearEvt = both((i) => `gpa write ${siefp(i) + 9 * 256} [0]\n`);

  const MSG = `${SETUP}${doMsg(0, 1)}${clearMsg}${doMsg(1, 2)}${doMsg(1, 3)}`;
  it('send message to self', () => {
    run(`${SETUP}${doMsg(0, 1)}${msgIs(1, false, 1)}`);
  });
  it('send message to another cpu', () => {
    run(`${SETUP}${doMsg(0, 1)}${clearMsg}${doMsg(1, 2)}${msgIs(2, false, 2)}`);
  });
  it('send message to busy slot', () => {
    run(`${MSG}${msgIs(2, true, 2)}`);
  });
  it('receive pending message', () => {
    run(`${MSG}${clearMsg}${msgIs(3, false, 3)}`);
  });
  it('signal event on self', () => {
    run(`${SETUP}${doEvt(0)}${evtIs(1)}`);
  });
  it('signal event on another cpu', () => {
    run(`${SETUP}${doEvt(0)}${clearEvt}${doEvt(1)}${evtIs(2)}`);
  });
  it('signal event already set', () => {
    run(`${SETUP}${doEvt(0)}${clearEvt}${doEvt(1)}${doEvt(1)}${evtIs(2)}`);
  });
});
