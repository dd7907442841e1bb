// The editor latency bench's floor: a VS Code extension whose debug adapter answers every request at once
// from a counter, with the same shapes kstep answers a scenario step with (one thread, one scenario frame on
// the current line, the same scope names, a `time` scope whose ticks/ns move on each step). Timing F10 →
// Call Stack and Variables updated with it measures what the editor itself costs; kstep's figure over this
// one is what kstep adds. It also contributes the two commands the bench starts sessions with, so both
// sessions start the same way. Bundled by floor_vsix.ts; never shipped.
import { readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import type { DebugProtocol } from '@vscode/debugprotocol';

const FLOOR_TYPE = 'kstep-floor';

interface FloorLaunch {
  program: string;
  /** The scope names kstep showed for the same scenario, in order. */
  scopes: string[];
}

class FloorAdapter implements vscode.DebugAdapter {
  private readonly sent = new vscode.EventEmitter<vscode.DebugProtocolMessage>();
  readonly onDidSendMessage = this.sent.event;
  private seq = 1;
  private line = 1;
  private steps = 0;
  private launch: FloorLaunch = { program: '', scopes: ['time'] };

  handleMessage(message: vscode.DebugProtocolMessage): void {
    const req = message as DebugProtocol.Request;
    if (req.type !== 'request') return;
    switch (req.command) {
      case 'initialize':
        this.respond(req, { supportsConfigurationDoneRequest: true });
        this.event('initialized');
        return;
      case 'launch': {
        const a = (req.arguments ?? {}) as Partial<FloorLaunch>;
        this.launch = { program: String(a.program ?? ''), scopes: Array.isArray(a.scopes) && a.scopes.length ? a.scopes.map(String) : ['time'] };
        this.line = firstStatementLine(this.launch.program);
        this.respond(req);
        return;
      }
      case 'configurationDone':
        this.respond(req);
        this.event('stopped', { reason: 'entry', threadId: 1, allThreadsStopped: true });
        return;
      case 'setBreakpoints':
        this.respond(req, { breakpoints: [] });
        return;
      case 'threads':
        this.respond(req, { threads: [{ id: 1, name: 'scenario' }] });
        return;
      case 'stackTrace': {
        const name = this.launch.program.split('/').pop() ?? 'scenario';
        const frame: DebugProtocol.StackFrame = { id: 1, name: 'scenario', line: this.line, column: 1, source: { name, path: this.launch.program } };
        this.respond(req, { stackFrames: [frame], totalFrames: 1 });
        return;
      }
      case 'scopes':
        this.respond(req, {
          scopes: this.launch.scopes.map((name, i) => ({ name, variablesReference: 1000 + i, expensive: false })),
        });
        return;
      case 'variables':
        this.respond(req, { variables: this.variables((req.arguments as DebugProtocol.VariablesArguments).variablesReference) });
        return;
      case 'next':
      case 'stepIn':
      case 'stepOut':
        this.respond(req);
        this.steps++;
        this.line++;
        this.event('stopped', { reason: 'step', threadId: 1, allThreadsStopped: true });
        return;
      case 'continue':
        this.respond(req, { allThreadsContinued: true });
        this.event('terminated');
        return;
      default:
        this.respond(req);
    }
  }

  private variables(ref: number): DebugProtocol.Variable[] {
    const scope = this.launch.scopes[ref - 1000];
    if (scope === 'time') {
      return [
        { name: 'ticks', value: String(this.steps * 10), variablesReference: 0 },
        { name: 'ns', value: String(this.steps * 1000), variablesReference: 0 },
      ];
    }
    return [0, 1, 2].map((i) => ({ name: `v${i}`, value: String(i), variablesReference: 0 }));
  }

  private respond(req: DebugProtocol.Request, body?: unknown): void {
    const res: DebugProtocol.Response = { type: 'response', seq: this.seq++, request_seq: req.seq, command: req.command, success: true, body };
    this.sent.fire(res);
  }

  private event(event: string, body?: unknown): void {
    const ev: DebugProtocol.Event = { type: 'event', seq: this.seq++, event, body };
    this.sent.fire(ev);
  }

  dispose(): void {
    this.sent.dispose();
  }
}

/** Where kstep stops on entry: the first line that is not blank or a comment. */
function firstStatementLine(program: string): number {
  let text = '';
  try {
    text = readFileSync(program, 'utf8');
  } catch {
    return 1;
  }
  const i = text.split('\n').findIndex((l) => l.trim() !== '' && !l.trim().startsWith('#'));
  return i < 0 ? 1 : i + 1;
}

function activeProgram(): { folder: vscode.WorkspaceFolder | undefined; program: string } | undefined {
  const doc = vscode.window.activeTextEditor?.document;
  if (!doc || doc.uri.scheme !== 'file') return undefined;
  return { folder: vscode.workspace.getWorkspaceFolder(doc.uri), program: doc.uri.fsPath };
}

export function activate(context: vscode.ExtensionContext): void {
  // The floor answers with the scope names kstep last answered with, so the Variables view has as much to draw.
  let kstepScopes: string[] = ['time'];
  context.subscriptions.push(
    vscode.debug.registerDebugAdapterTrackerFactory('kstep', {
      createDebugAdapterTracker: () => ({
        onDidSendMessage: (m: DebugProtocol.ProtocolMessage) => {
          const r = m as DebugProtocol.ScopesResponse;
          if (r.type === 'response' && r.command === 'scopes' && r.success) kstepScopes = r.body.scopes.map((s) => s.name);
        },
      }),
    }),
    vscode.debug.registerDebugAdapterDescriptorFactory(FLOOR_TYPE, {
      createDebugAdapterDescriptor: () => new vscode.DebugAdapterInlineImplementation(new FloorAdapter()),
    }),
    vscode.commands.registerCommand('kstepFloor.debugKstep', async () => {
      const a = activeProgram();
      if (!a) return;
      await vscode.debug.startDebugging(a.folder, { type: 'kstep', request: 'launch', name: 'kstep', program: a.program, stopOnEntry: true });
    }),
    vscode.commands.registerCommand('kstepFloor.debugFloor', async () => {
      const a = activeProgram();
      if (!a) return;
      await vscode.debug.startDebugging(a.folder, { type: FLOOR_TYPE, request: 'launch', name: 'floor', program: a.program, scopes: kstepScopes });
    }),
  );
}

export function deactivate(): void {}
