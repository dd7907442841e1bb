import * as vscode from 'vscode';
import { DEBUG_TYPE } from './config';
import type { MemoryViewTarget } from './memory_text';
import { MEMORY_SCHEME, MEMORY_VIEW_BYTES, memoryViewPath, memoryViewText, parseMemoryViewQuery } from './memory_text';

/** What VS Code passes to a `debug/variables/context` command. */
interface VariableMenuArg {
  readonly variable?: { readonly name?: string; readonly evaluateName?: string; readonly memoryReference?: string };
}

/**
 * A read-only hexdump of any memoryReference, without the Hex Editor
 * extension (which a machine without the marketplace cannot install): a
 * virtual document read through the debug session's readMemory, read again
 * whenever the session stops or its values change.
 */
class MemoryDocuments implements vscode.TextDocumentContentProvider {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly open = new Set<string>();

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const t = parseMemoryViewQuery(uri.query);
    if (!t) return 'Not a kstep memory reference.\n';
    this.open.add(uri.toString());
    const s = vscode.debug.activeDebugSession;
    if (s?.type !== DEBUG_TYPE) return `${t.label}  ${t.ref}\n\nNo kstep debug session: start one to read this memory.\n`;
    try {
      const r = (await s.customRequest('readMemory', { memoryReference: t.ref, offset: 0, count: t.count })) as { address?: string; data?: string; unreadableBytes?: number };
      return memoryViewText(t, r.address, new Uint8Array(Buffer.from(r.data ?? '', 'base64')), r.unreadableBytes ?? 0);
    } catch (e) {
      return `${t.label}  ${t.ref}\n\n${e instanceof Error ? e.message : String(e)}\n`;
    }
  }

  refresh(): void {
    for (const u of this.open) this.changed.fire(vscode.Uri.parse(u));
  }

  forget(doc: vscode.TextDocument): void {
    this.open.delete(doc.uri.toString());
  }

  dispose(): void {
    this.changed.dispose();
  }
}

export function registerMemoryView(context: vscode.ExtensionContext): void {
  const docs = new MemoryDocuments();
  context.subscriptions.push(
    docs,
    vscode.workspace.registerTextDocumentContentProvider(MEMORY_SCHEME, docs),
    vscode.workspace.onDidCloseTextDocument((d) => d.uri.scheme === MEMORY_SCHEME && docs.forget(d)),
    vscode.debug.registerDebugAdapterTrackerFactory(DEBUG_TYPE, {
      createDebugAdapterTracker: () => ({
        onDidSendMessage: (m: { type?: string; event?: string }) => {
          if (m.type === 'event' && (m.event === 'stopped' || m.event === 'invalidated' || m.event === 'memory')) docs.refresh();
        },
      }),
    }),
    vscode.commands.registerCommand('kstep.viewMemory', async (arg?: VariableMenuArg) => {
      const v = arg?.variable;
      if (!v?.memoryReference) {
        void vscode.window.showInformationMessage('kstep: this value has no memory behind it (no memoryReference).');
        return;
      }
      const t: MemoryViewTarget = { ref: v.memoryReference, count: MEMORY_VIEW_BYTES, label: v.evaluateName ?? v.name ?? v.memoryReference };
      const { path, query } = memoryViewPath(t);
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.from({ scheme: MEMORY_SCHEME, path, query }));
      await vscode.window.showTextDocument(doc, { preview: true, viewColumn: vscode.ViewColumn.Beside });
    }),
  );
}
