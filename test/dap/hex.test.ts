import { afterAll, describe, expect, it } from 'vitest';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { Harness, Scenarios, openPerTest } from '../support/dap';

// Issue 16 §2: addresses, PFNs, masks, control words and register values in
// hex in every view, counts and sizes in decimal, times with units, byte
// lists as a hexdump, SCMI's algo with its text; the choice is the session's.
const files = new Scenarios();
const HEX = files.write(
  'hex.kstep',
  `partition vps=1
vpreg GUEST_OSID = 0x8100_0000_0000_0000
vpreg SIMP = 0x20001
vpreg SINT2 = 0x20
vpreg SCONTROL = 1
port 1 vp=0 sint=2
hvc HVCALL_POST_MESSAGE connection=1 type=42 payload=[0xdead, 0xbeef]
advance 24ms
memlat memory 2 min=150000 max=1500000
memlat monitor 2 cpus=[4..7] compute map=[[1500000, 600000]]
scmi probe
mmap 0x10000 16K
read 0x10000
print "done"
`,
);
const END = 14;
afterAll(() => files.dispose());

let h: Harness;
openPerTest((x) => (h = x));

async function atEnd(extra: Record<string, unknown> = {}): Promise<void> {
  await h.launch(HEX, { lines: [END], extra });
  await h.stopped('breakpoint');
}

const shown = (vs: DebugProtocol.Variable[], ...names: string[]): string[] => names.map((n) => `${n}=${vs.find((v) => v.name === n)?.value}`);

describe('hex first: the Variables view', () => {
  it('registers and GPAs in hex, counts in decimal, collapsed previews and expanded children alike', async () => {
    await atEnd();
    const hv = await h.scope('Hyper-V');
    const reg = await h.child(hv.variablesReference, 'vp', '[0]', 'reg');
    const regs = await h.vars(reg.variablesReference);
    expect(shown(regs, 'SINT2', 'SIMP', 'GUEST_OSID')).toEqual(['SINT2=0x20', 'SIMP=0x20001', 'GUEST_OSID=0x8100000000000000']);
    const simp = await h.vars((regs.find((v) => v.name === 'SIMP') as DebugProtocol.Variable).variablesReference);
    expect(shown(simp, 'value', 'enabled', 'base_gpa')).toEqual(['value=0x20001', 'enabled=true', 'base_gpa=0x20000']);
    const slot = await h.child(hv.variablesReference, 'vp', '[0]', 'synic', 'msg', '[2]');
    expect(slot.value).toContain('payload: [0xdead, 0xbeef]');
    const fields = await h.vars(slot.variablesReference);
    expect(shown(fields, 'payload_size', 'payload')).toEqual(['payload_size=16', 'payload=[0xdead, 0xbeef]']);
    const part = await h.vars((await h.child(hv.variablesReference, 'partition')).variablesReference);
    expect(shown(part, 'vps', 'hypercalls')).toEqual(['vps=1', 'hypercalls=5']);
  });

  it('times show their unit; TIME_REFCOUNT ticks show what they mean', async () => {
    await atEnd();
    const time = await h.vars((await h.scope('time')).variablesReference);
    expect(shown(time, 'ns', 'ticks')).toEqual(['ns=24 ms', 'ticks=240000 (24 ms)']);
  });

  it('a byte list pages as hexdump rows of 16 (offset, bytes, ASCII), each expanding to its bytes', async () => {
    await atEnd();
    const msg = await h.vars((await h.child((await h.scope('SCMI memlat')).variablesReference, 'scmi', 'messages', '[3]')).variablesReference);
    const buf = msg.find((v) => v.name === 'buf') as DebugProtocol.Variable;
    expect(buf.value).toMatch(/^\[f0 00 00 00 02 00 00 00 01 00 00 00 00 00 00 00 …\] \(36 bytes\)$/);
    expect(buf.indexedVariables).toBe(3);
    const rows = await h.vars(buf.variablesReference);
    expect(rows.map((r) => r.name)).toEqual(['00000000', '00000010', '00000020']);
    expect(rows[1]?.value).toBe('6d 6f 6e 69 74 6f 72 2d  30 00 00 00 00 00 00 00  |monitor-0.......|');
    const bytes = await h.vars(rows[1]?.variablesReference ?? 0);
    expect(bytes.slice(0, 2).map((b) => `${b.name}=${b.value} ${b.evaluateName}`)).toEqual(['[16]=0x6d scmi.messages[3].buf[16]', '[17]=0x6f scmi.messages[3].buf[17]']);
    expect(await h.ev('scmi.messages[3].buf[16]')).toBe('0x6d');
    expect(shown(msg, 'algo')).toEqual(['algo=0x74616c6d656d ("memlat")']);
  });

  it('the session choice shows everything in decimal and back; the view is read again', async () => {
    await atEnd();
    await h.dc.customRequest('kstep/setFormat', { hex: false });
    const reg = await h.child((await h.scope('Hyper-V')).variablesReference, 'vp', '[0]', 'reg', 'SINT2');
    expect(reg.value).toBe('32');
    expect(await h.ev('vp[0].synic.msg[2].payload')).toBe('[57005, 48879]');
    expect(await h.ev('time.ns')).toBe('24 ms');
    await h.dc.customRequest('kstep/setFormat', { hex: true });
    expect(await h.ev('vp[0].reg.SINT2')).toBe('0x20');
  });

  it('the launch configuration carries the choice ("hex": false, from the kstep.hexDefault setting)', async () => {
    await atEnd({ hex: false });
    expect(await h.ev('vp[0].reg.SIMP.base_gpa')).toBe('131072');
    expect(await h.ev('task.init.pte[0x10000].pfn')).toBe(String(Number(0xfff)));
  });
});

describe('hex first: stack, evaluate, setVariable, console, inline values', () => {
  it('Call Stack labels show kernel frame arguments by kind', async () => {
    await h.launch(HEX, { functions: ['handle_mm_fault', 'hv_do_hvc'] });
    await h.stopped('function breakpoint');
    const hvc = (await h.stack()).map((f) => f.name).find((n) => n.startsWith('hv_do_hvc(')) ?? '';
    expect(hvc).toMatch(/control=0x[0-9a-f]+/);
    await h.dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'handle_mm_fault' }] });
    await h.go('continue');
    expect((await h.top()).name).toMatch(/^handle_mm_fault\(.*address=0x10000/);
    await h.dc.customRequest('kstep/setFormat', { hex: false });
    expect((await h.top()).name).toMatch(/address=65536/);
  });

  it('hovers and the Debug Console: hex kinds in hex, a byte list as a full hexdump, computed numbers in decimal', async () => {
    await atEnd();
    expect(await h.ev('task.init.pte[0x10000].pfn', 'hover')).toBe('0xfff');
    expect(await h.ev('task.init.rss', 'hover')).toBe('0');
    expect(await h.ev('len(scmi.messages)', 'repl')).toBe('10');
    const dump = (await h.ev('scmi.messages[3].buf', 'repl')).split('\n');
    expect(dump).toHaveLength(3);
    expect(dump[0]).toMatch(/^00000000 {2}f0 00 00 00 02 00 00 00 {2}01 00 00 00 00 00 00 00 {2}\|\.{16}\|$/);
    expect(dump[1]).toContain('|monitor-0.......|');
    expect(await h.ev('scmi.messages[3].buf', 'watch')).toMatch(/\(36 bytes\)$/);
  });

  it('setVariable and setExpression echo the new value by its kind', async () => {
    await atEnd();
    const reg = await h.child((await h.scope('Hyper-V')).variablesReference, 'vp', '[0]', 'reg');
    const r = await h.dc.setVariableRequest({ variablesReference: reg.variablesReference, name: 'SINT3', value: '0x31' });
    expect(r.body.value).toBe('0x31');
    const e = await h.dc.customRequest('setExpression', { expression: 'hugetlb.inject_enomem', value: '16' });
    expect((e.body as DebugProtocol.SetExpressionResponse['body']).value).toBe('16');
  });

  it('a console statement and the inline values show `last` by kind', async () => {
    await atEnd();
    const r = await h.ev('vpreg SINT2', 'repl');
    expect(r).toMatch(/^last = \{value: 0x20, hvc: \{code: HVCALL_GET_VP_REGISTERS \(0x50\), .*control: 0x[0-9a-f]+.*\}\}$/);
    const inline = (await h.dc.customRequest('kstep/recentResults', {})).body as { results: Array<{ line: number; text: string }> };
    expect(inline.results.find((x) => x.line === 7)?.text).toMatch(/code: HVCALL_POST_MESSAGE \(0x5c\).*control: 0x5c/);
  });
});
