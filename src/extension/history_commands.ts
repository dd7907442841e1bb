import * as vscode from 'vscode';
import { DEBUG_TYPE } from './config';

/*
 * The history queries' commands: "Why Is It This Value?" and "History of
 * This Value" on a variable or watch (and from the palette), "When Does It
 * Hold?" and "Go to Step". Each answer is a quick pick of step points;
 * picking one sends kstep/gotoStep, and the debugger travels there.
 */

interface StepJson {
  readonly step: number;
  readonly text: string;
  readonly change?: string;
  readonly statement: string;
}

interface VariableArg {
  readonly variable?: { readonly name?: string; readonly evaluateName?: string };
  readonly evaluateName?: string;
}

/** The active kstep debug session; without one, an error message says to start one. */
export function session(): vscode.DebugSession | undefined {
  const s = vscode.debug.activeDebugSession;
  if (s?.type === DEBUG_TYPE) return s;
  void vscode.window.showErrorMessage('kstep: start debugging a scenario first.');
  return undefined;
}

/** The expression of the variable a context menu was opened on, or one the user types. */
export async function expressionOf(arg: unknown, prompt: string): Promise<string | undefined> {
  const a = (typeof arg === 'object' && arg !== null ? arg : {}) as VariableArg;
  const known = a.variable?.evaluateName ?? a.evaluateName;
  if (known) return known;
  return vscode.window.showInputBox({ prompt, placeHolder: 'resv.f.adds_in_progress' });
}

async function pickAndGo(s: vscode.DebugSession, title: string, steps: readonly StepJson[], empty: string): Promise<void> {
  if (!steps.length) {
    void vscode.window.showInformationMessage(`kstep: ${empty}`);
    return;
  }
  const items = steps.map((st) => ({ label: `$(history) step ${st.step}${st.change ? `: ${st.change}` : ''}`, description: st.statement, detail: st.text, step: st.step }));
  const picked = await vscode.window.showQuickPick(items, { title, matchOnDetail: true });
  if (picked) await s.customRequest('kstep/gotoStep', { step: picked.step });
}

async function run(what: string, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (e) {
    void vscode.window.showErrorMessage(`kstep ${what}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

export function registerHistoryCommands(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('kstep.why', (arg?: unknown) =>
      run('why', async () => {
        const s = session();
        const expression = s && (await expressionOf(arg, 'Why does this value hold what it does? (a state path)'));
        if (!s || !expression) return;
        const r = (await s.customRequest('kstep/why', { expression, depth: 8 })) as { value: string | null; writes: StepJson[]; capped?: string };
        await pickAndGo(s, `why ${expression} = ${r.value ?? '(no value)'}: the writes, latest first${r.capped ? ` (${r.capped})` : ''}`, r.writes, `${expression} has not changed since the first step point`);
      }),
    ),
    vscode.commands.registerCommand('kstep.history', (arg?: unknown) =>
      run('history', async () => {
        const s = session();
        const expression = s && (await expressionOf(arg, 'The history of which value? (an expression)'));
        if (!s || !expression) return;
        const r = (await s.customRequest('kstep/history', { expression })) as { changes: StepJson[]; capped?: string };
        await pickAndGo(s, `history(${expression})${r.capped ? ` (${r.capped})` : ''}`, r.changes, `${expression} never changes`);
      }),
    ),
    vscode.commands.registerCommand('kstep.when', () =>
      run('when', async () => {
        const s = session();
        const expression = s && (await vscode.window.showInputBox({ prompt: 'When does this condition hold?', placeHolder: 'hugetlb.free < 2' }));
        if (!s || !expression) return;
        const dir = await vscode.window.showQuickPick(['next', 'prev', 'first'], { title: `when(${expression}, …)` });
        if (!dir) return;
        const r = (await s.customRequest('kstep/when', { expression, direction: dir })) as { at?: StepJson };
        if (r.at) await s.customRequest('kstep/gotoStep', { step: r.at.step });
        else void vscode.window.showInformationMessage(`kstep: ${expression} holds at no ${dir === 'prev' ? 'earlier' : dir === 'next' ? 'later' : ''} step point`);
      }),
    ),
    vscode.commands.registerCommand('kstep.gotoStep', (arg?: unknown) =>
      run('go to step', async () => {
        const s = session();
        if (!s) return;
        const name = (typeof arg === 'object' && arg !== null ? (arg as VariableArg).variable?.name : undefined) ?? '';
        const text = /^step (\d+)$/.exec(name)?.[1] ?? (await vscode.window.showInputBox({ prompt: 'Go to step point', placeHolder: '37', validateInput: (v) => (/^\d+$/.test(v) ? undefined : 'a step number') }));
        if (text) await s.customRequest('kstep/gotoStep', { step: Number(text) });
      }),
    ),
  );
}
