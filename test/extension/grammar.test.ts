import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import * as oniguruma from 'vscode-oniguruma';
import * as textmate from 'vscode-textmate';

const ROOT = join(__dirname, '..', '..');
let grammar: textmate.IGrammar;

beforeAll(async () => {
  const wasm = readFileSync(join(ROOT, 'node_modules', 'vscode-oniguruma', 'release', 'onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new textmate.Registry({
    onigLib: Promise.resolve({ createOnigScanner: (p: string[]) => new oniguruma.OnigScanner(p), createOnigString: (s: string) => new oniguruma.OnigString(s) }),
    loadGrammar: async () => textmate.parseRawGrammar(readFileSync(join(ROOT, 'syntaxes', 'kstep.tmLanguage.json'), 'utf8'), 'kstep.tmLanguage.json'),
  });
  const g = await registry.loadGrammar('source.kstep');
  if (!g) throw new Error('grammar did not load');
  grammar = g;
});

/** The innermost scope of each token, as `text:scope`. */
function scopes(line: string): string[] {
  const r = grammar.tokenizeLine(line, textmate.INITIAL);
  return r.tokens
    .map((t) => `${line.slice(t.startIndex, t.endIndex)}:${t.scopes[t.scopes.length - 1] ?? ''}`)
    .filter((s) => !/^\s+:/.test(s));
}

describe('kstep grammar', () => {
  it('scopes statement words, names and numbers', () => {
    expect(scopes('region_chg f 0x10 2M')).toEqual([
      'region_chg:keyword.other.statement.kstep',
      'f:variable.other.kstep',
      '0x10:constant.numeric.hex.kstep',
      '2:constant.numeric.kstep',
      'M:keyword.other.unit.size.kstep',
    ]);
  });

  it('scopes sub-verbs, control words and durations', () => {
    expect(scopes('hugetlb file f')[1]).toBe('file:keyword.other.statement.kstep');
    expect(scopes('repeat 3 {')).toEqual(['repeat:keyword.control.kstep', '3:constant.numeric.decimal.kstep', '{:punctuation.section.block.begin.kstep']);
    expect(scopes('advance 8ms')).toEqual(['advance:keyword.other.statement.kstep', '8:constant.numeric.kstep', 'ms:keyword.other.unit.duration.kstep']);
  });

  it('scopes keys, constants, state roots, operators, strings and comments', () => {
    const s = scopes('expect last.hvc.status == HV_STATUS_SUCCESS # ok');
    expect(s).toContain('last:variable.language.state.kstep');
    expect(s).toContain('==:keyword.operator.kstep');
    expect(s).toContain('HV_STATUS_SUCCESS:constant.other.kstep');
    expect(s[s.length - 1]).toBe('# ok:comment.line.number-sign.kstep');
    expect(scopes('region_add f 0 5 regions_needed=2')).toContain('regions_needed:variable.parameter.key.kstep');
    expect(scopes('print "a\\tb"')).toContain('\\t:constant.character.escape.kstep');
    expect(scopes('print "a\\qb"')).toContain('\\q:invalid.illegal.escape.kstep');
  });

  it('treats a whole comment line as a comment', () => {
    expect(scopes('# region_chg f 0 1')).toEqual(['# region_chg f 0 1:comment.line.number-sign.kstep']);
  });
});
