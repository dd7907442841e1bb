// The extension's worker thread: parses and runs scenarios off the extension
// host's main thread, so a hostile file cannot freeze the editor. The host
// terminates it when it runs past its time budget.
import { parentPort } from 'node:worker_threads';
import { createSimulation, diffKernels, formatDiagnostic, kernelName, loadScenario, outcomeOf, parseKernel } from '../sim';
import { compareView } from './kernel_compare_view';
import { toEditorDiagnostics } from './language_info';
import { runScenarioTests } from './scenario_tests';
import { scenarioItems } from './test_items';
import { outline, procDefinition } from './language/outline';
import type { WorkerRequest, WorkerReply } from './worker_protocol';

export function handle(req: WorkerRequest): WorkerReply {
  if (req.kind === 'outline') return { kind: 'outline', symbols: outline(req.text) };
  if (req.kind === 'procDefinition') {
    const at = procDefinition(req.text, req.proc ?? '');
    return { kind: 'procDefinition', ...(at ? { at } : {}) };
  }
  if (req.kind === 'test') return { kind: 'tested', result: runScenarioTests(req.file, req.text, { maxSteps: req.maxSteps, coverage: req.coverage === true }) };
  const { program, diagnostics, warnings = [] } = loadScenario(req.file, req.text);
  if (req.kind === 'items') return { kind: 'items', items: scenarioItems(program) };
  if (req.kind === 'diagnostics') {
    const all = [...diagnostics, ...warnings];
    return { kind: 'parsed', diagnostics: toEditorDiagnostics(all), formatted: all.map(formatDiagnostic) };
  }
  if (diagnostics.length) {
    return { kind: 'parsed', diagnostics: toEditorDiagnostics(diagnostics), formatted: diagnostics.map(formatDiagnostic) };
  }
  if (req.kind === 'kernelDiff') {
    const k = parseKernel(req.kernel ?? '');
    if (typeof k === 'string' || k.before === undefined) return { kind: 'failed', message: typeof k === 'string' ? k : 'name the other kernel: before=004' };
    const diff = diffKernels(program, k, req.only ?? [], undefined, req.maxStatements, req.maxSteps);
    return { kind: 'compared', result: compareView(diff, req.file.split(/[\\/]/).pop() ?? req.file, kernelName(k)), ...(diff.outOfSteps ? { outOfSteps: true as const } : {}) };
  }
  const output: string[] = [];
  const { machine } = createSimulation(program, { maxSteps: req.maxSteps, output: (text) => output.push(text) });
  const o = outcomeOf(machine, machine.resume('continue'));
  return { kind: 'ran', output, code: o.code, steps: machine.step, ...(o.line !== undefined ? { line: o.line } : {}), ...(o.message !== undefined ? { message: o.message } : {}) };
}

parentPort?.on('message', (req: WorkerRequest) => {
  let reply: WorkerReply;
  try {
    reply = handle(req);
  } catch (e) {
    reply = { kind: 'failed', message: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
  }
  parentPort?.postMessage(reply);
});
