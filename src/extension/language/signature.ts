/**
 * Signature help: a statement's syntax from its verb spec, with the
 * parameter the cursor is in (by word: positionals in order, `key=` by
 * name, the expression of `expect` and `print`).
 */
import type { Registry, VerbSpec } from '../../sim';
import { REGISTRY } from '../../sim';

export interface SignatureParam {
  /** [start, end) of the parameter in the label. */
  readonly range: readonly [number, number];
  readonly documentation?: string;
}

export interface Signature {
  readonly label: string;
  readonly documentation: string;
  readonly parameters: readonly SignatureParam[];
  readonly activeParameter: number;
}

interface Part {
  readonly text: string;
  readonly doc?: string;
  /** What selects it: a positional index, a key, `rest`, or the assigned value. */
  readonly pos?: number;
  readonly key?: string;
  readonly rest?: boolean;
  readonly value?: boolean;
}

function parts(spec: VerbSpec): Part[] {
  const out: Part[] = [];
  spec.args.forEach((a, i) => {
    const what = a.names ? ` (${a.names}${a.declares ? ', declared here' : ''})` : a.words ? ` (${a.words.join(' | ')})` : '';
    out.push({ text: a.optional ? `[${a.name}]` : `<${a.name}>`, pos: i, doc: `${a.name}${what}` });
  });
  if (spec.assign) out.push({ text: '= <value>', value: true, doc: 'the value to write (vpreg REG = value)' });
  if (spec.rest) out.push({ text: spec.rest === 'exprs' ? '<expr>, …' : '<expr>', rest: true, doc: 'an expression: numbers, constants, state paths' });
  for (const [k, v] of Object.entries(spec.keys ?? {})) {
    const req = spec.required?.includes(k);
    const t = `${k}=<${v.kind === 'word' && v.words ? v.words.join('|') : v.names ?? 'value'}>`;
    out.push({ text: req ? t : `[${t}]`, key: k, doc: `${k}=${v.names ? ` (${v.names})` : ''}${req ? ', required' : ''}` });
  }
  for (const f of spec.flags ?? []) out.push({ text: `[${f}]`, doc: `flag ${f}` });
  if (spec.block) out.push({ text: '{' });
  return out;
}

/** The signature of the statement typed so far on a line, or undefined outside one. */
export function signatureAt(linePrefix: string, registry: Registry = REGISTRY): Signature | undefined {
  const code = linePrefix.replace(/#.*$/, '');
  if (code.length !== linePrefix.length) return undefined;
  const words = code.trimStart().split(/\s+/);
  if (words.length < 2) return undefined;
  const verbs = registry.verbs;
  const head = words[0] as string;
  const two = `${head} ${words[1]}`;
  const verb = words.length > 2 && verbs.has(two) ? two : verbs.has(head) ? head : undefined;
  if (!verb) return undefined;
  const spec = verbs.get(verb) as VerbSpec;
  const ps = parts(spec);
  let label = verb;
  const params: SignatureParam[] = [];
  for (const p of ps) {
    label += ' ';
    params.push({ range: [label.length, label.length + p.text.length], ...(p.doc ? { documentation: p.doc } : {}) });
    label += p.text;
  }
  const after = words.slice(verb.split(' ').length);
  const current = after[after.length - 1] ?? '';
  let active = -1;
  const kv = /^([A-Za-z_]\w*)=/.exec(current);
  if (spec.rest) active = ps.findIndex((p) => p.rest);
  else if (kv) active = ps.findIndex((p) => p.key === kv[1]);
  else if (spec.assign && after.slice(0, -1).includes('=')) active = ps.findIndex((p) => p.value);
  else {
    const index = after.slice(0, -1).filter((w) => !w.includes('=') && !spec.flags?.includes(w)).length;
    active = ps.findIndex((p) => p.pos === index);
  }
  return { label, documentation: spec.summary, parameters: params, // Past every parameter (a flag): none is highlighted.
    activeParameter: active < 0 ? params.length : active };
}
