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

export function resolveLaunchConfig(config: KstepLaunchConfig, active: ActiveDocument | undefined): Resolved {
  const empty = !config.type && !config.request && !config.name;
  if (empty) {
    if (!active || active.languageId !== 'kstep') return { error: 'Open a .kstep scenario to debug it, or add a kstep launch configuration.' };
    return { config: { type: DEBUG_TYPE, request: 'launch', name: `Debug ${basename(active.path)}`, program: active.path, stopOnEntry: false } };
  }
  const out: KstepLaunchConfig = { ...config, type: config.type ?? DEBUG_TYPE, request: config.request ?? 'launch' };
  if (out.request !== 'launch') return { error: `kstep supports only "request": "launch", not "${String(out.request)}".` };
  if (!out.program) {
    if (!active || active.languageId !== 'kstep') return { error: 'The launch configuration has no "program": set it to a .kstep scenario.' };
    out.program = active.path;
  }
  return { config: out };
}

/** The configuration a "Debug Scenario" command or a code lens starts for one file. */
export function scenarioConfig(path: string, noDebug: boolean): KstepLaunchConfig {
  return { type: DEBUG_TYPE, request: 'launch', name: `${noDebug ? 'Run' : 'Debug'} ${basename(path)}`, program: path, stopOnEntry: false, ...(noDebug ? { noDebug: true } : {}) };
}

function basename(p: string): string {
  return p.split(/[\\/]/).pop() ?? p;
}
