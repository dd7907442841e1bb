/**
 * The TextMate grammar's word lists, derived from the mechanisms: the words
 * that begin a statement, their sub-verbs and the state roots. The build
 * writes them into syntaxes/kstep.tmLanguage.json, so a new mechanism's verbs
 * are coloured without anyone editing the grammar by hand.
 */
import type { Registry } from '../sim';

/** The parts of the grammar that come from the registry; the rest of the file is hand-written. */
interface RawGrammar {
  repository: {
    statement: { begin: string };
    expression: { patterns: Array<{ match?: string; name?: string }> };
  };
}

const ROOT_SCOPE = 'variable.language.state.kstep';

function alternation(words: Iterable<string>): string {
  return [...new Set(words)].sort().join('|');
}

/** The statement rule's begin: control words, statement words, then an optional sub-verb. */
export function statementBegin(registry: Registry): string {
  const specs = registry.verbs.specs;
  const control = alternation(specs.filter((v) => v.control).map((v) => v.verb));
  const words = alternation(registry.verbs.words.filter((w) => !specs.some((v) => v.control && v.verb === w)));
  const subs = alternation(registry.verbs.allSubverbs());
  return `^\\s*(?:(${control})|(${words}))\\b(?:\\s+(${subs})\\b)?`;
}

/** A root name followed by what a path can go on with, so a symbol that shares a verb's name is not coloured as one. */
export function rootMatch(registry: Registry): string {
  return `\\b(${[...registry.rootNames].join('|')})\\b(?=\\s*[.\\[]|\\s*$|\\s*[=!<>)&|,])`;
}

/** The grammar with its derived rules replaced; everything else stays as written. */
export function withRegistry<G extends RawGrammar>(grammar: G, registry: Registry): G {
  const g = structuredClone(grammar);
  g.repository.statement.begin = statementBegin(registry);
  const roots = g.repository.expression.patterns.find((p) => p.name === ROOT_SCOPE);
  if (!roots) throw new Error(`the grammar has no ${ROOT_SCOPE} rule`);
  roots.match = rootMatch(registry);
  return g;
}

/** The grammar file's text for a registry, in the checked-in file's layout. */
export function grammarText(current: string, registry: Registry): string {
  return `${JSON.stringify(withRegistry(JSON.parse(current) as RawGrammar, registry), null, 2)}\n`;
}
