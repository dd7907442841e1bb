/**
 * The names a scenario's lines declare (`device gpu`, `hugetlb file f`,
 * `proc setup {`), by the kind their verb spec gives: what the editor
 * completes where a verb expects one. It reads words, not a parse, so it
 * can scan the lines above the cursor of a file that does not parse yet.
 */
import type { VerbTable } from './verbs';

export type DeclaredNames = ReadonlyMap<string, readonly string[]>;

/** A line's statement word(s) and its bare words, comments and `key=value` pairs aside. */
export function lineWords(line: string, verbs: VerbTable): { verb: string; positional: string[]; keys: Map<string, string> } | undefined {
  const code = line.replace(/#.*$/, '').trim();
  if (!code) return undefined;
  const words = code.split(/\s+/);
  let verb = words[0] as string;
  let rest = words.slice(1);
  const sub = words[1];
  if (sub !== undefined && verbs.has(`${verb} ${sub}`)) {
    verb = `${verb} ${sub}`;
    rest = words.slice(2);
  }
  if (!verbs.has(verb)) return undefined;
  const keys = new Map<string, string>();
  const positional: string[] = [];
  for (const w of rest) {
    const kv = /^([A-Za-z_]\w*)=(.*)$/.exec(w);
    if (kv) keys.set(kv[1] as string, kv[2] as string);
    else if (w !== '{' && !verbs.get(verb)?.flags?.includes(w)) positional.push(w);
  }
  return { verb, positional, keys };
}

/** Names declared by `lines`, by kind, in order of first appearance. */
export function declaredNames(lines: Iterable<string>, verbs: VerbTable): DeclaredNames {
  // Sets keep their insertion order: first appearance, at a lookup's cost rather than a list's scan.
  const found = new Map<string, Set<string>>();
  const add = (kind: string | undefined, name: string | undefined): void => {
    if (!kind || !name || !/^[A-Za-z_]\w*$/.test(name)) return;
    let l = found.get(kind);
    if (!l) found.set(kind, (l = new Set()));
    l.add(name);
  };
  for (const line of lines) {
    const w = lineWords(line, verbs);
    if (!w) continue;
    const spec = verbs.get(w.verb);
    if (!spec) continue;
    // `fork as child`: the words match the specs from the left, as the parser's positionals do.
    spec.args.forEach((p, i) => {
      if (p.declares) add(p.names, w.positional[i]);
    });
    for (const [k, v] of w.keys) if (spec.keys?.[k]?.declares) add(spec.keys[k]?.names, v);
  }
  return new Map([...found].map(([kind, names]) => [kind, [...names]]));
}
