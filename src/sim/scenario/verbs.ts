/**
 * The statement table's shape: how a verb's arguments are written. The
 * general statements (SCENARIO.md §3) are declared here; each mechanism
 * declares its own, and the registry joins them into one VerbTable for the
 * parser, the editor and the grammar.
 */

/** `general`, or the id of the mechanism that declares the verb. */
export type Section = string;

/**
 * What a name written in an argument stands for: one of a mechanism's fixed
 * name sets (`register`, `hypercall`), or a name the scenario declares itself
 * (`file`, `device`, `task`). The checker, completion and "did you mean" read it.
 */
export interface NameRef {
  /** The name set: a key of the registry's nameSets, or a kind of declared name. */
  readonly names?: string;
  /** This argument declares a name of that kind (`device gpu`) rather than using one. */
  readonly declares?: boolean;
  /** Words this argument takes besides the set's names (`to=system`). */
  readonly also?: readonly string[];
}

/** Names an argument may take (`ref(...)` in a verb spec): the suggestions, and what else is accepted. */
export interface NameSet {
  /** What one of them is called in messages: `register`, `hypercall`. */
  readonly what: string;
  /** The names completion offers and "did you mean" picks from. */
  readonly names: readonly string[];
  /** Other spellings that are accepted (`POST_MESSAGE` for `HVCALL_POST_MESSAGE`). */
  readonly accepts?: (word: string) => boolean;
  /** The scenario declares more of them (`device gpu`): `names` are those that exist before any statement. */
  readonly declared?: boolean;
  /** How to declare one, for the message when a scenario declares none. */
  readonly hint?: string;
}

export interface PosSpec extends NameRef {
  readonly name: string;
  /** `name`: a bare identifier taken literally; `expr`: a value; `word`: one of `words`. */
  readonly kind: 'name' | 'expr' | 'word';
  readonly words?: readonly string[];
  readonly optional?: boolean;
}

export interface KeySpec extends NameRef {
  readonly kind: 'name' | 'expr' | 'word';
  readonly words?: readonly string[];
}

export interface VerbSpec {
  /** `verb` or `verb sub`. */
  readonly verb: string;
  readonly section: Section;
  readonly args: readonly PosSpec[];
  readonly keys?: Readonly<Record<string, KeySpec>>;
  readonly required?: readonly string[];
  readonly flags?: readonly string[];
  /** `vpreg REG = value`. */
  readonly assign?: boolean;
  /** `expect` takes one expression, `print` a comma-separated list. */
  readonly rest?: 'expr' | 'exprs';
  /** The line ends with `{` and opens a block. */
  readonly block?: boolean;
  /** The scenario's own control flow (`repeat`, `proc`, `call`), not an action on simulated state. */
  readonly control?: boolean;
  /** What the statement sets in `last`. */
  readonly sets?: readonly string[];
  readonly summary: string;
}

/** Argument-spec builders: `pe` a positional value, `pn` a bare name, `pw` one of some words; `E`, `N`, `w` the same for keys. */
export const E: KeySpec = { kind: 'expr' };
export const N: KeySpec = { kind: 'name' };
export const w = (...words: string[]): KeySpec => ({ kind: 'word', words });
export const pe = (name: string, optional = false): PosSpec => ({ name, kind: 'expr', optional });
export const pn = (name: string, optional = false): PosSpec => ({ name, kind: 'name', optional });
/** A spec that names something of the set `names`: `ref(pn('file'), 'hugetlbfs file')`. */
export const ref = <S extends PosSpec | KeySpec>(spec: S, names: string, more: Omit<NameRef, 'names'> = {}): S => ({ ...spec, names, ...more });
export const pw = (name: string, words: string[], optional = false): PosSpec => ({ name, kind: 'word', words, optional });

/** A verb as a mechanism declares it; the registry stamps the section. */
export type VerbDecl = Omit<VerbSpec, 'section'>;

/** SCENARIO.md §3: the statements every scenario has, whatever it simulates. */
export const GENERAL_VERBS: readonly VerbDecl[] = [
  { verb: 'expect', args: [], rest: 'expr', summary: 'fail when the expression is false' },
  { verb: 'print', args: [], rest: 'exprs', summary: 'print values' },
  { verb: 'advance', args: [pe('duration')], summary: 'move simulated time forward, firing due events in order' },
  { verb: 'repeat', args: [pe('count')], block: true, control: true, summary: 'run the block n times' },
  { verb: 'proc', args: [ref(pn('name'), 'proc', { declares: true })], block: true, control: true, summary: 'define a named block' },
  { verb: 'call', args: [ref(pn('name'), 'proc')], control: true, summary: 'run a named block as a stack frame' },
  { verb: 'kernel', args: [], keys: { before: E }, required: ['before'], summary: 'run the kernel before a reference patch (the `-` side of its diff); the first statement of a scenario' },
];

/** Every statement a scenario may use: what the parser accepts and the editor completes. */
export class VerbTable {
  private readonly byVerb: ReadonlyMap<string, VerbSpec>;
  /** Verbs whose second word is a sub-verb. `hvc` takes `raw` as a sub-verb only when it is written. */
  readonly subverbs: ReadonlyMap<string, readonly string[]>;
  /** Words that begin a statement, sorted, for completion and the grammar. */
  readonly words: readonly string[];

  constructor(readonly specs: readonly VerbSpec[]) {
    const by = new Map<string, VerbSpec>();
    const subs = new Map<string, string[]>();
    for (const v of specs) {
      if (by.has(v.verb)) throw new Error(`statement '${v.verb}' is declared twice (${by.get(v.verb)?.section} and ${v.section})`);
      by.set(v.verb, v);
      const [head, sub] = v.verb.split(' ');
      if (sub && head) subs.set(head, [...(subs.get(head) ?? []), sub]);
    }
    this.byVerb = by;
    this.subverbs = subs;
    this.words = [...new Set(specs.map((v) => v.verb.split(' ')[0] as string))].sort();
  }

  get(verb: string): VerbSpec | undefined {
    return this.byVerb.get(verb);
  }

  has(verb: string): boolean {
    return this.byVerb.has(verb);
  }

  /** Sub-verbs of every verb, sorted: the grammar's second-word alternation. */
  allSubverbs(): string[] {
    return [...new Set([...this.subverbs.values()].flat())].sort();
  }
}
