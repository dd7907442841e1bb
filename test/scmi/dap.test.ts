import { afterAll, describe, expect, it } from 'vitest';
import { Harness, Scenarios, openPerTest } from '../support/dap';

const files = new Scenarios();
const ML = files.write(
  'ml.kstep',
  `memlat memory 0 min=200000 max=3000000
memlat monitor 0 cpus=[0..3] map=[[1200000, 800000], [2400000, 1600000]]
scmi probe
scmi start
print "done"
`,
);
afterAll(() => files.dispose());

let h: Harness;
openPerTest((x) => (h = x));

describe('SCMI memlat over DAP', () => {
  it('a function breakpoint on the driver stops with the probe frames on the stack', async () => {
    await h.launch(ML, { functions: ['configure_cpucp_mon'] });
    await h.stopped('function breakpoint');
    const names = (await h.stack()).map((f) => f.name.replace(/\(.*$/, ''));
    expect(names.slice(0, 2)).toEqual(['configure_cpucp_mon', 'cpucp_memlat_init']);
  });

  it('the driver\'s struct arguments expand to the state they stand for: info to memlat, sdev to the SCMI channel', async () => {
    await h.launch(ML, { functions: ['configure_cpucp_mon'] });
    await h.stopped('function breakpoint');
    const stack = await h.stack();
    const argsOf = async (frameId: number): Promise<Array<{ name: string; evaluateName?: string; variablesReference: number }>> => {
      const s = (await h.scopes(frameId)).find((x) => x.presentationHint === 'locals');
      return s ? h.vars(s.variablesReference) : [];
    };
    const info = (await argsOf(stack[0]?.id ?? 0)).find((v) => v.name === 'info');
    expect(info?.evaluateName).toBe('memlat');
    expect(info?.variablesReference).toBeGreaterThan(0);
    expect((await h.vars(info?.variablesReference ?? 0)).map((v) => v.name)).toEqual(expect.arrayContaining(['memory', 'sample_ms', 'cpu']));
    const sdev = (await argsOf(stack[1]?.id ?? 0)).find((v) => v.name === 'sdev');
    expect(sdev?.evaluateName).toBe('scmi');
    expect((await h.vars(sdev?.variablesReference ?? 0)).map((v) => v.name)).toEqual(expect.arrayContaining(['log', 'shmem']));
  });

  it('the scmi_error filter stops on a start while the firmware runs (SCMI_ERR_SUPPORT)', async () => {
    await h.launch(ML, { exceptions: { filters: ['scmi_error'] } });
    const st = await h.stopped('exception');
    expect(st.text ?? '').toMatch(/SCMI_ERR_SUPPORT/);
    expect((await h.dc.exceptionInfoRequest({ threadId: 1 })).body.exceptionId).toBe('scmi_error');
  });

  it('the SCMI memlat scope shows groups, monitors and the log; the mailbox has a memoryReference', async () => {
    await h.launch(ML, { lines: [5] });
    await h.stopped('breakpoint');
    const scope = await h.scope('SCMI memlat');
    const vote = await h.child(scope.variablesReference, 'memlat', 'memory', '[0]', 'monitor');
    expect(vote.indexedVariables).toBe(1);
    const log = await h.child(scope.variablesReference, 'scmi', 'log');
    expect(log.indexedVariables).toBeGreaterThan(5);
    const shmem = await h.child(scope.variablesReference, 'scmi', 'shmem');
    expect(shmem.memoryReference).toMatch(/^scmi-shmem:0x/);
  });
});
