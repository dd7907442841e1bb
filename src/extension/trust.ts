import * as vscode from 'vscode';

/**
 * Running and debugging a scenario ask for workspace trust: a scenario runs
 * no code of its own, but it can make kstep work for as long as its budgets
 * allow. Highlighting and diagnostics work in any workspace.
 */
export function trusted(what: string): boolean {
  if (vscode.workspace.isTrusted) return true;
  void vscode.window.showWarningMessage(`kstep: ${what} needs a trusted workspace (Workspaces: Manage Workspace Trust).`);
  return false;
}
