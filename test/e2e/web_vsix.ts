// A web-only .vsix of kstep for the web worker extension host test: the package's manifest with its `main`
// entry removed (only `browser` is left), so code-server can run the extension nowhere but in the browser's web
// worker extension host, packaged with vsce from a temporary copy of the files the real .vsix ships.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './code-server';

/** What the web extension needs at run time: its bundles, the language files and the pages it opens. */
const FILES = ['dist/web/extension.js', 'dist/web/worker.js', 'syntaxes', 'snippets', 'language-configuration.json', 'examples', 'README.md', 'LICENSE', 'docs', 'media', 'reference'];

/** The manifest of a web-only kstep: no `main`, and none of the development fields vsce would act on. */
export function webManifest(pkg: Record<string, unknown>): Record<string, unknown> {
  const { main: _main, scripts: _scripts, devDependencies: _dev, dependencies: _deps, bin: _bin, ...rest } = pkg;
  if (typeof rest.browser !== 'string') throw new Error('package.json has no `browser` entry');
  return rest;
}

export function buildWebVsix(): string {
  for (const f of ['dist/web/extension.js', 'dist/web/worker.js']) {
    if (!existsSync(join(REPO_ROOT, f))) throw new Error(`${f} is missing: run \`npm run build\` first (npm run test:e2e does)`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'kstep-web-vsix-'));
  for (const f of FILES) cpSync(join(REPO_ROOT, f), join(dir, f), { recursive: true });
  const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as Record<string, unknown>;
  writeFileSync(join(dir, 'package.json'), JSON.stringify(webManifest(pkg), null, 2));
  writeFileSync(join(dir, '.vscodeignore'), '**/*.map\n');
  const vsce = join(REPO_ROOT, 'node_modules', '@vscode', 'vsce', 'vsce');
  const out = join(dir, 'kstep-web.vsix');
  const r = spawnSync(process.execPath, [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--no-rewrite-relative-links', '--out', out], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (r.status !== 0) throw new Error(`packaging the web-only kstep failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  return out;
}
