import * as vscode from 'vscode';
import { DEBUG_TYPE } from './config';

/**
 * Hex or decimal, as a setting (`kstep.hexDefault`) that outlives the
 * session: every kstep launch carries it, the Variables view's context menu
 * offers the other choice (the `kstep.hex` context key), and changing it
 * re-formats every running kstep session.
 */
const SECTION = 'kstep';
const KEY = 'hexDefault';

export function hexSetting(): boolean {
  return vscode.workspace.getConfiguration(SECTION).get<boolean>(KEY, true);
}

/** A launch configuration with the setting, unless it says otherwise (`"hex": false`). */
export function withHex<T extends { readonly [key: string]: unknown }>(config: T): T {
  return typeof config.hex === 'boolean' ? config : { ...config, hex: hexSetting() };
}

export function registerHexSetting(context: vscode.ExtensionContext): void {
  const sessions = new Set<vscode.DebugSession>();
  const apply = async (): Promise<void> => {
    const hex = hexSetting();
    await vscode.commands.executeCommand('setContext', 'kstep.hex', hex);
    await Promise.all([...sessions].map((s) => Promise.resolve(s.customRequest('kstep/setFormat', { hex })).catch(() => undefined)));
  };
  const set = (hex: boolean): Thenable<void> => vscode.workspace.getConfiguration(SECTION).update(KEY, hex, vscode.ConfigurationTarget.Global);
  context.subscriptions.push(
    vscode.debug.onDidStartDebugSession((s) => s.type === DEBUG_TYPE && sessions.add(s)),
    vscode.debug.onDidTerminateDebugSession((s) => sessions.delete(s)),
    vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration(`${SECTION}.${KEY}`) && void apply()),
    vscode.commands.registerCommand('kstep.showHex', () => set(true)),
    vscode.commands.registerCommand('kstep.showDecimal', () => set(false)),
  );
  void vscode.commands.executeCommand('setContext', 'kstep.hex', hexSetting());
}
