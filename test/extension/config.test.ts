import { describe, expect, it } from 'vitest';
import { resolveLaunchConfig, scenarioConfig } from '../../src/extension/config';

const kstepDoc = { languageId: 'kstep', path: '/w/examples/resv_map.kstep' };

describe('debug configuration', () => {
  it('F5 with no launch.json debugs the scenario in the active editor', () => {
    expect(resolveLaunchConfig({}, kstepDoc)).toEqual({
      config: { type: 'kstep', request: 'launch', name: 'Debug resv_map.kstep', program: '/w/examples/resv_map.kstep', stopOnEntry: false },
    });
  });

  it('F5 with no launch.json and no scenario open says what to do', () => {
    expect(resolveLaunchConfig({}, undefined)).toEqual({ error: expect.stringContaining('Open a .kstep scenario') as unknown as string });
    expect(resolveLaunchConfig({}, { languageId: 'c', path: '/w/x.c' })).toHaveProperty('error');
  });

  it('keeps what a launch.json says and fills only what is missing', () => {
    expect(resolveLaunchConfig({ type: 'kstep', request: 'launch', name: 'mine', program: '/w/a.kstep', stopOnEntry: true, trace: true }, kstepDoc)).toEqual({
      config: { type: 'kstep', request: 'launch', name: 'mine', program: '/w/a.kstep', stopOnEntry: true, trace: true },
    });
    expect(resolveLaunchConfig({ type: 'kstep', request: 'launch', name: 'no program' }, kstepDoc)).toEqual({
      config: { type: 'kstep', request: 'launch', name: 'no program', program: '/w/examples/resv_map.kstep' },
    });
  });

  it('rejects attach and a missing program with nothing open', () => {
    expect(resolveLaunchConfig({ type: 'kstep', request: 'attach', name: 'x' }, kstepDoc)).toEqual({ error: expect.stringContaining('"launch"') as unknown as string });
    expect(resolveLaunchConfig({ type: 'kstep', request: 'launch', name: 'x' }, undefined)).toHaveProperty('error');
  });

  it('builds run and debug configurations for one file', () => {
    expect(scenarioConfig('/w/t.kstep', true)).toEqual({ type: 'kstep', request: 'launch', name: 'Run t.kstep', program: '/w/t.kstep', stopOnEntry: false, noDebug: true });
    expect(scenarioConfig('C:\\w\\t.kstep', false).name).toBe('Debug t.kstep');
  });
});
