import * as vscode from 'vscode';
import { KstepSession } from '../adapter/session';
import { DEFAULT_MAX_STEPS } from '../sim';
import { DEBUG_TYPE, scenarioConfig } from './config';
import { registerSessionWatch } from './session_watch';
import { registerConfigProviders } from './config_provider';
import { trusted } from './trust';
import { registerHistoryCommands } from './history_commands';
import { hoverText } from './language_info';
import { registerLanguageFeatures } from './language/register';
import type { EditorDiagnostic } from './language_info';
import { DIAGNOSTICS_BUDGET_MS, offThread, RUN_BUDGET_MS, tooLongDiagnostic } from './off_thread';
import { StatePicture } from './picture/panel';
import { registerPlotCommand } from './picture/plot_command';
import { registerKernelCompare } from './kernel_compare';
import type { ListingFrame } from './listing_values';
import { isListingOf, listingInlineValues } from './listing_values';
import { hostDescription, inlineAdapter, processAdapter, showWorkerTrouble, workerScript } from './platform';
import { CheckFailures } from './check_failures';
import { registerHexSetting } from './hex_setting';
import { registerMemoryView } from './memory_view';
import { referenceMarkdown, registerReferenceCommand } from './reference_command';
import { registerWalkthrough } from './walkthrough';
import { registerTestExplorer } from './test_explorer';
import type { ProcessAdapter } from './platform';

const LANG = 'kstep';

export function activate(context: vscode.ExtensionContext): void {
  const parseDiagnostics = vscode.languages.createDiagnosticCollection('kstep');
  const runDiagnostics = vscode.languages.createDiagnosticCollection('kstep-run');
  const output = vscode.window.createOutputChannel('kstep');
  const workerJs = workerScript(context.extensionUri);
  const picture = new StatePicture(context);
  const adapters = new AdapterFactory(context);
  context.subscriptions.push(parseDiagnostics, runDiagnostics, output, picture);
  showWorkerTrouble(output);

  context.subscriptions.push(
    ...registerConfigProviders(context),
    vscode.debug.registerDebugAdapterDescriptorFactory(DEBUG_TYPE, adapters),
    vscode.debug.onDidTerminateDebugSession((s) => adapters.release(s)),
    adapters,
    vscode.debug.registerDebugAdapterTrackerFactory(DEBUG_TYPE, {
      createDebugAdapterTracker: (session) => ({
        onDidSendMessage: (m: { type?: string; event?: string }) => {
          if (m.type === 'event' && (m.event === 'stopped' || m.event === 'invalidated')) void picture.refresh(session);
          if (m.type === 'event' && m.event === 'terminated') picture.clear('The scenario has finished.');
        },
      }),
    }),
    vscode.languages.registerInlineValuesProvider({ language: LANG }, new InlineValues()),
    vscode.languages.registerInlineValuesProvider({ scheme: 'debug' }, new ListingInlineValues()),
    vscode.languages.registerEvaluatableExpressionProvider({ language: LANG }, new EvaluatableExpressions()),
    vscode.languages.registerHoverProvider({ language: LANG }, new Hovers()),
  );

  const language = registerLanguageFeatures(context, workerJs);

  // Parser diagnostics while typing, debounced.
  const timers = new Map<string, NodeJS.Timeout>();
  const failures = new CheckFailures();
  const check = (doc: vscode.TextDocument): void => {
    if (doc.languageId !== LANG) return;
    const key = doc.uri.toString();
    clearTimeout(timers.get(key));
    const delay = vscode.workspace.getConfiguration('kstep').get<number>('diagnosticsDelay', 250);
    timers.set(key, setTimeout(() => {
      timers.delete(key);
      const version = doc.version;
      // Off the extension host's thread, within a time budget: a hostile file cannot freeze the editor.
      void offThread(workerJs, { kind: 'diagnostics', file: doc.uri.fsPath, text: doc.getText(), maxSteps: DEFAULT_MAX_STEPS }, DIAGNOSTICS_BUDGET_MS).then((r) => {
        if (doc.isClosed || doc.version !== version) return;
        const failed = failures.note(key, vscode.workspace.asRelativePath(doc.uri), r);
        if (failed) output.appendLine(failed);
        language.diagnosticsComputed(doc.uri, version, r.kind === 'parsed' ? r.diagnostics : []);
        if (r.kind === 'parsed') {
          parseDiagnostics.set(doc.uri, r.diagnostics.map(toVsDiagnostic));
        }
        else if (r.kind === 'timeout') parseDiagnostics.set(doc.uri, [toVsDiagnostic(tooLongDiagnostic(r.ms))]);
      });
    }, delay));
  };
  vscode.workspace.textDocuments.forEach(check);
  context.subscriptions.push(
    vscode.workspace.onDidOpenTextDocument(check),
    vscode.workspace.onDidChangeTextDocument((e) => {
      runDiagnostics.delete(e.document.uri);
      check(e.document);
    }),
    vscode.workspace.onDidCloseTextDocument((d) => {
      failures.forget(d.uri.toString());
      parseDiagnostics.delete(d.uri);
      runDiagnostics.delete(d.uri);
    }),
  );

  const scenarioUri = (uri: vscode.Uri | undefined): vscode.Uri | undefined => {
    const u = uri ?? vscode.window.activeTextEditor?.document.uri;
    if (!u || !u.fsPath.endsWith('.kstep')) {
      void vscode.window.showErrorMessage('kstep: open a .kstep scenario first.');
      return undefined;
    }
    return u;
  };

  context.subscriptions.push(
    vscode.commands.registerCommand('kstep.runScenario', async (uri?: vscode.Uri) => {
      const u = scenarioUri(uri);
      if (!u || !trusted('Run Scenario')) return;
      const doc = await vscode.workspace.openTextDocument(u);
      await runHeadless(workerJs, doc, output, runDiagnostics);
    }),
    vscode.commands.registerCommand('kstep.debugScenario', async (uri?: vscode.Uri) => {
      const u = scenarioUri(uri);
      if (!u || !trusted('Debug Scenario')) return;
      await vscode.debug.startDebugging(vscode.workspace.getWorkspaceFolder(u), scenarioConfig(u.fsPath, false) as vscode.DebugConfiguration);
    }),
    vscode.commands.registerCommand('kstep.showStatePicture', () => picture.show()),
    vscode.commands.registerCommand('kstep.stepBackInto', () => stepBackInto()),
    vscode.commands.registerCommand('kstep.about', () => {
      const version = vscode.extensions.getExtension('kstep.kstep')?.packageJSON as { version?: string } | undefined;
      void vscode.window.showInformationMessage(`kstep ${version?.version ?? ''} runs in ${hostDescription()}.`);
    }),
  );
  registerHistoryCommands(context);
  registerPlotCommand(context, picture);
  registerKernelCompare(context, workerJs);
  registerSessionWatch(context);
  registerHexSetting(context);
  registerMemoryView(context);
  registerReferenceCommand(context);
  registerWalkthrough(context);
  registerTestExplorer(context, workerJs);
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}

function toVsDiagnostic(d: EditorDiagnostic): vscode.Diagnostic {
  const r = new vscode.Range(d.startLine, d.startCol, d.endLine, d.endCol);
  const diag = new vscode.Diagnostic(r, d.message, d.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning);
  diag.source = 'kstep';
  return diag;
}

/**
 * "kstep: Run Scenario": headless, results in the output channel, failures
 * as diagnostics. It runs in a worker thread with the step budget and a
 * wall-clock budget, so the editor stays responsive whatever the scenario does.
 */
async function runHeadless(workerJs: string, doc: vscode.TextDocument, output: vscode.OutputChannel, diags: vscode.DiagnosticCollection): Promise<void> {
  const name = doc.uri.fsPath;
  output.show(true);
  output.appendLine(`── kstep run ${vscode.workspace.asRelativePath(doc.uri)}`);
  const o = await offThread(workerJs, { kind: 'run', file: name, text: doc.getText(), maxSteps: DEFAULT_MAX_STEPS }, RUN_BUDGET_MS);
  if (o.kind === 'parsed') {
    for (const d of o.formatted) output.appendLine(d);
    diags.set(doc.uri, o.diagnostics.map(toVsDiagnostic));
    output.appendLine(`${o.formatted.length} error(s); nothing was run`);
    return;
  }
  if (o.kind !== 'ran') {
    output.appendLine(o.kind === 'timeout' ? `✗ stopped after ${o.ms / 1000} s: debug the scenario to see where it spends its time` : `✗ ${'message' in o ? o.message : o.kind}`);
    return;
  }
  for (const line of o.output) output.appendLine(line);
  if (o.code === 0) {
    diags.delete(doc.uri);
    output.appendLine(`✓ every expect held (${o.steps} step points)`);
    return;
  }
  const line = Math.max(0, (o.line ?? 1) - 1);
  const text = doc.lineAt(Math.min(line, doc.lineCount - 1));
  const range = new vscode.Range(line, text.firstNonWhitespaceCharacterIndex, line, text.text.length);
  const d = new vscode.Diagnostic(range, o.message ?? 'failed', vscode.DiagnosticSeverity.Error);
  d.source = 'kstep run';
  diags.set(doc.uri, [d]);
  output.appendLine(`✗ ${vscode.workspace.asRelativePath(doc.uri)}:${o.line}: ${o.message}`);
}

class AdapterFactory implements vscode.DebugAdapterDescriptorFactory, vscode.Disposable {
  /** Separate-process adapters by debug session id. */
  private readonly processes = new Map<string, ProcessAdapter>();

  constructor(private readonly context: vscode.ExtensionContext) {}

  async createDebugAdapterDescriptor(session: vscode.DebugSession): Promise<vscode.DebugAdapterDescriptor> {
    const where = vscode.workspace.getConfiguration('kstep').get<string>('adapter', 'inline');
    // On the web there is no process to start: processAdapter says so and the adapter runs inline.
    const a = where === 'process' ? await processAdapter(this.context.extensionUri) : undefined;
    if (a) {
      this.processes.set(session.id, a);
      return a.descriptor;
    }
    return new vscode.DebugAdapterInlineImplementation(inlineAdapter(new KstepSession() as unknown as vscode.DebugAdapter));
  }

  release(session: vscode.DebugSession): void {
    this.processes.get(session.id)?.dispose();
    this.processes.delete(session.id);
  }

  dispose(): void {
    for (const a of this.processes.values()) a.dispose();
    this.processes.clear();
  }
}

class InlineValues implements vscode.InlineValuesProvider {
  async provideInlineValues(doc: vscode.TextDocument, viewport: vscode.Range): Promise<vscode.InlineValue[]> {
    const s = vscode.debug.activeDebugSession;
    if (s?.type !== DEBUG_TYPE) return [];
    const r = (await s.customRequest('kstep/recentResults', { path: doc.uri.fsPath })) as { results?: Array<{ line: number; text: string }> };
    return (r.results ?? [])
      .filter((x) => x.line - 1 >= viewport.start.line && x.line - 1 <= viewport.end.line && x.line - 1 < doc.lineCount)
      .map((x) => new vscode.InlineValueText(doc.lineAt(x.line - 1).range, x.text));
  }
}

/** Inline values in a kernel listing (a `debug:` document): the selected kernel frame's locals. */
class ListingInlineValues implements vscode.InlineValuesProvider {
  async provideInlineValues(doc: vscode.TextDocument, viewport: vscode.Range, context: vscode.InlineValueContext): Promise<vscode.InlineValue[]> {
    const s = vscode.debug.activeDebugSession;
    if (s?.type !== DEBUG_TYPE) return [];
    const frame = (await s.customRequest('kstep/frameLocals', { frameId: context.frameId })) as Partial<ListingFrame>;
    if (frame.path === undefined || frame.locals === undefined || frame.line === undefined || frame.fnLine === undefined) return [];
    if (!isListingOf(doc.uri.path, frame as ListingFrame)) return [];
    const lines = Array.from({ length: doc.lineCount }, (_, i) => doc.lineAt(i).text);
    return listingInlineValues(lines, frame as ListingFrame, viewport.start.line + 1, viewport.end.line + 1).map((x) => new vscode.InlineValueText(doc.lineAt(x.line - 1).range, x.text));
  }
}

/** Step Back Into: back to the last step point of the call that just returned (VS Code has no reverse step-in button). */
async function stepBackInto(): Promise<void> {
  const s = vscode.debug.activeDebugSession;
  if (s?.type !== DEBUG_TYPE) {
    void vscode.window.showInformationMessage('kstep: Step Back Into needs a kstep debug session that is stopped.');
    return;
  }
  try {
    await s.customRequest('kstep/stepBackInto');
  } catch (e) {
    void vscode.window.showWarningMessage(`kstep: ${e instanceof Error ? e.message : String(e)}`);
  }
}

const PATH = /[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*|\[[^\]\n]*\])*/g;

class EvaluatableExpressions implements vscode.EvaluatableExpressionProvider {
  provideEvaluatableExpression(doc: vscode.TextDocument, pos: vscode.Position): vscode.EvaluatableExpression | undefined {
    const line = doc.lineAt(pos.line).text;
    for (const m of line.matchAll(PATH)) {
      const start = m.index ?? 0;
      const end = start + m[0].length;
      if (pos.character < start || pos.character > end) continue;
      // Evaluate the path up to the hovered component: `resv.f` when hovering `f`.
      let upto = m[0];
      const rel = pos.character - start;
      const cut = upto.slice(rel).search(/[.[]/);
      if (cut > 0) upto = upto.slice(0, rel + cut);
      return new vscode.EvaluatableExpression(new vscode.Range(pos.line, start, pos.line, start + upto.length), upto);
    }
    return undefined;
  }
}

class Hovers implements vscode.HoverProvider {
  provideHover(doc: vscode.TextDocument, pos: vscode.Position): vscode.Hover | undefined {
    const range = doc.getWordRangeAtPosition(pos, /[A-Za-z_][A-Za-z0-9_]*/);
    if (!range) return undefined;
    const word = doc.getText(range);
    const before = doc.lineAt(pos.line).text.slice(0, range.start.character);
    const text = hoverText(word, /^\s*([A-Za-z_]\w*\s+)?$/.test(before));
    return text ? new vscode.Hover(referenceMarkdown(text), range) : undefined;
  }
}
