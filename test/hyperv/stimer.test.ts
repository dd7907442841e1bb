import { describe, it } from 'vitest';
import { run } from '../support/kit';

const ON = `partition vps=1
vpreg GUEST_OSID = 0x8100_0000_0000_0000
vpreg SIMP = 0x20001
vpreg SIEFP = 0x21001
vpreg SINT2 = 0x10
vpreg SCONTROL = 1
`;

describe('synthetic timers (kvm-unit-tests hyperv_stimer)', () => {
  it('one-shot: count is the absolute expiry; fires once, then enable clears', () => {
    run(`${ON}vpreg STIMER0_CONFIG = HV_STIMER_ENABLE | (2 << 16)
expect vp[0].reg.STIMER0_CONFIG.enable
vpreg STIMER0_COUNT = 5000
expect vp[0].stimer[0].expires_at == 5000
advance 499us
expect vp[0].synic.msg[2].type == HVMSG_NONE
advance 1us
expect vp[0].synic.msg[2].type == HVMSG_TIMER_EXPIRED
expect vp[0].synic.msg[2].payload_size == 24
expect vp[0].synic.msg[2].payload == [0, 5000, 5000]
expect vp[0].reg.STIMER0_CONFIG.enable == 0
expect vp[0].synic.raised[2] == 1
ack sint=2
advance 1ms
expect vp[0].synic.msg[2].type == HVMSG_NONE
`);
  });

  it('one-shot in the past fires at once', () => {
    run(`${ON}advance 1ms
vpreg STIMER1_CONFIG = 0x20001
vpreg STIMER1_COUNT = 10
expect vp[0].synic.msg[2].type == HVMSG_TIMER_EXPIRED
expect vp[0].synic.msg[2].payload == [1, 10, 10000]
`);
  });

  it('periodic: expires every count ticks from when it was enabled', () => {
    run(`${ON}advance 10us
vpreg STIMER0_COUNT = 1000
vpreg STIMER0_CONFIG = HV_STIMER_ENABLE | HV_STIMER_PERIODIC | (2 << 16)
expect vp[0].stimer[0].expires_at == 1100
advance 110us
expect vp[0].synic.msg[2].payload == [0, 1100, 1100]
ack sint=2
advance 100us
expect vp[0].synic.msg[2].payload == [0, 2100, 2100]
ack sint=2
advance 100us
expect vp[0].synic.msg[2].payload == [0, 3100, 3100]
expect vp[0].stimer[0].fired == 3
expect vp[0].reg.STIMER0_CONFIG.enable
`);
  });

  it('periodic keeps at most one undelivered expiry; delivered after EOM', () => {
    run(`${ON}vpreg STIMER0_COUNT = 1000
vpreg STIMER0_CONFIG = HV_STIMER_ENABLE | HV_STIMER_PERIODIC | (2 << 16)
advance 100us
expect vp[0].stimer[0].fired == 1
advance 100us
expect vp[0].stimer[0].pending
expect vp[0].synic.msg[2].pending
advance 1ms
expect vp[0].stimer[0].pending
expect vp[0].stimer[0].fired == 1
ack sint=2
expect vp[0].stimer[0].pending == false
expect vp[0].stimer[0].fired == 2
expect vp[0].synic.msg[2].payload == [0, 2000, 12000]
expect vp[0].stimer[0].expires_at == 13000
`);
  });

  it('one-shot waiting on a busy slot is delivered after the guest frees it', () => {
    run(`${ON}hostmsg sint=2 type=1
vpreg STIMER0_CONFIG = 0x20001
vpreg STIMER0_COUNT = 100
advance 10us
expect vp[0].stimer[0].pending
expect vp[0].synic.msg[2].type == 1
expect vp[0].synic.msg[2].pending
expect vp[0].reg.STIMER0_CONFIG.enable
advance 5us
ack sint=2
expect vp[0].synic.msg[2].type == HVMSG_TIMER_EXPIRED
expect vp[0].synic.msg[2].payload == [0, 100, 150]
expect vp[0].reg.STIMER0_CONFIG.enable == 0
`);
  });

  it('auto_enable: a non-zero count sets enable; count 0 clears it', () => {
    run(`${ON}vpreg STIMER2_CONFIG = HV_STIMER_AUTOENABLE | (2 << 16)
expect vp[0].reg.STIMER2_CONFIG.enable == 0
vpreg STIMER2_COUNT = 300
expect vp[0].reg.STIMER2_CONFIG.enable
vpreg STIMER2_COUNT = 0
expect vp[0].reg.STIMER2_CONFIG.enable == 0
advance 1ms
expect vp[0].synic.msg[2].type == HVMSG_NONE
vpreg STIMER3_CONFIG = (2 << 16)
vpreg STIMER3_COUNT = 100000
expect vp[0].reg.STIMER3_CONFIG.enable == 0
`);
  });

  it('config with enable, not direct mode and sintx 0 clears enable', () => {
    run(`${ON}vpreg STIMER0_COUNT = 100
vpreg STIMER0_CONFIG = HV_STIMER_ENABLE
expect vp[0].reg.STIMER0_CONFIG.enable == 0
vpreg STIMER0_CONFIG = HV_STIMER_ENABLE | 0x1000
expect vp[0].reg.STIMER0_CONFIG.enable
`);
  });

  it('direct mode asserts the ApicVector instead of sending a message', () => {
    run(`${ON}vpreg STIMER0_COUNT = 1000
vpreg STIMER0_CONFIG = HV_STIMER_ENABLE | HV_STIMER_PERIODIC | (1 << 12) | (0x40 << 4)
advance 350us
expect vp[0].irq[0x40] == 3
expect vp[0].irq[HV_STIMER0_IRQNR] == 0
expect vp[0].synic.msg[2].type == HVMSG_NONE
expect vp[0].stimer[0].fired == 3
`);
  });

  it('reprogramming cancels the pending expiry', () => {
    run(`${ON}vpreg STIMER0_CONFIG = 0x20001
vpreg STIMER0_COUNT = 1000
vpreg STIMER0_COUNT = 3000
advance 200us
expect vp[0].synic.msg[2].type == HVMSG_NONE
advance 100us
expect vp[0].synic.msg[2].payload == [0, 3000, 3000]
`);
  });

  it('four timers per VP, each to its own SINT, in time order', () => {
    run(`partition vps=1
vpreg GUEST_OSID = 0x8100_0000_0000_0000
vpreg SIMP = 0x20001
vpreg SCONTROL = 1
vpreg SINT1 = 0x21
vpreg SINT2 = 0x22
vpreg SINT3 = 0x23
vpreg SINT4 = 0x24
vpreg STIMER0_CONFIG = 0x10001
vpreg STIMER1_CONFIG = 0x20001
vpreg STIMER2_CONFIG = 0x30001
vpreg STIMER3_CONFIG = 0x40001
vpreg STIMER3_COUNT = 100
vpreg STIMER2_COUNT = 200
vpreg STIMER1_COUNT = 300
vpreg STIMER0_COUNT = 400
advance 40us
expect vp[0].synic.msg[1].payload == [0, 400, 400]
expect vp[0].synic.msg[2].payload == [1, 300, 300]
expect vp[0].synic.msg[3].payload == [2, 200, 200]
expect vp[0].synic.msg[4].payload == [3, 100, 100]
`);
  });
});

/*
 * kvm-unit-tests x86/hyperv_stimer.c run as `hyperv_stimer direct`:
 * stimer_test_prepare_direct gives timer 0 APIC_VEC1 (0xF3) and timer 1
 * APIC_VEC2 (0xF4) and enables no SynIC; each ISR counts the expiries of
 * the timer its vector belongs to, so the counts are per vector.
 */
describe('hyperv_stimer: stimer_test_all(direct)', () => {
  const APIC_VEC1 = 0xf3;
  const APIC_VEC2 = 0xf4;
  const ONE_MS_IN_100NS = 10000;
  /** stimer_start: count before config, or config before count with auto_enable; a one-shot's count is absolute. */
  const start = (timer: number, vec: number, autoEnable: boolean, periodic: boolean): string => {
    const config = `HV_STIMER_ENABLE | (1 << 12) | (${vec} << 4)${periodic ? ' | HV_STIMER_PERIODIC' : ''}${autoEnable ? ' | HV_STIMER_AUTOENABLE' : ''}`;
    const count = periodic ? `${ONE_MS_IN_100NS}` : `time.ticks + ${ONE_MS_IN_100NS}`;
    const c = `vpreg STIMER${timer}_CONFIG = ${config}\n`;
    const n = `vpreg STIMER${timer}_COUNT = ${count}\n`;
    return autoEnable ? c + n : n + c;
  };
  const shutdown = (timer: number): string => `vpreg STIMER${timer}_CONFIG = 0\n`;
  const PREPARE = 'partition vps=1\nvpreg GUEST_OSID = 0x8100_0000_0000_0000\n';

  it('stimer_test_periodic: 1000 expiries of each timer, each on its own vector', () => {
    run(`${PREPARE}${start(0, APIC_VEC1, false, true)}${start(1, APIC_VEC2, false, true)}advance 1000ms
expect vp[0].irq[${APIC_VEC1}] == 1000
expect vp[0].irq[${APIC_VEC2}] == 1000
expect vp[0].synic.raised == [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
${shutdown(0)}${shutdown(1)}advance 10ms
expect vp[0].irq[${APIC_VEC1}] == 1000
expect vp[0].irq[${APIC_VEC2}] == 1000
`);
  });

  it('stimer_test_one_shot: one expiry, then enable clears', () => {
    run(`${PREPARE}advance 1ms
${start(0, APIC_VEC1, false, false)}advance 999us
expect vp[0].irq[${APIC_VEC1}] == 0
advance 1us
expect vp[0].irq[${APIC_VEC1}] == 1
expect vp[0].reg.STIMER0_CONFIG.enable == 0
advance 10ms
expect vp[0].irq[${APIC_VEC1}] == 1
`);
  });

  it('stimer_test_auto_enable_one_shot: the count write enables timer 1', () => {
    run(`${PREPARE}${start(1, APIC_VEC2, true, false)}expect vp[0].reg.STIMER1_CONFIG.enable
advance 1ms
expect vp[0].irq[${APIC_VEC2}] == 1
expect vp[0].irq[${APIC_VEC1}] == 0
`);
  });

  it('stimer_test_auto_enable_periodic: 1000 expiries on timer 0\'s vector', () => {
    run(`${PREPARE}${start(0, APIC_VEC1, true, true)}advance 1000ms
expect vp[0].irq[${APIC_VEC1}] == 1000
expect vp[0].stimer[0].fired == 1000
`);
  });
});
