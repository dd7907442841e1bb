// Builds the latency bench's floor extension (floor/extension.ts) into a .vsix in a temporary folder, with the
// same tools the real extension is packaged with (esbuild, vsce), so code-server installs both the same way.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { REPO_ROOT } from './code-server';

const MANIFEST = {
  name: 'kstep-floor',
  displayName: 'kstep latency floor',
  description: 'A debug adapter that answers at once: the floor the editor latency bench measures kstep against.',
  publisher: 'kstep-bench',
  version: '0.0.1',
  license: 'MIT',
  engines: { vscode: '^1.75.0' },
  main: './extension.js',
  activationEvents: ['onStartupFinished'],
  contributes: {
    debuggers: [{ type: 'kstep-floor', label: 'kstep latency floor' }],
    commands: [
      { command: 'kstepFloor.debugKstep', title: 'Latency Bench: Debug with kstep' },
      { command: 'kstepFloor.debugFloor', title: 'Latency Bench: Debug with the floor adapter' },
    ],
  },
};

export async function buildFloorVsix(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'kstep-floor-'));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify(MANIFEST, null, 2));
  writeFileSync(join(dir, 'LICENSE'), 'MIT License: a test fixture of kstep, never published.\n');
  writeFileSync(join(dir, 'README.md'), '# kstep latency floor\n\nA test fixture of the kstep editor latency bench.\n');
  await build({
    entryPoints: [join(REPO_ROOT, 'test', 'e2e', 'floor', 'extension.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    outfile: join(dir, 'extension.js'),
    logLevel: 'warning',
  });
  const vsce = join(REPO_ROOT, 'node_modules', '@vscode', 'vsce', 'vsce');
  const out = join(dir, 'kstep-floor.vsix');
  const r = spawnSync(process.execPath, [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--out', out], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (r.status !== 0) throw new Error(`packaging the floor extension failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  return out;
}
