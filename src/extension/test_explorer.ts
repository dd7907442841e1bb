/**
 * kstep scenarios in VS Code's Test Explorer: every `.kstep` of the workspace
 * is a test, its procs and expects its children. Run, Debug, continuous run
 * on save and Run with Coverage (which paints the kernel listings). Parsing
 * and running happen in the worker thread with a time budget; the logic that
 * does not need vscode is in test_items, scenario_tests, test_report and
 * test_coverage.
 */
import * as vscode from 'vscode';
import { DEFAULT_MAX_STEPS, REGISTRY } from '../sim';
import { scenarioConfig } from './config';
import { DIAGNOSTICS_BUDGET_MS, offThread, RUN_BUDGET_MS } from './off_thread';
import type { FailureFrame, ScenarioTestResult, TestFailure } from './scenario_tests';
import type { ListingTotals } from './test_coverage';
import { RunCoverage, summary } from './test_coverage';
import type { ScenarioItem } from './test_items';
import type { ItemOutcome } from './test_report';
import { failureText, fileOutcome, stackText } from './test_report';

/** Kernel listings as documents outside a debug session (coverage, stack frames): `kstep-kernel:/mm/hugetlb.c`. */
export const KERNEL_SCHEME = 'kstep-kernel';
const MAX_FILES = 2_000;

function listingUri(path: string): vscode.Uri {
  return vscode.Uri.from({ scheme: KERNEL_SCHEME, path: `/${path}` });
}

/** The listing texts, served from the simulator's registry. */
class KernelListings implements vscode.TextDocumentContentProvider {
  provideTextDocumentContent(uri: vscode.Uri): string {
    const path = uri.path.replace(/^\//, '');
    const src = REGISTRY.sources.find((s) => s.path === path);
    return src ? src.lines.join('\n') : `// kstep: no kernel listing ${path}`;
  }
}

export function registerTestExplorer(context: vscode.ExtensionContext, workerJs: string): void {
  const ctrl = vscode.tests.createTestController('kstep', 'kstep scenarios');
  const data = new WeakMap<vscode.TestItem, ScenarioItem>();
  context.subscriptions.push(ctrl, vscode.workspace.registerTextDocumentContentProvider(KERNEL_SCHEME, new KernelListings()));

  const textOf = async (uri: vscode.Uri): Promise<string> => {
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    return open ? open.getText() : new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  };

  const fileItem = (uri: vscode.Uri): vscode.TestItem => {
    const existing = ctrl.items.get(uri.toString());
    if (existing) return existing;
    const item = ctrl.createTestItem(uri.toString(), uri.path.split('/').pop() ?? uri.path, uri);
    item.canResolveChildren = true;
    ctrl.items.add(item);
    return item;
  };

  const resolveFile = async (file: vscode.TestItem): Promise<void> => {
    if (!file.uri) return;
    const uri = file.uri;
    let text: string;
    try {
      text = await textOf(uri);
    } catch (e) {
      file.error = `kstep: cannot read ${uri.fsPath}: ${e instanceof Error ? e.message : String(e)}`;
      return;
    }
    const r = await offThread(workerJs, { kind: 'items', file: uri.fsPath, text, maxSteps: DEFAULT_MAX_STEPS }, DIAGNOSTICS_BUDGET_MS);
    if (r.kind !== 'items') {
      file.error = r.kind === 'timeout' ? `kstep: listing the tests of this file took longer than ${r.ms / 1000} s` : `kstep: ${'message' in r ? r.message : r.kind}`;
      return;
    }
    file.error = undefined;
    const build = (s: ScenarioItem): vscode.TestItem => {
      const t = ctrl.createTestItem(`${file.id}#${s.id}`, s.label, uri);
      t.range = new vscode.Range(s.range.startLine, s.range.startCol, s.range.endLine, s.range.endCol);
      data.set(t, s);
      t.children.replace(s.children.map(build));
      return t;
    };
    file.children.replace(r.items.map(build));
    file.canResolveChildren = false;
  };

  const discover = async (): Promise<void> => {
    const uris = await vscode.workspace.findFiles('**/*.kstep', '**/node_modules/**', MAX_FILES);
    for (const u of uris) fileItem(u);
  };

  ctrl.resolveHandler = async (item) => {
    if (item) await resolveFile(item);
    else await discover();
  };
  ctrl.refreshHandler = async () => {
    ctrl.items.replace([]);
    await discover();
  };

  const watcher = vscode.workspace.createFileSystemWatcher('**/*.kstep');
  context.subscriptions.push(
    watcher,
    watcher.onDidCreate((u) => fileItem(u)),
    watcher.onDidDelete((u) => ctrl.items.delete(u.toString())),
    watcher.onDidChange((u) => {
      const item = ctrl.items.get(u.toString());
      // Only a file whose children were listed needs them again.
      if (item && !item.canResolveChildren) void resolveFile(item);
    }),
  );

  /** The files a request covers: an included proc or expect runs its whole scenario. */
  const filesOf = (request: vscode.TestRunRequest): vscode.TestItem[] => {
    const out = new Set<vscode.TestItem>();
    if (request.include) for (const i of request.include) out.add(rootOf(i));
    else ctrl.items.forEach((i) => out.add(i));
    return [...out].filter((f) => !request.exclude?.includes(f));
  };

  const runFiles = async (request: vscode.TestRunRequest, token: vscode.CancellationToken, withCoverage: boolean, files = filesOf(request)): Promise<void> => {
    const run = ctrl.createTestRun(request);
    const cov = withCoverage ? new RunCoverage() : undefined;
    const perTest = new Map<string, RunCoverage>();
    for (const file of files) {
      if (token.isCancellationRequested) break;
      if (!vscode.workspace.isTrusted) {
        run.errored(file, new vscode.TestMessage('kstep: running a scenario needs a trusted workspace (Workspaces: Manage Workspace Trust).'));
        continue;
      }
      if (file.canResolveChildren) await resolveFile(file);
      // The items to report: the included ones and their descendants, else the whole file.
      const chosen = chosenItems(file, request);
      for (const i of chosen) run.started(i);
      const uri = file.uri as vscode.Uri;
      const text = await textOf(uri).catch(() => undefined);
      if (text === undefined) {
        run.errored(file, new vscode.TestMessage(`kstep: cannot read ${uri.fsPath}`));
        continue;
      }
      const r = await offThread(workerJs, { kind: 'test', file: uri.fsPath, text, maxSteps: DEFAULT_MAX_STEPS, coverage: withCoverage }, RUN_BUDGET_MS);
      if (r.kind !== 'tested') {
        const why = r.kind === 'timeout' ? `kstep: the scenario ran longer than ${r.ms / 1000} s; debug it to see where it spends its time` : `kstep: ${'message' in r ? r.message : r.kind}`;
        for (const i of chosen) run.errored(i, new vscode.TestMessage(why));
        continue;
      }
      for (const line of r.result.output) run.appendOutput(`${line}\r\n`, undefined, file);
      report(run, file, chosen, r.result, data);
      if (cov && r.result.coverage) {
        cov.add(file.id, r.result.coverage);
        const own = new RunCoverage();
        own.add(file.id, r.result.coverage);
        perTest.set(file.id, own);
      }
    }
    if (cov) for (const l of cov.listings()) run.addCoverage(fileCoverage(l, (id) => ctrl.items.get(id)));
    coverageByRun.set(run, { cov, perTest });
    run.end();
  };
  const coverageByRun = new WeakMap<vscode.TestRun, { cov: RunCoverage | undefined; perTest: Map<string, RunCoverage> }>();

  const runProfile = ctrl.createRunProfile('Run', vscode.TestRunProfileKind.Run, (request, token) => runOrWatch(request, token, false), true, undefined, true);
  const coverageProfile = ctrl.createRunProfile('Run with Coverage', vscode.TestRunProfileKind.Coverage, (request, token) => runOrWatch(request, token, true), true);
  coverageProfile.loadDetailedCoverage = async (run, fc) => details(coverageByRun.get(run)?.cov, fc);
  // Per-test attribution, where the host has it (VS Code 1.93+): the details of one scenario's own run.
  (coverageProfile as { loadDetailedCoverageForTest?: unknown }).loadDetailedCoverageForTest = async (run: vscode.TestRun, fc: vscode.FileCoverage, test: vscode.TestItem) =>
    details(coverageByRun.get(run)?.perTest.get(rootOf(test).id), fc);
  ctrl.createRunProfile('Debug', vscode.TestRunProfileKind.Debug, async (request) => {
    for (const file of filesOf(request)) {
      if (!file.uri) continue;
      await vscode.debug.startDebugging(vscode.workspace.getWorkspaceFolder(file.uri), scenarioConfig(file.uri.fsPath, false) as vscode.DebugConfiguration);
    }
  }, true);
  context.subscriptions.push(runProfile, coverageProfile);

  /** A continuous run re-runs a file each time it is saved, until cancelled. */
  async function runOrWatch(request: vscode.TestRunRequest, token: vscode.CancellationToken, withCoverage: boolean): Promise<void> {
    if (!request.continuous) return runFiles(request, token, withCoverage);
    const watched = new Set(filesOf(request).map((f) => f.id));
    const all = !request.include;
    const sub = vscode.workspace.onDidSaveTextDocument((doc) => {
      if (!doc.uri.path.endsWith('.kstep')) return;
      const file = all ? fileItem(doc.uri) : ctrl.items.get(doc.uri.toString());
      if (!file || (!all && !watched.has(file.id))) return;
      // The saved text may have new expects: list them again before running.
      void resolveFile(file).then(() => runFiles(new vscode.TestRunRequest([file], undefined, request.profile, true), token, withCoverage, [file]));
    });
    await new Promise<void>((resolve) => token.onCancellationRequested(() => resolve()));
    sub.dispose();
  }

  void discover();
}

function rootOf(item: vscode.TestItem): vscode.TestItem {
  let i = item;
  while (i.parent) i = i.parent;
  return i;
}

function descendants(item: vscode.TestItem): vscode.TestItem[] {
  const out: vscode.TestItem[] = [item];
  item.children.forEach((c) => out.push(...descendants(c)));
  return out;
}

function chosenItems(file: vscode.TestItem, request: vscode.TestRunRequest): vscode.TestItem[] {
  const included = request.include?.filter((i) => rootOf(i) === file);
  const roots = included?.length ? included : [file];
  const excluded = new Set((request.exclude ?? []).flatMap(descendants));
  return [...new Set(roots.flatMap(descendants))].filter((i) => !excluded.has(i));
}

function report(run: vscode.TestRun, file: vscode.TestItem, chosen: readonly vscode.TestItem[], r: ScenarioTestResult, data: WeakMap<vscode.TestItem, ScenarioItem>): void {
  const uri = file.uri as vscode.Uri;
  const items = file.children.size ? collect(file, data) : [];
  const o = fileOutcome(items, r);
  const ofItem = (i: vscode.TestItem): ItemOutcome | undefined => (i === file ? o : o.items.get(data.get(i)?.id ?? ''));
  for (const i of chosen) {
    const io = ofItem(i);
    if (!io) continue;
    // The file also lists the failed expects, so its entry tells the whole story.
    const failures = i === file ? r.failures : io.failures;
    const messages = failures.map((f) => testMessage(f, uri));
    if (io.state === 'passed') run.passed(i);
    else if (io.state === 'skipped') run.skipped(i);
    else if (io.state === 'failed') run.failed(i, messages.length ? messages : [new vscode.TestMessage('an expect in this proc failed')]);
    else run.errored(i, messages.length ? messages : [new vscode.TestMessage('the run failed here')]);
  }
}

/** The pure items of a file's tree, from the items it was built from. */
function collect(file: vscode.TestItem, data: WeakMap<vscode.TestItem, ScenarioItem>): ScenarioItem[] {
  const out: ScenarioItem[] = [];
  file.children.forEach((c) => {
    const s = data.get(c);
    if (s) out.push(s);
  });
  return out;
}

interface StackFrameCtor {
  new (label: string, uri: vscode.Uri | undefined, position: vscode.Position | undefined): unknown;
}

function testMessage(f: TestFailure, uri: vscode.Uri): vscode.TestMessage {
  // TestMessage.stackTrace came after the @types/vscode this extension builds against: detected at run time.
  const Frame = (vscode as unknown as { TestMessageStackFrame?: StackFrameCtor }).TestMessageStackFrame;
  const text = failureText(f) + (Frame || !f.stack.length ? '' : `\n${stackText(f.stack)}`);
  const m = f.expected !== undefined && f.actual !== undefined ? vscode.TestMessage.diff(text, f.expected, f.actual) : new vscode.TestMessage(text);
  m.location = new vscode.Location(uri, new vscode.Position(Math.max(0, f.line - 1), 0));
  if (Frame && f.stack.length) (m as { stackTrace?: unknown[] }).stackTrace = f.stack.map((s) => new Frame(frameLabel(s), s.kernel ? listingUri(s.path) : uri, new vscode.Position(Math.max(0, s.line - 1), 0)));
  return m;
}

function frameLabel(f: FailureFrame): string {
  return f.kernel ? `${f.name} (${f.path})` : f.name;
}

function fileCoverage(l: ListingTotals, itemOf: (id: string) => vscode.TestItem | undefined): vscode.FileCoverage {
  const s = summary(l);
  const fc = new vscode.FileCoverage(listingUri(l.path), new vscode.TestCoverageCount(s.statements.covered, s.statements.total), new vscode.TestCoverageCount(s.branches.covered, s.branches.total), new vscode.TestCoverageCount(s.functions.covered, s.functions.total));
  // FileCoverage.includesTests (VS Code 1.93+): which scenarios reached this listing.
  (fc as { includesTests?: vscode.TestItem[] }).includesTests = l.tests.flatMap((id) => itemOf(id) ?? []);
  return fc;
}

function details(cov: RunCoverage | undefined, fc: vscode.FileCoverage): vscode.FileCoverageDetail[] {
  const l = cov?.get(fc.uri.path.replace(/^\//, ''));
  if (!l) return [];
  const lineEnd = (line: number): number => REGISTRY.sources.find((s) => s.path === l.path)?.lines[line]?.length ?? 0;
  const at = (line: number): vscode.Range => new vscode.Range(line, 0, line, lineEnd(line));
  const stmts = new Map<number, vscode.StatementCoverage>();
  for (const p of l.statements) stmts.set(p.line, new vscode.StatementCoverage(p.hits, at(p.line)));
  // A branch belongs to its `if` line: the statement there, or one made for it.
  for (const b of l.branches) {
    const st = stmts.get(b.line) ?? new vscode.StatementCoverage(b.taken + b.notTaken, at(b.line));
    st.branches.push(new vscode.BranchCoverage(b.taken, undefined, 'then'), new vscode.BranchCoverage(b.notTaken, undefined, 'past'));
    stmts.set(b.line, st);
  }
  const decls = l.functions.map((f) => new vscode.DeclarationCoverage(f.name, f.hits, at(f.line)));
  return [...[...stmts.entries()].sort((a, b) => a[0] - b[0]).map(([, s]) => s), ...decls];
}
