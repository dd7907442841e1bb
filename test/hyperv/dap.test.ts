import { afterAll, describe, expect, it } from 'vitest';
import { Harness, Scenarios, openPerTest } from '../support/dap';

const files = new Scenarios();
const HV = files.write(
  'hv.kstep',
  `partition vps=1
vpreg GUEST_OSID = 0x8100_0000_0000_0000
vpreg SIMP = 0x20001
vpreg SINT2 = 0x20
vpreg SCONTROL = 1
port 1 vp=0 sint=2
hvc HVCALL_POST_MESSAGE connection=1 type=42 payload=[0xdead, 0xbeef]
hvc HVCALL_POST_MESSAGE connection=9 type=1
print "done"
`,
);
afterAll(() => files.dispose());

let h: Harness;
openPerTest((x) => (h = x));

describe('Hyper-V over DAP', () => {
  it('a function breakpoint by hypercall name, by code and on `hvc` stops in the hypercall path', async () => {
    await h.launch(HV, { functions: ['HVCALL_POST_MESSAGE'] });
    await h.stopped('function breakpoint');
    expect((await h.top()).name).toMatch(/^hvcall_post_message\(/);
    await h.dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: '0x5c' }] });
    await h.go('continue');
    expect((await h.top()).name).toMatch(/^hvcall_post_message\(/);
    const r = await h.dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'hvc' }, { name: 'HVCALL_NO_SUCH_CALL' }] });
    expect(r.body.breakpoints.map((b) => b.verified)).toEqual([true, false]);
  });

  it('the hv_error filter stops on a hypercall status other than SUCCESS', async () => {
    await h.launch(HV, { exceptions: { filters: ['hv_error'] } });
    const st = await h.stopped('exception');
    expect(st.text ?? '').toMatch(/INVALID_CONNECTION_ID/);
    const info = await h.dc.exceptionInfoRequest({ threadId: 1 });
    expect(info.body.exceptionId).toBe('hv_error');
  });

  it('the SIMP register carries a memoryReference; readMemory returns the message slot bytes', async () => {
    await h.launch(HV, { lines: [8] });
    await h.stopped('breakpoint');
    const hv = await h.scope('Hyper-V');
    const simp = await h.child(hv.variablesReference, 'vp', '[0]', 'reg', 'SIMP');
    expect(simp.memoryReference).toBe('gpa:0x20000');
    // Slot 2 starts 2 * 256 bytes into the page: message_type 42, payload_size 16, then the payload at +16.
    const mem = await h.dc.customRequest('readMemory', { memoryReference: simp.memoryReference, offset: 512, count: 32 });
    const bytes = Buffer.from((mem.body as { data: string }).data, 'base64');
    expect(bytes.readUInt32LE(0)).toBe(42);
    expect(bytes[4]).toBe(16);
    expect(bytes.readBigUInt64LE(16)).toBe(0xdeadn);
    expect(bytes.readBigUInt64LE(24)).toBe(0xbeefn);
    // writeMemory is a step in history: stepping back undoes it.
    await h.dc.customRequest('writeMemory', { memoryReference: simp.memoryReference, offset: 512 + 16, data: Buffer.from([1, 0, 0, 0, 0, 0, 0, 0]).toString('base64') });
    expect(await h.ev('vp[0].synic.msg[2].payload[0]')).toBe('0x1');
    await h.go('stepBack');
    expect(await h.ev('vp[0].synic.msg[2].payload[0]')).toBe('0xdead');
  });
});
