import { describe, expect, it } from 'vitest';
import { run } from '../support/kit';

describe('HvCallSignalEvent: the target SynIC state', () => {
  const ON = `partition vps=1
vpreg GUEST_OSID = 0x8100_0000_0000_0000
vpreg SIEFP = 0x21001
vpreg SINT2 = 0x22
vpreg SCONTROL = 1
port 3 vp=0 sint=2 kind=event
`;
  const refused = `hvc HVCALL_SIGNAL_EVENT connection=3 flag=5
expect last.hvc.status == HV_STATUS_INVALID_SYNIC_STATE
expect vp[0].synic.raised[2] == 0
`;
  it('a masked SINTx is HV_STATUS_INVALID_SYNIC_STATE and sets no flag', () => {
    run(`${ON}vpreg SINT2 = 0x10022\n${refused}expect vp[0].synic.event_flags[2] == []\n`);
  });
  it('a disabled SIEF page is HV_STATUS_INVALID_SYNIC_STATE', () => {
    run(`${ON}vpreg SIEFP = 0x21000\n${refused}vpreg SIEFP = 0x21001\nexpect vp[0].synic.event_flags[2] == []\n`);
  });
  it('a disabled SynIC (SCONTROL.enable clear) is HV_STATUS_INVALID_SYNIC_STATE', () => {
    run(`${ON}vpreg SCONTROL = 0\n${refused}expect vp[0].synic.event_flags[2] == []\n`);
  });
  it('an unmasked SINT with the SIEF page on takes the flag', () => {
    run(`${ON}hvc HVCALL_SIGNAL_EVENT connection=3 flag=5
expect last.hvc.status == HV_STATUS_SUCCESS
expect vp[0].synic.event_flags[2] == [5]
expect vp[0].irq[0x22] == 1
`);
  });
});

describe('SINTx polling (bit 18): unmasked, without an interrupt', () => {
  const ON = `partition vps=1
vpreg GUEST_OSID = 0x8100_0000_0000_0000
vpreg SIMP = 0x20001
vpreg SIEFP = 0x21001
vpreg SCONTROL = 1
port 1 vp=0 sint=4
port 2 vp=0 sint=4 kind=event
`;
  for (const [what, sint] of [['masked', '0x50050'], ['unmasked', '0x40050']] as const) {
    it(`a ${what} SINT with the polling bit takes messages and event flags but raises nothing`, () => {
      run(`${ON}vpreg SINT4 = ${sint}
expect vp[0].reg.SINT4.polling
hvc HVCALL_POST_MESSAGE connection=1 type=9 payload=[1]
expect last.hvc.status == HV_STATUS_SUCCESS
expect vp[0].synic.msg[4].type == 9
hvc HVCALL_SIGNAL_EVENT connection=2 flag=3
expect last.hvc.status == HV_STATUS_SUCCESS
expect vp[0].synic.event_flags[4] == [3]
expect vp[0].synic.raised[4] == 0
expect vp[0].irq[0x50] == 0
# the guest polls: clears the slot and EOMs for the next message
hvc HVCALL_POST_MESSAGE connection=1 type=10 payload=[2]
ack sint=4
expect vp[0].synic.msg[4].type == 10
expect vp[0].synic.raised[4] == 0
`);
    });
  }

  it('a timer expiry to a polled SINT is delivered without an interrupt', () => {
    run(`${ON}vpreg SINT4 = 0x50050
vpreg STIMER0_COUNT = 100
vpreg STIMER0_CONFIG = HV_STIMER_ENABLE | (4 << 16)
advance 10us
expect vp[0].synic.msg[4].type == HVMSG_TIMER_EXPIRED
expect vp[0].synic.raised[4] == 0
`);
  });

  it('clearing the polling bit of a masked SINT masks it again', () => {
    run(`${ON}vpreg SINT4 = 0x50050
vpreg SINT4 = 0x10050
hvc HVCALL_SIGNAL_EVENT connection=2
expect last.hvc.status == HV_STATUS_INVALID_SYNIC_STATE
`);
  });
});

/*
 * TLFS Ports and Connections: an event port has a base flag number and a
 * flag count; HvCallSignalEvent's flag number is relative to the base, and
 * one at or beyond the count is HV_STATUS_INVALID_PARAMETER.
 */
describe('HvCallSignalEvent: the port\'s flag count (port ... flag_count=)', () => {
  const ON = `partition vps=1
vpreg GUEST_OSID = 0x8100_0000_0000_0000
vpreg SIEFP = 0x21001
vpreg SINT2 = 0x22
vpreg SCONTROL = 1
`;
  it('accepts flag numbers below flag_count, relative to the base flag', () => {
    run(`${ON}port 3 vp=0 sint=2 kind=event flag=100 flag_count=4
expect partition.ports[0].flag_count == 4
hvc HVCALL_SIGNAL_EVENT connection=3 flag=3
expect last.hvc.status == HV_STATUS_SUCCESS
expect vp[0].synic.event_flags[2] == [103]
hvc HVCALL_SIGNAL_EVENT connection=3 flag=4
expect last.hvc.status == HV_STATUS_INVALID_PARAMETER
expect vp[0].synic.event_flags[2] == [103]
`);
  });

  it('defaults to 2048 flags, still bounded by the 2048 flags of a SIEF slot', () => {
    run(`${ON}port 3 vp=0 sint=2 kind=event
hvc HVCALL_SIGNAL_EVENT connection=3 flag=2047
expect last.hvc.status == HV_STATUS_SUCCESS
port 4 vp=0 sint=2 kind=event flag=2000
hvc HVCALL_SIGNAL_EVENT connection=4 flag=47
expect last.hvc.status == HV_STATUS_SUCCESS
hvc HVCALL_SIGNAL_EVENT connection=4 flag=48
expect last.hvc.status == HV_STATUS_INVALID_PARAMETER
`);
  });

  it('flag_count= must be 1..2048 and is for event ports', () => {
    expect(() => run(`${ON}port 3 vp=0 sint=2 kind=event flag_count=0\n`)).toThrow(/flag_count= must be 1..2048, not 0/);
    expect(() => run(`${ON}port 3 vp=0 sint=2 kind=event flag_count=2049\n`)).toThrow(/flag_count= must be 1..2048/);
    expect(() => run(`${ON}port 3 vp=0 sint=2 flag_count=4\n`)).toThrow(/flag_count= is for kind=event ports/);
  });
});
