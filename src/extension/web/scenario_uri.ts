/**
 * The URI a launch configuration's `program` names on the web. VS Code
 * substitutes `${file}` with a path (the URI's fsPath), which loses the
 * scheme of a virtual or remote workspace (vscode-vfs:, vscode-remote:):
 * the scheme and authority come back from the open editor of that path, or
 * else from the workspace folder the path lies in (the first one for a
 * relative path). A program written as a URI is taken as it is.
 */
export interface UriLike<U> {
  readonly fsPath: string;
  readonly path: string;
  toString(): string;
  with(change: { path: string }): U;
}

const SCHEME = /^[a-zA-Z][a-zA-Z0-9+.-]+:\/\//;

export function scenarioUri<U extends UriLike<U>>(program: string, open: readonly U[], folders: readonly U[], parse: (uri: string) => U): U {
  const editor = open.find((u) => u.fsPath === program || u.path === program || u.toString() === program);
  if (editor) return editor;
  if (SCHEME.test(program)) return parse(program);
  const inside = folders.find((f) => program.startsWith(`${f.path.replace(/\/$/, '')}/`));
  const folder = inside ?? folders[0];
  if (!folder) throw new Error(`no workspace folder to look for ${program} in`);
  const path = program.startsWith('/') ? program : `${folder.path.replace(/\/$/, '')}/${program.replace(/^\.\//, '')}`;
  return folder.with({ path });
}
