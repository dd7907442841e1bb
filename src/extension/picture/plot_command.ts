import * as vscode from 'vscode';
import { DEBUG_TYPE } from '../config';
import type { StatePicture } from './panel';

/**
 * "kstep: Plot Expression Over Time": from the palette (an expression typed
 * in), or on a numeric value in Variables/Watch (its expression). The plot
 * goes below the state picture.
 */
export function registerPlotCommand(context: vscode.ExtensionContext, picture: StatePicture): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('kstep.plotExpression', async (arg?: unknown) => {
      const s = vscode.debug.activeDebugSession;
      if (s?.type !== DEBUG_TYPE) {
        void vscode.window.showErrorMessage('kstep: start debugging a scenario first.');
        return;
      }
      const a = (typeof arg === 'object' && arg !== null ? arg : {}) as { variable?: { evaluateName?: string }; evaluateName?: string };
      const expression = a.variable?.evaluateName ?? a.evaluateName ?? (await vscode.window.showInputBox({ prompt: 'Plot which numeric expression over time?', placeHolder: 'resv.f.adds_in_progress' }));
      if (!expression) return;
      try {
        await picture.plot(s, expression);
      } catch (e) {
        void vscode.window.showErrorMessage(`kstep plot: ${e instanceof Error ? e.message : String(e)}`);
      }
    }),
  );
}
