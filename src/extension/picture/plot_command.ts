import * as vscode from 'vscode';
import { expressionOf, session } from '../history_commands';
import type { StatePicture } from './panel';

/**
 * "kstep: Plot Expression Over Time": from the palette (an expression typed
 * in), or on a numeric value in Variables/Watch (its expression). The plot
 * goes below the state picture.
 */
export function registerPlotCommand(context: vscode.ExtensionContext, picture: StatePicture): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('kstep.plotExpression', async (arg?: unknown) => {
      const s = session();
      if (!s) return;
      const expression = await expressionOf(arg, 'Plot which numeric expression over time?');
      if (!expression) return;
      try {
        await picture.plot(s, expression);
      } catch (e) {
        void vscode.window.showErrorMessage(`kstep plot: ${e instanceof Error ? e.message : String(e)}`);
      }
    }),
  );
}
