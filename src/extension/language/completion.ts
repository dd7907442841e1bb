/**
 * Completion for a line typed so far: statement words, sub-verbs, keys and
 * flags; the names a verb expects where it expects one (registers after
 * `vpreg`, hypercalls after `hvc`, the files, devices, tasks and procs the
 * document declared); state paths after `resv.`, `vp[0].`, `task.`.
 */
import type { DeclaredNames, Registry, VerbSpec } from '../../sim';
import { CONSTANTS, REGISTRY, shapeAt } from '../../sim';

export interface CompletionEntry {
  readonly label: string;
  readonly kind: 'keyword' | 'constant' | 'variable' | 'property';
  readonly detail?: string;
  /** Text to insert when it differs from the label (`regions_needed=`). */
  readonly insert?: string;
}

/**
 * Characters before the cursor a state path is looked for in. The regex is
 * anchored at the end but tried from every start, so a long line costs its
 * square: on the extension host's main thread, where completion runs.
 */
export const PATH_WINDOW = 512;
/** Characters of the current word a constant's prefix is looked for in: longer than any constant. */
export const CONSTANT_WINDOW = 128;

/** A state path being typed at the end of the text: `resv.f.re` → path ['resv', 'f'], prefix 're'. */
export function pathBeforeCursor(text: string, roots: ReadonlySet<string>): { path: string[]; prefix: string } | undefined {
  const tail = text.length > PATH_WINDOW ? text.slice(-PATH_WINDOW) : text;
  const m = /([A-Za-z_]\w*(?:\s*(?:\.\s*[A-Za-z_]\w*|\[[^\]\n]*\]))*)\s*\.\s*([A-Za-z_]\w*)?$/.exec(tail);
  if (!m) return undefined;
  const parts = [...(m[1] as string).matchAll(/[A-Za-z_]\w*|\[[^\]\n]*\]/g)].map((p) => (p[0].startsWith('[') ? '[]' : p[0]));
  if (!roots.has(parts[0] ?? '')) return undefined;
  return { path: parts, prefix: m[2] ?? '' };
}

function pathCompletions(registry: Registry, path: string[], prefix: string, declared: DeclaredNames): CompletionEntry[] {
  const node = shapeAt(registry.stateShapes, path);
  if (!node) return [];
  const out: CompletionEntry[] = [];
  for (const k of node.members.keys()) if (k.startsWith(prefix)) out.push({ label: k, kind: 'property', detail: `${path.join('.').replace(/\.\[\]/g, '[]')} member` });
  if (node.byName) {
    const set = registry.nameSets.get(node.byName.kind);
    for (const n of new Set([...(set?.names ?? []), ...(declared.get(node.byName.kind) ?? [])])) {
      if (n.startsWith(prefix)) out.push({ label: n, kind: 'variable', detail: `${set?.what ?? node.byName.kind} declared in this scenario` });
    }
  }
  return out;
}

/**
 * The names an argument takes, for the word typed at position `index` (or key
 * `key`) of `spec`; `only` when nothing but such a name fits there (a proc, a
 * device: never a state root).
 */
function nameCompletions(registry: Registry, spec: VerbSpec, at: { index?: number; key?: string }, prefix: string, declared: DeclaredNames): { names: CompletionEntry[]; only: boolean } {
  const ref = at.key !== undefined ? spec.keys?.[at.key] : spec.args[at.index ?? -1];
  if (!ref?.names) return { names: [], only: false };
  const set = registry.nameSets.get(ref.names);
  const scenarioNames = set?.declared || !set;
  // A positional that declares (`device gpu`) takes a new name; a declaring key (`hugetlb=f`) may name an existing one too.
  if (ref.declares && at.key === undefined) return { names: [], only: true };
  const names = [...(ref.declares ? [] : (set?.names ?? [])), ...(ref.also ?? []), ...(scenarioNames ? (declared.get(ref.names) ?? []) : [])];
  const what = set?.what ?? ref.names;
  return {
    names: [...new Set(names)].filter((n) => n.startsWith(prefix)).map((n) => ({ label: n, kind: set && !set.declared ? 'constant' : 'variable', detail: what })),
    only: scenarioNames,
  };
}

export function completionsAt(linePrefix: string, registry: Registry = REGISTRY, declared: DeclaredNames = new Map()): CompletionEntry[] {
  const verbs = registry.verbs;
  const code = linePrefix.replace(/#.*$/, '');
  if (code.length !== linePrefix.length) return [];
  const words = code.trimStart().split(/\s+/);
  const current = words[words.length - 1] ?? '';
  if (words.length === 1) {
    return verbs.words.filter((w) => w.startsWith(current)).map((w) => ({ label: w, kind: 'keyword', detail: verbs.get(w)?.summary ?? `${w} ${(verbs.subverbs.get(w) ?? []).join('|')}` }));
  }
  const path = pathBeforeCursor(code, registry.rootNames);
  if (path) return pathCompletions(registry, path.path, path.prefix, declared);
  const head = words[0] as string;
  const subs = verbs.subverbs.get(head);
  const out: CompletionEntry[] = [];
  if (subs && words.length === 2) {
    for (const s of subs) if (s.startsWith(current)) out.push({ label: s, kind: 'keyword', detail: verbs.get(`${head} ${s}`)?.summary ?? '' });
    // `hvc` is a statement of its own too (`hvc HVCALL_POST_MESSAGE`): go on to its arguments.
    if (!verbs.has(head)) return out;
  }
  const verb = subs && verbs.has(`${head} ${words[1]}`) ? `${head} ${words[1]}` : head;
  const spec = verbs.get(verb);
  if (spec) {
    const before = words.slice(verb.split(' ').length, -1).filter((w) => !/=/.test(w) && !spec.flags?.includes(w));
    const kv = /^([A-Za-z_]\w*)=(\w*)$/.exec(current);
    const { names, only } = kv ? nameCompletions(registry, spec, { key: kv[1] as string }, kv[2] as string, declared) : nameCompletions(registry, spec, { index: before.length }, current, declared);
    // A register or hypercall is all that fits there: offer nothing else.
    if (names.length || only) return [...out, ...names];
  }
  if (/^[A-Za-z_]\w*$/.test(current) || current === '') {
    for (const k of Object.keys(spec?.keys ?? {})) if (k.startsWith(current)) out.push({ label: `${k}=`, kind: 'property', insert: `${k}=`, detail: `${verb} key` });
    for (const f of spec?.flags ?? []) if (f.startsWith(current)) out.push({ label: f, kind: 'keyword', detail: `${verb} flag` });
    for (const r of registry.roots) if (r.name.startsWith(current)) out.push({ label: r.name, kind: 'variable', detail: r.summary });
  }
  const constPrefix = /([A-Z_][A-Z0-9_]*)$/.exec(current.length > CONSTANT_WINDOW ? current.slice(-CONSTANT_WINDOW) : current)?.[1];
  if (constPrefix !== undefined && constPrefix.length >= 1) {
    for (const [name, c] of CONSTANTS) if (name.startsWith(constPrefix)) out.push({ label: name, kind: 'constant', detail: `= 0x${c.value.toString(16)}` });
  }
  return out;
}
