/** What a kstep launch configuration holds (the `configurationAttributes` of package.json). */
export interface KstepLaunchConfig {
  type?: string;
  request?: string;
  name?: string;
  program?: string;
  stopOnEntry?: boolean;
  trace?: boolean;
  noDebug?: boolean;
  [key: string]: unknown;
}

export interface ActiveDocument {
  readonly languageId: string;
  readonly path: string;
}

export const DEBUG_TYPE = 'kstep';

/**
 * Fills in a launch configuration the way F5 expects: with no launch.json
 * (an empty configuration) the scenario in the active editor is debugged.
 * Returns an error message when there is nothing to debug.
 */
export type Resolved = { readonly config: KstepLaunchConfig } | { readonly error: string };

export function resolveLaunchConfig(config: KstepLaunchConfig, active: ActiveDocument | undefined, lastScenario?: string): Resolved {
  const empty = !config.type && !config.request && !config.name;
  if (empty) {
    // F5 on a scenario steps through it from its first statement (the tour's "press F5 to step through it").
    if (active?.languageId === 'kstep') return { config: scenarioConfig(active.path, false) };
    // F5 while a kernel listing (or anything else) is in front: the scenario debugged last, again.
    if (lastScenario !== undefined) return { config: scenarioConfig(lastScenario, false) };
    return { error: 'Open a .kstep scenario to debug it, or add a kstep launch configuration.' };
  }
  const out: KstepLaunchConfig = { ...config, type: config.type ?? DEBUG_TYPE, request: config.request ?? 'launch' };
  if (out.request !== 'launch') return { error: `kstep supports only "request": "launch", not "${String(out.request)}".` };
  if (!out.program) {
    if (active?.languageId === 'kstep') out.program = active.path;
    else if (lastScenario !== undefined) out.program = lastScenario;
    else return { error: 'The launch configuration has no "program": set it to a .kstep scenario.' };
  }
  return { config: out };
}

/**
 * The configuration a "Debug Scenario" command, the editor-title Debug button
 * or F5 without launch.json starts for one file: debugging stops on the first
 * statement, so that F10 steps through it; running goes straight through.
 */
export function scenarioConfig(path: string, noDebug: boolean): KstepLaunchConfig {
  return { type: DEBUG_TYPE, request: 'launch', name: `${noDebug ? 'Run' : 'Debug'} ${basename(path)}`, program: path, stopOnEntry: !noDebug, ...(noDebug ? { noDebug: true } : {}) };
}

/**
 * The entry a generated launch.json gets: the scenario's path relative to the
 * workspace folder, written `${workspaceFolder}/...` so that the file works on
 * another machine or checkout; `${file}` (the active editor's scenario) when
 * there is none inside the folder.
 */
export function generatedConfig(path: string | undefined, folder: string | undefined): KstepLaunchConfig {
  const rel = path !== undefined && folder !== undefined ? relativeTo(path, folder) : undefined;
  const config = scenarioConfig(rel !== undefined ? `\${workspaceFolder}/${rel}` : '${file}', false);
  return rel !== undefined ? config : { ...config, name: 'Debug kstep scenario' };
}

/** `path` relative to `folder` with forward slashes, or undefined when it is not inside it. */
function relativeTo(path: string, folder: string): string | undefined {
  const norm = (p: string): string => p.replace(/\\/g, '/').replace(/\/+$/, '');
  const f = norm(folder);
  const p = norm(path);
  // Windows drive letters differ in case between APIs; the rest of the path is compared exactly.
  const same = (a: string, b: string): boolean => a === b || (/^[A-Za-z]:/.test(a) && a.toLowerCase() === b.toLowerCase());
  if (p.length <= f.length + 1 || p[f.length] !== '/' || !same(p.slice(0, f.length), f)) return undefined;
  return p.slice(f.length + 1);
}

function basename(p: string): string {
  return p.split(/[\\/]/).pop() ?? p;
}

/**
 * Whether an edited document is the program of a debug session: the
 * configuration's path may be relative, with `.` parts or (on Windows) another
 * drive letter case than the editor's.
 */
export function isProgram(program: unknown, fsPath: string, cwd: string): boolean {
  if (typeof program !== 'string' || program === '') return false;
  const abs = /^([A-Za-z]:)?[\\/]/.test(program) ? program : `${cwd}/${program}`;
  const norm = (p: string): string => {
    const out: string[] = [];
    for (const part of p.replace(/\\/g, '/').split('/')) {
      if (part === '..') out.pop();
      else if (part !== '.' && part !== '') out.push(part);
    }
    const joined = out.join('/');
    return /^[A-Za-z]:/.test(joined) ? joined[0]?.toLowerCase() + joined.slice(1) : joined;
  };
  return norm(abs) === norm(fsPath);
}
