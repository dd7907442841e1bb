import { describe, expect, it } from 'vitest';
import { cli, run, sim } from '../support/kit';

/*
 * KVM arch/x86/kvm/hyperv.c, kvm_hv_synic_send_eoi: an EOI of a vector at
 * the interrupt controller acks every SINT on that vector
 * (kvm_hv_notify_acked_sint): a timer expiry waiting for a busy slot is
 * retried and the queued messages are rescanned, with no EOM write.
 */
const ON = `partition vps=1
vpreg GUEST_OSID = 0x8100_0000_0000_0000
vpreg SIMP = 0x20001
vpreg SINT2 = 0xf1
vpreg SINT3 = 0xf2
vpreg SCONTROL = 1
`;
/** The guest frees slot `sint` as an ISR does before its EOI: message_type (and the flags) back to zero, no EOM. */
const free = (sint: number): string => `gpa write ${0x20000 + sint * 256} [0]\n`;

describe('gic_eoi: kvm_hv_synic_send_eoi', () => {
  it('retries a one-shot timer expiry that found its slot busy (stimer_test_one_shot_busy, ended by the EOI)', () => {
    run(`${ON}hostmsg sint=2 type=0x77
vpreg STIMER0_COUNT = 1000
vpreg STIMER0_CONFIG = HV_STIMER_ENABLE | (2 << 16)
advance 100us
expect vp[0].stimer[0].pending
expect vp[0].synic.msg[2].pending
${free(2)}expect vp[0].stimer[0].pending
gic_eoi vector=0xf1
expect vp[0].stimer[0].pending == false
expect vp[0].synic.msg[2].type == HVMSG_TIMER_EXPIRED
expect vp[0].synic.msg[2].payload == [0, 1000, 1000]
expect vp[0].eoms == 0
`);
  });

  it('delivers the next queued message to a slot the guest freed', () => {
    run(`${ON}port 1 vp=0 sint=2
hvc HVCALL_POST_MESSAGE connection=1 type=1
hvc HVCALL_POST_MESSAGE connection=1 type=2
expect vp[0].synic.queued[2] == 1
${free(2)}gic_eoi vector=0xf1
expect vp[0].synic.msg[2].type == 2
expect vp[0].synic.queued[2] == 0
expect vp[0].synic.raised[2] == 2
`);
  });

  it('acks only the SINTs on that vector, not a masked one, and every one that shares it', () => {
    run(`${ON}vpreg SINT4 = 0xf1
vpreg SINT5 = 0x100f1
hostmsg sint=2 type=1
hostmsg sint=2 type=2
hostmsg sint=3 type=1
hostmsg sint=3 type=2
hostmsg sint=4 type=1
hostmsg sint=4 type=2
hostmsg sint=5 type=1
hostmsg sint=5 type=2
${free(2)}${free(3)}${free(4)}${free(5)}gic_eoi vector=0xf1
expect vp[0].synic.msg[2].type == 2
expect vp[0].synic.msg[4].type == 2
expect vp[0].synic.msg[3].type == HVMSG_NONE
expect vp[0].synic.msg[5].type == HVMSG_NONE
gic_eoi vector=0xf2
expect vp[0].synic.msg[3].type == 2
`);
  });

  it('steps through hv_synic_send_eoi into synic_deliver_msg for each SINT with something waiting', () => {
    const s = sim(`${ON}hostmsg sint=2 type=1\nhostmsg sint=2 type=2\n${free(2)}gic_eoi vp=0 vector=0xf1\n`);
    const seen: string[][] = [];
    while (!s.machine.ended) {
      s.machine.resume('in');
      if (s.machine.at === 'kernel') seen.push(s.machine.frames.map((f) => f.fn.name));
    }
    expect(seen).toContainEqual(['hv_synic_send_eoi']);
    expect(seen).toContainEqual(['hv_synic_send_eoi', 'synic_deliver_msg']);
  });

  it('vector= outside 0..255 is a scenario error', () => {
    const r = cli(`${ON}gic_eoi vector=0x100\n`);
    expect(r.code).toBe(2);
    expect(r.err.join('\n')).toMatch(/^t\.kstep:7:16: error: vector=256 is not an interrupt vector/);
  });
});
