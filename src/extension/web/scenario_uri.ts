/**
 * The URI a launch configuration's `program` names on the web. VS Code
 * substitutes `${file}` with a path (the URI's fsPath), which loses the
 * scheme of a virtual or remote workspace (vscode-vfs:, vscode-remote:):
 * the scheme and authority come back from the open editor of that path, or
 * else from the workspace folder the path lies in (the first one for a
 * relative path). A program written as a URI is taken as it is.
 *
 * Only an editor of a workspace file counts: a `git:` document (a diff's
 * old side, with a query) or an `output:` one may have the same path, and
 * reading it would debug some other text. The active editor wins over the
 * other open documents.
 */
export interface UriLike<U> {
  readonly scheme: string;
  readonly authority: string;
  readonly query: string;
  readonly fsPath: string;
  readonly path: string;
  toString(): string;
  with(change: { path: string }): U;
}

const SCHEME = /^[a-zA-Z][a-zA-Z0-9+.-]+:\/\//;

export function scenarioUri<U extends UriLike<U>>(program: string, open: readonly U[], folders: readonly U[], parse: (uri: string) => U, active?: U): U {
  const workspaceFile = (u: U): boolean => u.query === '' && folders.some((f) => f.scheme === u.scheme && f.authority === u.authority);
  const names = (u: U): boolean => u.fsPath === program || u.path === program || u.toString() === program;
  const editor = [...(active ? [active] : []), ...open].find((u) => workspaceFile(u) && names(u));
  if (editor) return editor;
  if (SCHEME.test(program)) return parse(program);
  const inside = folders.find((f) => program.startsWith(`${f.path.replace(/\/$/, '')}/`));
  const folder = inside ?? folders[0];
  if (!folder) throw new Error(`no workspace folder to look for ${program} in`);
  const path = program.startsWith('/') ? program : `${folder.path.replace(/\/$/, '')}/${program.replace(/^\.\//, '')}`;
  return folder.with({ path });
}
