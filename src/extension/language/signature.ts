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

/** \s as a regular expression reads it, for one UTF-16 code unit. */
function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

/**
 * The words of a line as `trimStart().split(/\s+/)` gives them (a trailing
 * space ends in an empty word), as [start, end) spans handed to `fn` one by
 * one: signature help runs on every keystroke, and a line of megabytes must
 * not become an array of millions of strings each time.
 */
function forEachWord(s: string, fn: (start: number, end: number) => void): number {
  let n = 0;
  let i = 0;
  while (i < s.length && isSpace(s.charCodeAt(i))) i++;
  while (i < s.length) {
    const start = i;
    while (i < s.length && !isSpace(s.charCodeAt(i))) i++;
    fn(start, i);
    n++;
    while (i < s.length && isSpace(s.charCodeAt(i))) i++;
    if (i === s.length && s.length > start && isSpace(s.charCodeAt(s.length - 1))) {
      fn(s.length, s.length);
      n++;
    }
  }
  if (n === 0) fn(s.length, s.length);
  return Math.max(n, 1);
}

/** The signature of the statement typed so far on a line, or undefined outside one. */
export function signatureAt(linePrefix: string, registry: Registry = REGISTRY): Signature | undefined {
  if (linePrefix.includes('#')) return undefined;
  const first: string[] = [];
  const count = forEachWord(linePrefix, (a, b) => {
    if (first.length < 2) first.push(linePrefix.slice(a, b));
  });
  if (count < 2) return undefined;
  const verbs = registry.verbs;
  const head = first[0] as string;
  const two = `${head} ${first[1]}`;
  const verb = count > 2 && verbs.has(two) ? two : verbs.has(head) ? head : undefined;
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
  // The words after the verb: the last is the one being typed, the ones before it are counted, never copied
  // unless short enough to be a flag.
  const skip = verb.includes(' ') ? 2 : 1;
  const flags = spec.flags ?? [];
  const flagLen = flags.reduce((m, f) => Math.max(m, f.length), 0);
  let index = -1;
  let curA = 0;
  let curB = 0;
  let assigned = false;
  let positionals = 0;
  const middle = (a: number, b: number): void => {
    if (b - a === 1 && linePrefix.charCodeAt(a) === 61) assigned = true;
    let hasEq = false;
    for (let i = a; i < b && !hasEq; i++) hasEq = linePrefix.charCodeAt(i) === 61;
    if (!hasEq && !(b - a <= flagLen && flags.includes(linePrefix.slice(a, b)))) positionals++;
  };
  forEachWord(linePrefix, (a, b) => {
    index++;
    if (index < skip) return;
    if (index > skip) middle(curA, curB);
    curA = a;
    curB = b;
  });
  const currentWord = linePrefix.slice(curA, Math.min(curB, curA + 256));
  let active = -1;
  const kv = /^([A-Za-z_]\w*)=/.exec(currentWord);
  if (spec.rest) active = ps.findIndex((p) => p.rest);
  else if (kv) active = ps.findIndex((p) => p.key === kv[1]);
  else if (spec.assign && assigned) active = ps.findIndex((p) => p.value);
  else active = ps.findIndex((p) => p.pos === positionals);
  return { label, documentation: spec.summary, parameters: params, // Past every parameter (a flag): none is highlighted.
    activeParameter: active < 0 ? params.length : active };
}
