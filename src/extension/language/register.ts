/**
 * The VS Code glue of the editor features that know the kernel: quick fixes
 * for "did you mean", completion, signature help, the Outline, Go to
 * Definition and the read-only reference patches. The logic is in the pure
 * modules beside this one; what reads a whole file runs in the worker.
 */
import * as vscode from 'vscode';
import { DEFAULT_MAX_STEPS, REGISTRY } from '../../sim';
import type { EditorDiagnostic } from '../language_info';
import { DIAGNOSTICS_BUDGET_MS, offThread } from '../off_thread';
import { completionsAt } from './completion';
import { DeclaredNamesCache } from './declared_scan';
import { calledProc, constantDefinition, wordAt } from './definition';
import type { OutlineSymbol } from './outline';
import { FixableDiagnostics, quickFixes, shownDiagnostic } from './quick_fix';
import { signatureAt } from './signature';

const LANG = { language: 'kstep' };
export const REFERENCE_SCHEME = 'kstep-reference';

/** The latest diagnostics of each document, as the worker gave them: the quick fixes read their `fix`. */
export interface LanguageFeatures {
  /** The worker's diagnostics of the document at `version`: none when it timed out or failed. */
  diagnosticsComputed(uri: vscode.Uri, version: number, diags: readonly EditorDiagnostic[]): void;
}

export function registerLanguageFeatures(context: vscode.ExtensionContext, workerJs: string): LanguageFeatures {
  const latest = new FixableDiagnostics();
  const declaredCache = new DeclaredNamesCache(REGISTRY.verbs);
  const outlineOf = async (doc: vscode.TextDocument): Promise<OutlineSymbol[]> => {
    const r = await offThread(workerJs, { kind: 'outline', file: doc.uri.fsPath, text: doc.getText(), maxSteps: DEFAULT_MAX_STEPS }, DIAGNOSTICS_BUDGET_MS);
    return r.kind === 'outline' ? r.symbols : [];
  };
  const kinds = { keyword: vscode.CompletionItemKind.Keyword, constant: vscode.CompletionItemKind.Constant, variable: vscode.CompletionItemKind.Variable, property: vscode.CompletionItemKind.Property };

  context.subscriptions.push(
    vscode.workspace.onDidCloseTextDocument((d) => {
      latest.forget(d.uri.toString());
      declaredCache.forget(d.uri.toString());
    }),
    vscode.languages.registerCodeActionsProvider(LANG, {
      provideCodeActions(doc, range, ctx) {
        const out: vscode.CodeAction[] = [];
        for (const f of quickFixes(latest.at(doc.uri.toString(), doc.version), range.start.line, range.start.character, range.end.character)) {
          const shown = shownDiagnostic(ctx.diagnostics, f.diagnostic);
          if (!shown) continue;
          const a = new vscode.CodeAction(f.title, vscode.CodeActionKind.QuickFix);
          a.edit = new vscode.WorkspaceEdit();
          a.edit.replace(doc.uri, new vscode.Range(f.fix.startLine, f.fix.startCol, f.fix.endLine, f.fix.endCol), f.replacement);
          a.isPreferred = f.preferred;
          a.diagnostics = [shown];
          out.push(a);
        }
        return out;
      },
    }, { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] }),
    vscode.languages.registerCompletionItemProvider(LANG, {
      provideCompletionItems(doc, pos) {
        const declared = declaredCache.namesAt(doc.uri.toString(), doc.version, doc, pos.line);
        return completionsAt(doc.lineAt(pos.line).text.slice(0, pos.character), REGISTRY, declared).map((c) => {
          const item = new vscode.CompletionItem(c.label, kinds[c.kind]);
          if (c.detail) item.detail = c.detail;
          if (c.insert) item.insertText = c.insert;
          return item;
        });
      },
    }, ' ', '=', '.'),
    vscode.languages.registerSignatureHelpProvider(LANG, {
      provideSignatureHelp(doc, pos) {
        const s = signatureAt(doc.lineAt(pos.line).text.slice(0, pos.character));
        if (!s) return undefined;
        const info = new vscode.SignatureInformation(s.label, s.documentation);
        info.parameters = s.parameters.map((p) => new vscode.ParameterInformation([p.range[0], p.range[1]], p.documentation));
        const help = new vscode.SignatureHelp();
        help.signatures = [info];
        help.activeSignature = 0;
        help.activeParameter = s.activeParameter;
        return help;
      },
    }, ' ', '='),
    vscode.languages.registerDocumentSymbolProvider(LANG, {
      async provideDocumentSymbols(doc) {
        const toSymbol = (s: OutlineSymbol): vscode.DocumentSymbol => {
          const end = Math.min(s.endLine, doc.lineCount - 1);
          const sel = new vscode.Range(s.line, s.nameCol, s.line, s.nameCol + s.name.length);
          const sym = new vscode.DocumentSymbol(s.name, s.kind === 'proc' ? 'proc' : 'section', s.kind === 'proc' ? vscode.SymbolKind.Function : vscode.SymbolKind.Namespace, new vscode.Range(s.line, 0, end, doc.lineAt(end).text.length), sel);
          sym.children = s.children.map(toSymbol);
          return sym;
        };
        return (await outlineOf(doc)).map(toSymbol);
      },
    }),
    vscode.languages.registerDefinitionProvider(LANG, {
      async provideDefinition(doc, pos) {
        const text = doc.lineAt(pos.line).text;
        const proc = calledProc(text, pos.character);
        if (proc) {
          // Its own request, not the Outline: that stops at MAX_SYMBOLS.
          const r = await offThread(workerJs, { kind: 'procDefinition', file: doc.uri.fsPath, text: doc.getText(), maxSteps: DEFAULT_MAX_STEPS, proc }, DIAGNOSTICS_BUDGET_MS);
          return r.kind === 'procDefinition' && r.at ? new vscode.Location(doc.uri, new vscode.Position(r.at.line, r.at.nameCol)) : undefined;
        }
        const w = wordAt(text, pos.character);
        const c = w && constantDefinition(w.word);
        if (!c) return undefined;
        return new vscode.Location(vscode.Uri.from({ scheme: REFERENCE_SCHEME, path: `/${c.file}` }), new vscode.Position(c.line - 1, 0));
      },
    }),
    // The reference patches ship in the extension; this scheme shows them read-only.
    vscode.workspace.registerTextDocumentContentProvider(REFERENCE_SCHEME, {
      async provideTextDocumentContent(uri) {
        const name = uri.path.replace(/^\//, '');
        if (!/^\d{3}_[0-9a-f]+\.txt$/.test(name)) return `kstep: no reference patch named '${name}'`;
        // workspace.fs, not Node's fs: the same code serves the web extension host.
        const bytes = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(context.extensionUri, 'reference', name));
        return new TextDecoder().decode(bytes);
      },
    }),
  );
  return { diagnosticsComputed: (uri, version, diags) => latest.set(uri.toString(), version, diags) };
}
