import type { DebugProtocol } from '@vscode/debugprotocol';
import type { EvalEnv, Registry } from '../sim';
import { CONSTANTS, evalRef, lexLine, parseExpression } from '../sim';

/**
 * A Debug Console line is a statement when it starts with a statement word
 * used as one: `task child` switches task, `task.init.rss` is a path.
 */
export function isStatementLine(text: string, registry: Registry): boolean {
  const toks = lexLine('<console>', 1, text, []);
  const first = toks[0];
  if (!first || first.kind !== 'ident') return false;
  if (!registry.verbs.has(first.text) && !registry.verbs.subverbs.has(first.text)) return false;
  if (!registry.rootNames.has(first.text)) return true;
  const next = toks[1];
  return next !== undefined && next.kind !== 'eol' && !(next.kind === 'op' && (next.text === '.' || next.text === '['));
}

const PATH_DOT = /([A-Za-z_][A-Za-z0-9_]*(?:(?:\.[A-Za-z_0-9]+)|(?:\[[^\]]*\]))*)\.([A-Za-z_0-9]*)$/;
const MAX_ITEMS = 500;

/**
 * Debug Console completions: the children of a state path before a `.`,
 * otherwise roots (and `frame` inside a kernel frame), statement words at the
 * start of the line, and constant names.
 */
export function consoleCompletions(textBefore: string, env: EvalEnv, roots: readonly string[], statementWords: readonly string[]): DebugProtocol.CompletionItem[] {
  const targets: DebugProtocol.CompletionItem[] = [];
  const m = PATH_DOT.exec(textBefore);
  if (m) {
    const base = parseExpression(m[1] as string);
    const prefix = m[2] as string;
    if ('error' in base) return targets;
    try {
      const r = evalRef(env, base);
      if ('node' in r && r.node.kind === 'record') {
        for (const k of r.node.keys()) if (k.startsWith(prefix)) targets.push({ label: k, type: 'property', length: prefix.length });
      }
    } catch {
      // No completions for a path that does not resolve.
    }
    return targets;
  }
  const word = /[A-Za-z_][A-Za-z0-9_]*$/.exec(textBefore)?.[0] ?? '';
  const atStart = textBefore.trim() === word;
  const add = (label: string, type: DebugProtocol.CompletionItemType): void => {
    if (label.startsWith(word) && targets.length < MAX_ITEMS) targets.push({ label, type, length: word.length });
  };
  for (const r of roots) add(r, 'variable');
  if (atStart) for (const w of statementWords) add(w, 'keyword');
  if (word.length >= 2) for (const k of CONSTANTS.keys()) add(k, 'value');
  return targets;
}
