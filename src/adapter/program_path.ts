import { resolve } from 'node:path';

/**
 * A scenario named by a URI: how a web extension host names a file of a
 * remote or virtual workspace (vscode-remote://, vscode-vfs://). VS Code
 * sends such a file's breakpoints with that URI and opens a stack frame's
 * source by it, so the adapter keeps it as it is.
 */
const URI = /^[a-zA-Z][a-zA-Z0-9+.-]+:\/\//;

/** The scenario's path as the adapter keeps it: a URI as it is, a file path made absolute. */
export function programPath(p: string): string {
  return URI.test(p) ? p : resolve(p);
}

/** Whether `p` names the scenario at `program` (a URI program also answers to its path, an editor's fsPath). */
export function sameProgram(p: string, program: string): boolean {
  if (programPath(p) === program) return true;
  if (!URI.test(program) || URI.test(p)) return false;
  try {
    return decodeURIComponent(new URL(program).pathname) === p;
  } catch {
    return false;
  }
}
