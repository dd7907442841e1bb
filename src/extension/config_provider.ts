import * as vscode from 'vscode';
import { DEBUG_TYPE, generatedConfig, resolveLaunchConfig } from './config';
import type { KstepLaunchConfig } from './config';
import { withHex } from './hex_setting';
import { withScenarioText } from './platform';
import { trusted } from './trust';

const LANG = 'kstep';

/** The workspaceState key of the scenario debugged last: F5 from a kernel listing debugs it again. */
const LAST_SCENARIO = 'kstep.lastScenario';

/** The configurations VS Code offers to add to launch.json, and the dynamic ones of the Run and Debug view. */
function provideDebugConfigurations(folder: vscode.WorkspaceFolder | undefined): vscode.DebugConfiguration[] {
  const editor = vscode.window.activeTextEditor;
  const path = editor?.document.languageId === LANG ? editor.document.uri.fsPath : undefined;
  const root = folder ?? (editor ? vscode.workspace.getWorkspaceFolder(editor.document.uri) : undefined);
  return [generatedConfig(path, root?.uri.fsPath) as vscode.DebugConfiguration];
}

/**
 * The providers of the kstep debug type. VS Code runs every provider's resolve methods on each launch, whatever
 * trigger kind it was registered for: the dynamic one only offers configurations, or each launch would be
 * resolved (and on the web its scenario read) twice.
 */
export function registerConfigProviders(context: vscode.ExtensionContext): vscode.Disposable[] {
  return [
    vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, new ConfigProvider(context)),
    vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, { provideDebugConfigurations }, vscode.DebugConfigurationProviderTriggerKind.Dynamic),
  ];
}

class ConfigProvider implements vscode.DebugConfigurationProvider {
  constructor(private readonly context: vscode.ExtensionContext) {}

  provideDebugConfigurations(folder: vscode.WorkspaceFolder | undefined): vscode.DebugConfiguration[] {
    return provideDebugConfigurations(folder);
  }

  resolveDebugConfiguration(_folder: vscode.WorkspaceFolder | undefined, config: vscode.DebugConfiguration): vscode.DebugConfiguration | undefined {
    if (!trusted(config.noDebug ? 'running a scenario' : 'debugging a scenario')) return undefined;
    const doc = vscode.window.activeTextEditor?.document;
    const last = this.context.workspaceState.get<string>(LAST_SCENARIO);
    const r = resolveLaunchConfig(config as KstepLaunchConfig, doc ? { languageId: doc.languageId, path: doc.uri.fsPath } : undefined, last);
    if ('error' in r) {
      void vscode.window.showInformationMessage(r.error);
      return undefined;
    }
    return withHex(r.config) as vscode.DebugConfiguration;
  }

  /**
   * Variables are substituted here: the scenario remembered is a real path, whatever launch.json wrote. On the
   * web the scenario's text joins the configuration (the inline adapter has no file system there).
   */
  resolveDebugConfigurationWithSubstitutedVariables(_folder: vscode.WorkspaceFolder | undefined, config: vscode.DebugConfiguration): vscode.ProviderResult<vscode.DebugConfiguration> {
    const program: unknown = config.program;
    if (typeof program === 'string' && program.endsWith('.kstep')) void this.context.workspaceState.update(LAST_SCENARIO, program);
    return withScenarioText(config as KstepLaunchConfig) as vscode.ProviderResult<vscode.DebugConfiguration>;
  }
}
