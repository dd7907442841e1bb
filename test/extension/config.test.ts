import { describe, expect, it } from 'vitest';
import { generatedConfig, isProgram, resolveLaunchConfig, scenarioConfig } from '../../src/extension/config';

const kstepDoc = { languageId: 'kstep', path: '/w/examples/resv_map.kstep' };

describe('debug configuration', () => {
  it('F5 with no launch.json debugs the scenario in the active editor, stopped on its first statement', () => {
    expect(resolveLaunchConfig({}, kstepDoc)).toEqual({
      config: { type: 'kstep', request: 'launch', name: 'Debug resv_map.kstep', program: '/w/examples/resv_map.kstep', stopOnEntry: true },
    });
  });

  it('F5 while a kernel listing is in front debugs the last scenario again', () => {
    const listing = { languageId: 'c', path: '/kstep-kernel/mm/hugetlb.c' };
    expect(resolveLaunchConfig({}, listing, '/w/examples/resv_map.kstep')).toEqual({
      config: { type: 'kstep', request: 'launch', name: 'Debug resv_map.kstep', program: '/w/examples/resv_map.kstep', stopOnEntry: true },
    });
    expect(resolveLaunchConfig({ type: 'kstep', request: 'launch', name: 'x' }, listing, '/w/a.kstep')).toEqual({ config: { type: 'kstep', request: 'launch', name: 'x', program: '/w/a.kstep' } });
    // The scenario in front wins over the one remembered.
    expect(resolveLaunchConfig({}, kstepDoc, '/w/a.kstep')).toHaveProperty('config.program', '/w/examples/resv_map.kstep');
    expect(resolveLaunchConfig({}, listing)).toHaveProperty('error');
  });

  it('a generated launch.json names the scenario by ${workspaceFolder}, not by an absolute path', () => {
    expect(generatedConfig('/w/examples/resv_map.kstep', '/w')).toEqual({
      type: 'kstep', request: 'launch', name: 'Debug resv_map.kstep', program: '${workspaceFolder}/examples/resv_map.kstep', stopOnEntry: true,
    });
    expect(generatedConfig('C:\\w\\t.kstep', 'c:\\w\\')).toHaveProperty('program', '${workspaceFolder}/t.kstep');
    // Outside the folder, or no scenario open: the active editor's, whichever it will be.
    expect(generatedConfig('/elsewhere/t.kstep', '/w')).toHaveProperty('program', '${file}');
    expect(generatedConfig('/w2/t.kstep', '/w')).toHaveProperty('program', '${file}');
    expect(generatedConfig(undefined, '/w')).toEqual({ type: 'kstep', request: 'launch', name: 'Debug kstep scenario', program: '${file}', stopOnEntry: true });
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
    expect(scenarioConfig('/w/t.kstep', false)).toHaveProperty('stopOnEntry', true);
    expect(scenarioConfig('C:\\w\\t.kstep', false).name).toBe('Debug t.kstep');
  });

  it('knows the edited document is the program being debugged (the edit warning), however the path is written', () => {
    expect(isProgram('/w/examples/resv_map.kstep', '/w/examples/resv_map.kstep', '/w')).toBe(true);
    expect(isProgram('examples/./resv_map.kstep', '/w/examples/resv_map.kstep', '/w')).toBe(true);
    expect(isProgram('/w/x/../examples/resv_map.kstep', '/w/examples/resv_map.kstep', '/')).toBe(true);
    expect(isProgram('C:\\w\\t.kstep', 'c:\\w\\t.kstep', 'c:\\')).toBe(true);
    expect(isProgram('/w/other.kstep', '/w/examples/resv_map.kstep', '/w')).toBe(false);
    expect(isProgram(undefined, '/w/a.kstep', '/w')).toBe(false);
  });
});
