// Bundles the CLI, the adapter, the extension (desktop and web) and the benches with esbuild, then derives the grammar's word lists.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { webBuilds } from './web_build.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
  define: { KSTEP_VERSION: JSON.stringify(pkg.version) },
};

await Promise.all([
  build({ ...common, entryPoints: [join(root, 'src/cli/main.ts')], outfile: join(root, 'dist/cli.js') }),
  build({ ...common, entryPoints: [join(root, 'src/adapter/main.ts')], outfile: join(root, 'dist/adapter.js') }),
  build({ ...common, entryPoints: [join(root, 'src/extension/extension.ts')], outfile: join(root, 'dist/extension.js'), external: ['vscode'] }),
  // The extension's worker thread: diagnostics and Run Scenario off the extension host's main thread.
  build({ ...common, entryPoints: [join(root, 'src/extension/worker.ts')], outfile: join(root, 'dist/worker.js') }),
  build({ ...common, entryPoints: [join(root, 'bench/index.ts')], outfile: join(root, 'dist/bench.js') }),
  build({ ...common, entryPoints: [join(root, 'scripts/grammar.ts')], outfile: join(root, 'dist/grammar.js') }),
  // The extension and its worker for web extension hosts (vscode.dev): no Node API (scripts/web_build.mjs).
  ...webBuilds(root, common.define).map((options) => build(options)),
]);

// The grammar's statement words and state roots come from the mechanisms' descriptors.
const { writeGrammar } = createRequire(import.meta.url)(join(root, 'dist/grammar.js'));
if (writeGrammar(join(root, 'syntaxes/kstep.tmLanguage.json'))) console.log('syntaxes/kstep.tmLanguage.json: rewritten from the mechanisms');
