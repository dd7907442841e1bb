// `fs` for the web bundles: a web extension host has no file system of its own; kstep reads scenarios through
// vscode.workspace.fs there. Every call fails with an error that says so (callers turn it into a message), and
// existsSync answers false.
const WHY = 'a web extension host has no local file system (desktop VS Code has)';

function noFs(): never {
  const e = new Error(WHY) as Error & { code: string };
  e.code = 'ENOSYS';
  throw e;
}

export const constants = { O_RDONLY: 0, O_NONBLOCK: 0 };
export const existsSync = (): boolean => false;
export const openSync = noFs;
export const closeSync = noFs;
export const fstatSync = noFs;
export const readSync = noFs;

// What the web bundles import of `fs` (scenario_file.ts, scrub.ts) and no more: an import of anything else fails
// the web build (esbuild: no matching export), where it has to be thought about.
export default { constants, existsSync, openSync, closeSync, fstatSync, readSync };
