import type { Diagnostic } from './diagnostics';

export type TokenKind = 'ident' | 'num' | 'str' | 'op' | 'eol';

export type NumUnit = 'ns' | 'size' | undefined;

export interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  /** 1-based column of the first character. */
  readonly col: number;
  /** 1-based column just past the last character. */
  readonly endCol: number;
  /** Whitespace separates this token from the previous one: it ends a word-argument. */
  readonly spaceBefore: boolean;
  readonly num?: bigint;
  /** `ns` for durations (value already in nanoseconds), `size` for K/M/G. */
  readonly unit?: NumUnit;
  readonly str?: string;
}

const OPS = [
  '..', '==', '!=', '<=', '>=', '&&', '||', '<<', '>>',
  '[', ']', '(', ')', '{', '}', ',', '=', '<', '>', '!', '+', '-', '*', '/', '%', '&', '|', '^', '~', '.',
];

const SIZE_SUFFIX: Record<string, bigint> = { K: 1n << 10n, M: 1n << 20n, G: 1n << 30n };
const DURATION_NS: Record<string, bigint> = { ns: 1n, us: 1_000n, ms: 1_000_000n, s: 1_000_000_000n };

const U64_MAX = (1n << 64n) - 1n;

// The lexer reads every line of a file at load, a million for a big one: it tests character codes, not strings.
function isIdentStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}
function isIdentPart(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57);
}

/** The operator at text[i], longest first (as OPS lists them), or undefined. */
function opAt(text: string, i: number): string | undefined {
  const c = text[i] as string;
  const d = text[i + 1];
  switch (c) {
    case '.': return d === '.' ? '..' : '.';
    case '=': return d === '=' ? '==' : '=';
    case '!': return d === '=' ? '!=' : '!';
    case '<': return d === '=' ? '<=' : d === '<' ? '<<' : '<';
    case '>': return d === '=' ? '>=' : d === '>' ? '>>' : '>';
    case '&': return d === '&' ? '&&' : '&';
    case '|': return d === '|' ? '||' : '|';
    default: return OPS.includes(c) ? c : undefined;
  }
}

/** The length of `text` without trailing white space, as trimEnd() counts it. */
export function trimmedLength(text: string, end = text.length): number {
  let j = end;
  for (;;) {
    const c = text.charCodeAt(j - 1);
    if (c === 32 || c === 9 || c === 13) j--;
    else if (c > 127 || (c >= 10 && c <= 13)) return text.slice(0, j).trimEnd().length;
    else return j;
  }
}

/**
 * Splits one line into tokens. Errors are pushed to `diags` and lexing goes
 * on, so every problem in the file is reported in one pass.
 */
export function lexLine(file: string, lineNo: number, text: string, diags: Diagnostic[]): Token[] {
  const toks: Token[] = [];
  let i = 0;
  let space = true;
  const err = (col: number, endCol: number, message: string): void => {
    diags.push({ file, range: { line: lineNo, col, endLine: lineNo, endCol }, message, severity: 'error' });
  };
  let end = text.length;
  while (i < text.length) {
    const cc = text.charCodeAt(i);
    if (cc === 32 || cc === 9 || cc === 13) {
      space = true;
      i++;
      continue;
    }
    if (cc === 35) {
      end = i;
      break;
    }
    const c = text[i] as string;
    const start = i;
    if (cc >= 48 && cc <= 57) {
      let j = i;
      while (j < text.length && isIdentPart(text.charCodeAt(j))) j++;
      const raw = text.slice(i, j);
      const parsed = lexNumber(raw);
      if (typeof parsed === 'string') err(start + 1, j + 1, parsed);
      const tok: Token = {
        kind: 'num', text: raw, col: start + 1, endCol: j + 1, spaceBefore: space,
        num: typeof parsed === 'string' ? 0n : parsed.value,
        unit: typeof parsed === 'string' ? undefined : parsed.unit,
      };
      toks.push(tok);
      i = j;
    } else if (isIdentStart(cc)) {
      let j = i;
      while (j < text.length && isIdentPart(text.charCodeAt(j))) j++;
      toks.push({ kind: 'ident', text: text.slice(i, j), col: i + 1, endCol: j + 1, spaceBefore: space });
      i = j;
    } else if (c === '"') {
      let j = i + 1;
      let s = '';
      let closed = false;
      while (j < text.length) {
        const d = text[j] as string;
        if (d === '"') {
          closed = true;
          j++;
          break;
        }
        if (d === '\\') {
          const e = text[j + 1];
          if (e === 'n') s += '\n';
          else if (e === 't') s += '\t';
          else if (e === '"') s += '"';
          else if (e === '\\') s += '\\';
          else if (e === 'x' && /^[0-9a-fA-F]{2}$/.test(text.slice(j + 2, j + 4))) {
            s += String.fromCharCode(parseInt(text.slice(j + 2, j + 4), 16));
            j += 4;
            continue;
          } else {
            err(j + 1, j + 3, `bad escape '\\${e ?? ''}' in string (use \\n \\t \\" \\\\ or \\xNN)`);
          }
          j += 2;
          continue;
        }
        s += d;
        j++;
      }
      if (!closed) err(start + 1, text.length + 1, 'unterminated string');
      toks.push({ kind: 'str', text: text.slice(i, j), col: i + 1, endCol: j + 1, spaceBefore: space, str: s });
      i = j;
    } else {
      const op = opAt(text, i);
      if (!op) {
        // One error per character, even outside the BMP (two UTF-16 units).
        const ch = String.fromCodePoint(text.codePointAt(i) ?? 0xfffd);
        err(i + 1, i + 1 + ch.length, `unexpected character '${ch}'`);
        i += ch.length;
        space = true;
        continue;
      }
      toks.push({ kind: 'op', text: op, col: i + 1, endCol: i + 1 + op.length, spaceBefore: space });
      i += op.length;
    }
    space = false;
  }
  // End of line sits after the last code character, before any comment.
  const eol = trimmedLength(text, end) + 1;
  toks.push({ kind: 'eol', text: '', col: eol, endCol: eol, spaceBefore: true });
  return toks;
}

/** parseNumber, with a short way for plain decimal and hex literals: most numbers a scenario writes. */
function lexNumber(raw: string): { value: bigint; unit: NumUnit } | string {
  const hex = raw.length > 2 && raw.charCodeAt(0) === 48 && (raw.charCodeAt(1) | 32) === 120;
  if (raw.length > 18) return parseNumber(raw);
  let k = hex ? 2 : 0;
  for (; k < raw.length; k++) {
    const c = raw.charCodeAt(k);
    if (!((c >= 48 && c <= 57) || (hex && (c | 32) >= 97 && (c | 32) <= 102))) break;
  }
  // At most 16 hex or 18 decimal digits: the value fits in 64 bits.
  if (k === raw.length) return { value: BigInt(raw), unit: undefined };
  // A decimal count with a size or duration suffix (`4K`, `1us`): the digits are at most 17, the product checked.
  if (hex || k === 0) return parseNumber(raw);
  const scale = SCALE.get(raw.slice(k));
  if (!scale) return parseNumber(raw);
  const value = BigInt(raw.slice(0, k)) * scale.by;
  if (value > U64_MAX) return parseNumber(raw);
  return { value, unit: scale.unit };
}

/** Every suffix, for the short way: a Map, so no name of Object.prototype reads as one. */
const SCALE = new Map<string, { by: bigint; unit: NumUnit }>([
  ...Object.entries(SIZE_SUFFIX).map(([k, by]) => [k, { by, unit: 'size' as NumUnit }] as const),
  ...Object.entries(DURATION_NS).map(([k, by]) => [k, { by, unit: 'ns' as NumUnit }] as const),
]);

/** Parses a numeric literal with `_` separators and an optional size or duration suffix. */
export function parseNumber(raw: string): { value: bigint; unit: NumUnit } | string {
  const body = raw.replace(/_/g, '');
  const m = /^(0[xX][0-9a-fA-F]+|0[bB][01]+|[0-9]+)([A-Za-z]*)$/.exec(body);
  if (!m || raw.endsWith('_') || raw.includes('__') || /^0_+[xXbB]/.test(raw)) return `bad number '${raw}'`;
  // `0x` / `0b` with no valid digits would otherwise read as 0 with a suffix.
  if (/^0[xXbB]/.test(body) && (m[1] as string).length === 1) return `bad number '${raw}'`;
  const digits = m[1] as string;
  const suffix = m[2] as string;
  let v: bigint;
  try {
    v = BigInt(digits.length > 2 && (digits[1] === 'b' || digits[1] === 'B') ? `0b${digits.slice(2)}` : digits);
  } catch {
    return `bad number '${raw}'`;
  }
  let unit: NumUnit;
  if (suffix === '') unit = undefined;
  else if (suffix in SIZE_SUFFIX) {
    v *= SIZE_SUFFIX[suffix] as bigint;
    unit = 'size';
  } else if (suffix in DURATION_NS) {
    v *= DURATION_NS[suffix] as bigint;
    unit = 'ns';
  } else return `bad number '${raw}': unknown suffix '${suffix}' (sizes K M G, durations ns us ms s)`;
  if (v > U64_MAX) return `number '${raw}' does not fit in 64 bits`;
  return { value: v, unit };
}
