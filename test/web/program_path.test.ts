import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { programPath, sameProgram } from '../../src/adapter/program_path';

describe('the scenario path the adapter keeps', () => {
  it('makes a file path absolute and keeps a URI as it is', () => {
    expect(programPath('examples/resv_map.kstep')).toBe(resolve('examples/resv_map.kstep'));
    expect(programPath('vscode-remote://host:8080/ws/a.kstep')).toBe('vscode-remote://host:8080/ws/a.kstep');
    expect(programPath('vscode-vfs://github/me/repo/a.kstep')).toBe('vscode-vfs://github/me/repo/a.kstep');
  });

  it('a URI program answers to itself and to its decoded path (an editor fsPath), not to another file', () => {
    const uri = 'vscode-remote://host:8080/ws/my%20scenario.kstep';
    expect(sameProgram(uri, uri)).toBe(true);
    expect(sameProgram('/ws/my scenario.kstep', uri)).toBe(true);
    expect(sameProgram('/ws/other.kstep', uri)).toBe(false);
    expect(sameProgram('vscode-remote://other/ws/my%20scenario.kstep', uri)).toBe(false);
  });

  it('a path program compares as resolved paths, as before', () => {
    const abs = resolve('a/b.kstep');
    expect(sameProgram('a/./b.kstep', abs)).toBe(true);
    expect(sameProgram('a/c.kstep', abs)).toBe(false);
  });
});
