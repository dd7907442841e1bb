// The web bundles (vscode.dev, github.dev, code-server's web worker extension host): the extension with its
// inline adapter, and the worker it starts as a Web Worker. No Node API reaches them: each Node built-in the
// code (or @vscode/debugadapter) imports resolves to a small browser-safe shim in src/web/shims, the desktop
// platform module to its web side, and any other built-in fails the build.
import { join } from 'node:path';

/** The Node built-ins with a web shim; the extension's worker_threads is a Web Worker launcher. */
function shims(root, role) {
  const shim = (name) => join(root, 'src/web/shims', `${name}.ts`);
  return {
    events: shim('events'),
    path: shim('path'),
    fs: shim('fs'),
    url: shim('url'),
    crypto: shim('crypto'),
    buffer: shim('buffer'),
    worker_threads: role === 'worker' ? shim('worker_port') : join(root, 'src/extension/web/worker_threads.ts'),
  };
}

/** Desktop modules and the web modules that replace them, by the path an import names. */
const SWAPS = { 'src/extension/platform.ts': 'src/extension/web/platform.ts' };

const NODE_BUILTINS = /^(node:)?(assert|async_hooks|buffer|child_process|cluster|crypto|dgram|dns|events|fs|fs\/promises|http|http2|https|inspector|module|net|os|path|perf_hooks|process|querystring|readline|stream|string_decoder|timers|tls|tty|url|util|v8|vm|worker_threads|zlib)$/;

function webPlugin(root, role) {
  const table = shims(root, role);
  return {
    name: 'kstep-web',
    setup(b) {
      b.onResolve({ filter: NODE_BUILTINS }, (args) => {
        const name = args.path.replace(/^node:/, '');
        const to = table[name];
        if (to) return { path: to };
        return { errors: [{ text: `the web bundle cannot use Node's '${name}' (imported by ${args.importer}): add a shim in src/web/shims or keep it out of the web build` }] };
      });
      b.onResolve({ filter: /^\.\.?\// }, (args) => {
        for (const [from, to] of Object.entries(SWAPS)) {
          const target = join(args.resolveDir, args.path);
          if (target === join(root, from.replace(/\.ts$/, '')) || target === join(root, from)) return { path: join(root, to) };
        }
        return undefined;
      });
    },
  };
}

/** esbuild options of one web bundle: `role` 'extension' (CommonJS, as VS Code loads a web extension) or 'worker' (a classic worker script). */
export function webOptions(root, role, define) {
  return {
    bundle: true,
    platform: 'browser',
    target: 'es2022',
    format: role === 'worker' ? 'iife' : 'cjs',
    sourcemap: true,
    logLevel: 'warning',
    mainFields: ['browser', 'module', 'main'],
    external: role === 'worker' ? [] : ['vscode'],
    inject: [join(root, 'src/web/shims/globals.ts')],
    // scrub.ts looks for its install folder from __filename: on the web there is none to hide.
    define: { ...define, __filename: '""' },
    plugins: [webPlugin(root, role)],
  };
}

export function webBuilds(root, define) {
  return [
    { ...webOptions(root, 'extension', define), entryPoints: [join(root, 'src/extension/extension.ts')], outfile: join(root, 'dist/web/extension.js') },
    { ...webOptions(root, 'worker', define), entryPoints: [join(root, 'src/extension/worker.ts')], outfile: join(root, 'dist/web/worker.js') },
    // The inline adapter alone, as the web extension bundles it: the bench compares it with the desktop build.
    { ...webOptions(root, 'extension', define), entryPoints: [join(root, 'src/adapter/session.ts')], outfile: join(root, 'dist/web/adapter.js'), sourcemap: false },
  ];
}
