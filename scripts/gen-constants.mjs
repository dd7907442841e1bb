#!/usr/bin/env node
// Extracts the numeric constants (object-like #defines and enum members) from
// the kernel reference patches and writes src/sim/scenario/constants.generated.ts.
//
//   node scripts/gen-constants.mjs [--ref <dir>] [--out <file>]
//
// --ref defaults to <repo>/../shared/reference, --out to
// <repo>/src/sim/scenario/constants.generated.ts, where <repo> is the parent of
// this script's directory. Skipped names and conflicts are reported on stderr.
//
// Plain Node 20 ESM, no dependencies.

import { readFileSync, readdirSync, writeFileSync, mkdirSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const U64_MASK = (1n << 64n) - 1n;

// Names the patches use but do not define. Only what the brief allows.
const EXTERNAL_NAMES = new Map([
  // include/vdso/time64.h: #define NSEC_PER_SEC 1000000000L
  ["NSEC_PER_SEC", { v: 1000000000n, bits: 64, signed: true }],
  // include/linux/arm-smccc.h, for mshyperv.h's HV_FUNC_ID (reference 000):
  // #define ARM_SMCCC_STD_CALL _AC(0,U), ARM_SMCCC_SMC_64 1, ARM_SMCCC_OWNER_VENDOR_HYP 6
  ["ARM_SMCCC_STD_CALL", { v: 0n, bits: 32, signed: false }],
  ["ARM_SMCCC_SMC_64", { v: 1n, bits: 32, signed: true }],
  ["ARM_SMCCC_OWNER_VENDOR_HYP", { v: 6n, bits: 32, signed: true }],
]);

// Enums whose opening lines lie above the diff hunk that shows them (the hunk
// header names the enum, the hunk shows only its tail). The hidden leading
// members are listed here from the patched tree so the visible ones can be
// numbered; none of the hidden members has an initializer.
//   004 (hugetlb resv_map), mm/hugetlb.c before the patch:
//     enum vma_resv_mode { VMA_NEEDS_RESV, VMA_COMMIT_RESV, VMA_END_RESV, VMA_ADD_RESV, };
const HIDDEN_ENUM_PREFIX = new Map([
  ["vma_resv_mode", ["VMA_NEEDS_RESV", "VMA_COMMIT_RESV"]],
]);

// ---------------------------------------------------------------------------
// command line

function parseArgs(argv) {
  const opts = {
    ref: resolve(REPO_ROOT, "..", "shared", "reference"),
    out: resolve(REPO_ROOT, "src", "sim", "scenario", "constants.generated.ts"),
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const eq = a.indexOf("=");
    const key = eq >= 0 ? a.slice(0, eq) : a;
    const take = () => {
      if (eq >= 0) return a.slice(eq + 1);
      if (i + 1 >= argv.length) fail(`${key} needs a value`);
      return argv[++i];
    };
    if (key === "--ref") opts.ref = resolve(take());
    else if (key === "--out") opts.out = resolve(take());
    else if (key === "--help" || key === "-h") {
      process.stdout.write("usage: node scripts/gen-constants.mjs [--ref <dir>] [--out <file>]\n");
      process.exit(0);
    } else fail(`unknown argument: ${a}`);
  }
  return opts;
}

function fail(msg) {
  process.stderr.write(`gen-constants: ${msg}\n`);
  process.exit(2);
}

// ---------------------------------------------------------------------------
// C integer values: { v: bigint, bits: 8|16|32|64, signed: boolean }
// Values are kept normalised to their type; the output is the value converted
// to u64 (so negative signed values are sign-extended, as in C).

const INT = { bits: 32, signed: true };
const UINT = { bits: 32, signed: false };
const LONG = { bits: 64, signed: true };
const ULONG = { bits: 64, signed: false };

function norm(v, t) {
  const mod = 1n << BigInt(t.bits);
  let m = ((v % mod) + mod) % mod;
  if (t.signed && m >= mod >> 1n) m -= mod;
  return { v: m, bits: t.bits, signed: t.signed };
}

function promote(x) {
  return x.bits < 32 ? norm(x.v, INT) : x;
}

function commonType(a, b) {
  if (a.bits === b.bits && a.signed === b.signed) return { bits: a.bits, signed: a.signed };
  if (a.signed === b.signed) return { bits: Math.max(a.bits, b.bits), signed: a.signed };
  const u = a.signed ? b : a;
  const s = a.signed ? a : b;
  if (u.bits >= s.bits) return { bits: u.bits, signed: false };
  return { bits: s.bits, signed: true };
}

function toU64(x) {
  return x.v & U64_MASK;
}

class EvalError extends Error {}
class Unresolved extends EvalError {
  constructor(name) {
    super(`unknown name ${name}`);
    this.unresolvedName = name;
  }
}

// type words accepted in casts and sizeof
const FIXED_TYPES = new Map([
  ["u8", { bits: 8, signed: false }], ["u16", { bits: 16, signed: false }],
  ["u32", UINT], ["u64", ULONG],
  ["s8", { bits: 8, signed: true }], ["s16", { bits: 16, signed: true }],
  ["s32", INT], ["s64", LONG],
  ["__u8", { bits: 8, signed: false }], ["__u16", { bits: 16, signed: false }],
  ["__u32", UINT], ["__u64", ULONG],
  ["__s8", { bits: 8, signed: true }], ["__s16", { bits: 16, signed: true }],
  ["__s32", INT], ["__s64", LONG],
  ["uint8_t", { bits: 8, signed: false }], ["uint16_t", { bits: 16, signed: false }],
  ["uint32_t", UINT], ["uint64_t", ULONG],
  ["int8_t", { bits: 8, signed: true }], ["int16_t", { bits: 16, signed: true }],
  ["int32_t", INT], ["int64_t", LONG],
  ["size_t", ULONG], ["ssize_t", LONG], ["phys_addr_t", ULONG], ["gfp_t", UINT],
  ["bool", { bits: 8, signed: false }],
]);
const BASIC_TYPE_WORDS = new Set(["unsigned", "signed", "char", "short", "int", "long"]);

function isTypeWord(w) {
  return FIXED_TYPES.has(w) || BASIC_TYPE_WORDS.has(w) || w === "const" || w === "volatile";
}

function typeFromWords(words) {
  const ws = words.filter((w) => w !== "const" && w !== "volatile");
  if (ws.length === 1 && FIXED_TYPES.has(ws[0])) return FIXED_TYPES.get(ws[0]);
  if (ws.length === 0 || !ws.every((w) => BASIC_TYPE_WORDS.has(w))) return null;
  const signed = !ws.includes("unsigned");
  if (ws.includes("char")) return { bits: 8, signed };
  if (ws.includes("short")) return { bits: 16, signed };
  if (ws.includes("long")) return { bits: 64, signed };
  return { bits: 32, signed };
}

function tokenize(src) {
  const toks = [];
  const re = /\s*(?:(0[xX][0-9a-fA-F]+[uUlL]*|\d+[uUlL]*)|([A-Za-z_]\w*)|(<<|>>|<=|>=|==|!=|&&|\|\||[()~!\-+*/%&|^<>?:,]))/y;
  let pos = 0;
  while (pos < src.length) {
    if (/^\s*$/.test(src.slice(pos))) break;
    re.lastIndex = pos;
    const m = re.exec(src);
    if (!m) throw new EvalError(`cannot parse '${src.slice(pos).trim()}'`);
    pos = re.lastIndex;
    if (m[1] !== undefined) toks.push({ k: "num", s: m[1] });
    else if (m[2] !== undefined) toks.push({ k: "id", s: m[2] });
    else toks.push({ k: "op", s: m[3] });
  }
  return toks;
}

function parseLiteral(s) {
  const m = /^(0[xX][0-9a-fA-F]+|\d+)([uUlL]*)$/.exec(s);
  if (!m) throw new EvalError(`bad literal ${s}`);
  const body = m[1];
  const suf = m[2].toLowerCase();
  if (!/^(|u|l|ul|lu|ll|ull|llu)$/.test(suf)) throw new EvalError(`bad suffix in ${s}`);
  let v;
  if (/^0[xX]/.test(body)) v = BigInt(body);
  else if (body.length > 1 && body[0] === "0") {
    if (!/^[0-7]+$/.test(body)) throw new EvalError(`bad octal literal ${s}`);
    v = BigInt("0o" + body.slice(1));
  } else v = BigInt(body);
  const decimal = !/^0/.test(body) || body === "0";
  const hasU = suf.includes("u");
  const hasL = suf.includes("l");
  let candidates;
  if (hasU && hasL) candidates = [ULONG];
  else if (hasU) candidates = [UINT, ULONG];
  else if (hasL) candidates = decimal ? [LONG, ULONG] : [LONG, ULONG];
  else candidates = decimal ? [INT, LONG, ULONG] : [INT, UINT, LONG, ULONG];
  for (const t of candidates) {
    const max = t.signed ? (1n << BigInt(t.bits - 1)) - 1n : (1n << BigInt(t.bits)) - 1n;
    if (v <= max) return { v, bits: t.bits, signed: t.signed };
  }
  throw new EvalError(`literal ${s} does not fit in 64 bits`);
}

const SIZEOF = (words) => {
  if (words.includes("*")) return 8n;
  const t = typeFromWords(words);
  if (!t) throw new EvalError(`sizeof(${words.join(" ")}) unknown`);
  return BigInt(t.bits / 8);
};

// Evaluate a C constant expression. lookup(name) returns a C value or throws.
function evaluate(src, lookup) {
  const toks = tokenize(src);
  if (toks.length === 0) throw new EvalError("empty expression");
  let i = 0;
  const peek = (o = 0) => toks[i + o];
  const isOp = (s, o = 0) => peek(o)?.k === "op" && peek(o).s === s;
  const expect = (s) => {
    if (!isOp(s)) throw new EvalError(`expected '${s}' in '${src.trim()}'`);
    i++;
  };

  // "(type words)" starting at toks[i]? returns the words and the index after ")"
  const typeNameAt = (j) => {
    if (!(toks[j]?.k === "op" && toks[j].s === "(")) return null;
    const words = [];
    let k = j + 1;
    while (toks[k]?.k === "id" && isTypeWord(toks[k].s)) words.push(toks[k++].s);
    while (toks[k]?.k === "op" && toks[k].s === "*") words.push(toks[k++].s);
    if (words.length === 0 || !(toks[k]?.k === "op" && toks[k].s === ")")) return null;
    return { words, next: k + 1 };
  };

  const arith = (op, a, b) => {
    if (op === "<<" || op === ">>") {
      const l = promote(a);
      const n = promote(b).v;
      if (n < 0n || n >= BigInt(l.bits)) throw new EvalError(`shift by ${n} of a ${l.bits}-bit value`);
      return norm(op === "<<" ? l.v << n : l.v >> n, l);
    }
    const pa = promote(a);
    const pb = promote(b);
    if (["==", "!=", "<", ">", "<=", ">=", "&&", "||"].includes(op)) {
      const t = commonType(pa, pb);
      const x = norm(pa.v, t).v;
      const y = norm(pb.v, t).v;
      const r = { "==": x === y, "!=": x !== y, "<": x < y, ">": x > y, "<=": x <= y, ">=": x >= y,
        "&&": x !== 0n && y !== 0n, "||": x !== 0n || y !== 0n }[op];
      return { v: r ? 1n : 0n, ...INT };
    }
    const t = commonType(pa, pb);
    const x = norm(pa.v, t).v;
    const y = norm(pb.v, t).v;
    switch (op) {
      case "+": return norm(x + y, t);
      case "-": return norm(x - y, t);
      case "*": return norm(x * y, t);
      case "/": if (y === 0n) throw new EvalError("division by zero"); return norm(x / y, t);
      case "%": if (y === 0n) throw new EvalError("division by zero"); return norm(x % y, t);
      case "&": return norm(x & y, t);
      case "|": return norm(x | y, t);
      case "^": return norm(x ^ y, t);
      default: throw new EvalError(`operator ${op}`);
    }
  };

  const LEVELS = [["||"], ["&&"], ["|"], ["^"], ["&"], ["==", "!="], ["<", ">", "<=", ">="], ["<<", ">>"], ["+", "-"], ["*", "/", "%"]];

  function ternary() {
    const c = binary(0);
    if (!isOp("?")) return c;
    i++;
    const a = ternary();
    expect(":");
    const b = ternary();
    const t = commonType(promote(a), promote(b));
    return norm(c.v !== 0n ? a.v : b.v, t);
  }

  function binary(level) {
    if (level >= LEVELS.length) return unary();
    let left = binary(level + 1);
    while (peek()?.k === "op" && LEVELS[level].includes(peek().s)) {
      const op = toks[i++].s;
      const right = binary(level + 1);
      left = arith(op, left, right);
    }
    return left;
  }

  function unary() {
    const t = peek();
    if (!t) throw new EvalError(`unexpected end of '${src.trim()}'`);
    if (t.k === "op") {
      if (t.s === "-" || t.s === "+" || t.s === "~" || t.s === "!") {
        i++;
        const x = promote(unary());
        if (t.s === "-") return norm(-x.v, x);
        if (t.s === "+") return x;
        if (t.s === "~") return norm(~x.v, x);
        return { v: x.v === 0n ? 1n : 0n, ...INT };
      }
      const cast = typeNameAt(i);
      if (cast) {
        i = cast.next;
        const type = cast.words.includes("*") ? ULONG : typeFromWords(cast.words);
        if (!type) throw new EvalError(`unknown cast (${cast.words.join(" ")})`);
        return norm(unary().v, type);
      }
    }
    if (t.k === "id" && t.s === "sizeof") {
      i++;
      const ty = typeNameAt(i);
      if (!ty) throw new EvalError("sizeof of an expression is not supported");
      i = ty.next;
      return { v: SIZEOF(ty.words), ...ULONG };
    }
    return primary();
  }

  function args() {
    expect("(");
    const out = [];
    if (!isOp(")")) {
      out.push(ternary());
      while (isOp(",")) { i++; out.push(ternary()); }
    }
    expect(")");
    return out;
  }

  const genmask = (h, l) => {
    const hi = promote(h).v;
    const lo = promote(l).v;
    if (lo < 0n || hi > 63n || lo > hi) throw new EvalError(`GENMASK(${hi}, ${lo})`);
    return { v: ((1n << (hi + 1n)) - 1n) & ~((1n << lo) - 1n), ...ULONG };
  };
  const bit = (n) => {
    const b = promote(n).v;
    if (b < 0n || b > 63n) throw new EvalError(`BIT(${b})`);
    return { v: 1n << b, ...ULONG };
  };
  const BUILTINS = {
    BIT: (a) => bit(a[0]),
    BIT_ULL: (a) => bit(a[0]),
    _BITUL: (a) => bit(a[0]),
    _BITULL: (a) => bit(a[0]),
    GENMASK: (a) => genmask(a[0], a[1]),
    GENMASK_ULL: (a) => genmask(a[0], a[1]),
    UL: (a) => norm(a[0].v, ULONG),
    ULL: (a) => norm(a[0].v, ULONG),
    _UL: (a) => norm(a[0].v, ULONG),
    _ULL: (a) => norm(a[0].v, ULONG),
    // include/linux/arm-smccc.h: ((type) << 31) | ((calling_convention) << 30) | (((owner) & 0x3F) << 24) | ((func_num) & 0xFFFF)
    ARM_SMCCC_CALL_VAL: ([type, conv, owner, fn]) =>
      arith("|", arith("|", arith("|", arith("<<", type, { v: 31n, ...INT }), arith("<<", conv, { v: 30n, ...INT })),
        arith("<<", arith("&", owner, { v: 0x3fn, ...INT }), { v: 24n, ...INT })), arith("&", fn, { v: 0xffffn, ...INT })),
  };
  const ARITY = { GENMASK: 2, GENMASK_ULL: 2, ARM_SMCCC_CALL_VAL: 4 };

  function primary() {
    const t = toks[i];
    if (t.k === "num") { i++; return parseLiteral(t.s); }
    if (t.k === "op" && t.s === "(") {
      i++;
      const v = ternary();
      expect(")");
      return v;
    }
    if (t.k === "id") {
      i++;
      if (isOp("(")) {
        const fn = BUILTINS[t.s];
        if (!fn) throw new Unresolved(`${t.s}()`);
        const a = args();
        if (a.length !== (ARITY[t.s] ?? 1)) throw new EvalError(`${t.s} takes ${ARITY[t.s] ?? 1} argument(s)`);
        return fn(a);
      }
      return lookup(t.s);
    }
    throw new EvalError(`unexpected '${t.s}' in '${src.trim()}'`);
  }

  const v = ternary();
  if (i !== toks.length) throw new EvalError(`trailing '${toks[i].s}' in '${src.trim()}'`);
  return v;
}

// ---------------------------------------------------------------------------
// reading the patches

/**
 * Classify each line of a mail: quote depth ("> " levels), diff kind and the
 * code with both prefixes removed.
 *   kind: "add" (+), "del" (-), "ctx" (space), "hunk" (@@), "hdr" (+++/---/diff),
 *         "plain" (anything else: prose, or code outside a diff)
 */
function classify(text) {
  const lines = text.split(/\r?\n/);
  return lines.map((raw, idx) => {
    const q = /^(?:>[ \t]?)*/.exec(raw)[0];
    const depth = (q.match(/>/g) ?? []).length;
    const rest = raw.slice(q.length);
    let kind;
    let code;
    if (/^(\+\+\+|---)( |$)/.test(rest) || /^diff --git /.test(rest) || /^index [0-9a-f]+\.\.[0-9a-f]+/.test(rest)) {
      kind = "hdr"; code = rest;
    } else if (rest.startsWith("@@")) { kind = "hunk"; code = rest; }
    else if (rest.startsWith("+")) { kind = "add"; code = rest.slice(1); }
    else if (rest.startsWith("-")) { kind = "del"; code = rest.slice(1); }
    else if (rest.startsWith(" ")) { kind = "ctx"; code = rest.slice(1); }
    else { kind = "plain"; code = rest; }
    return { no: idx + 1, raw, depth, kind, code };
  });
}

const isCodeLine = (l) => l.kind === "add" || l.kind === "ctx" || l.kind === "plain";

/** Replace comments by spaces (same length, newlines kept). */
function blankComments(s) {
  return s
    .replace(/\/\*[\s\S]*?(\*\/|$)/g, (m) => m.replace(/[^\n]/g, " "))
    .replace(/\/\/[^\n]*/g, (m) => " ".repeat(m.length));
}

function collectFile(ref, text, cands, notes) {
  const lines = classify(text);
  const prio = (l) => (l.kind === "add" ? "add" : l.kind === "ctx" ? "ctx" : "plain");

  for (let n = 0; n < lines.length; n++) {
    const l = lines[n];

    // ---- #define -------------------------------------------------------
    if (isCodeLine(l)) {
      const m = /^\s*#\s*define\s+([A-Za-z_]\w*)(\(?)(.*)$/.exec(l.code);
      if (m) {
        const [, name, paren] = m;
        let value = m[3];
        const parts = [l.code.trim()];
        // backslash continuations, following the new side of the diff
        let k = n;
        while (/\\\s*$/.test(value)) {
          value = value.replace(/\\\s*$/, " ");
          k++;
          while (k < lines.length && (lines[k].kind === "del" || lines[k].depth !== l.depth)) k++;
          if (k >= lines.length || !isCodeLine(lines[k])) break;
          value += lines[k].code;
          parts.push(lines[k].code.trim().replace(/\s*\\$/, ""));
        }
        parts[0] = parts[0].replace(/\s*\\$/, "");
        if (paren || name.startsWith("_")) continue; // function-like / reserved
        const expr = blankComments(value).trim();
        if (expr === "") continue; // include guard or flag macro
        cands.push({ name, kind: "define", ref, line: l.no, text: parts.join(" "), prio: prio(l), expr });
        continue;
      }
    }

    // ---- enum -------------------------------------------------------------
    let start = null;
    if (isCodeLine(l)) {
      const m = /^\s*(?:typedef\s+)?enum(?:\s+([A-Za-z_]\w*))?\s*\{(.*)$/.exec(l.code);
      if (m) start = { tag: m[1] ?? null, rest: m[2], partial: false, restLine: l };
    } else if (l.kind === "hunk") {
      const m = /^@@[^@]*@@\s*(?:typedef\s+)?enum(?:\s+([A-Za-z_]\w*))?\s*\{\s*$/.exec(l.code);
      if (m) start = { tag: m[1] ?? null, rest: "", partial: true, restLine: l };
    }
    if (!start) continue;

    // gather the body up to the closing brace
    const segs = [{ text: start.rest, line: l }];
    let closed = false;
    let abandoned = null;
    let k = n;
    if (!/\}/.test(blankComments(start.rest))) {
      for (k = n + 1; k < lines.length; k++) {
        const b = lines[k];
        if (b.depth !== l.depth) continue; // other quote level: reviewer prose
        if (b.kind === "del") continue;
        if (b.kind === "hunk" || b.kind === "hdr") { abandoned = "diff hunk ends inside it"; break; }
        if (b.kind === "plain" && l.kind !== "plain" && b.code.trim() !== "") { abandoned = "prose inside it"; break; }
        const c = blankComments(b.code);
        if (start.partial && !/^\s*(?:[A-Za-z_]\w*\s*(?:=[^,{}]*)?,?\s*)?$/.test(c) && !/^\s*\}/.test(c)) {
          abandoned = "hunk is not inside the enum body";
          break;
        }
        segs.push({ text: b.code, line: b });
        if (/\}/.test(c)) { closed = true; break; }
      }
    } else closed = true;
    if (!closed) {
      notes.push(`${ref}:${l.no}: enum ${start.tag ?? "(anonymous)"} ignored: ${abandoned ?? "no closing brace"}`);
      continue;
    }
    n = Math.max(n, k);

    let body = "";
    const offsets = [];
    for (const s of segs) {
      offsets.push({ at: body.length, line: s.line });
      body += s.text + "\n";
    }
    body = blankComments(body);
    body = body.slice(0, body.indexOf("}"));
    const lineAt = (pos) => {
      let best = offsets[0].line;
      for (const o of offsets) if (o.at <= pos) best = o.line;
      return best;
    };

    // split at top-level commas
    const pieces = [];
    let depth = 0;
    let from = 0;
    for (let p = 0; p <= body.length; p++) {
      const ch = body[p];
      if (ch === "(") depth++;
      else if (ch === ")") depth--;
      else if ((ch === "," && depth === 0) || p === body.length) {
        pieces.push({ text: body.slice(from, p), at: from });
        from = p + 1;
      }
    }

    let prev = null;
    let bad = false;
    const members = [];
    if (start.partial) {
      const hidden = start.tag ? HIDDEN_ENUM_PREFIX.get(start.tag) : undefined;
      if (hidden) {
        for (const name of hidden) {
          const c = { name, kind: "enum", ref, line: l.no, text: l.code.trim(), prio: "ctx", enumTag: start.tag,
            expr: prev ? null : "0", prev, hidden: true };
          members.push(c);
          prev = c;
        }
      }
    }
    let unknownBase = start.partial && prev === null;
    for (const piece of pieces) {
      if (piece.text.trim() === "") continue;
      const mm = /^\s*([A-Za-z_]\w*)\s*(?:=\s*([\s\S]+?))?\s*$/.exec(piece.text);
      if (!mm) { bad = true; break; }
      const idOff = piece.at + piece.text.indexOf(mm[1]);
      const ln = lineAt(idOff);
      const c = { name: mm[1], kind: "enum", ref, line: ln.no, text: ln.code.trim(), prio: prio(ln), enumTag: start.tag };
      if (mm[2] !== undefined) { c.expr = mm[2].trim(); c.prev = null; unknownBase = false; }
      else if (prev) { c.expr = null; c.prev = prev; }
      else if (unknownBase) { c.unknown = `enum ${start.tag ?? "(anonymous)"} starts above the diff hunk`; }
      else { c.expr = "0"; c.prev = null; }
      members.push(c);
      prev = c;
    }
    if (bad) {
      notes.push(`${ref}:${l.no}: enum ${start.tag ?? "(anonymous)"} ignored: body is not a list of enumerators`);
      continue;
    }
    cands.push(...members);
  }
}

// ---------------------------------------------------------------------------
// resolution

function build(cands) {
  const byName = new Map();
  for (const c of cands) {
    if (!byName.has(c.name)) byName.set(c.name, []);
    byName.get(c.name).push(c);
  }
  const resolved = new Map(); // name -> { cand, val } | { error }
  const inProgress = new Set();
  const warnings = [];

  const evalCand = (c) => {
    if (c.memo) return c.memo;
    if (c.unknown) return (c.memo = { error: new EvalError(c.unknown) });
    if (c.busy) return { error: new EvalError(`recursive definition of ${c.name}`) };
    c.busy = true;
    try {
      let val;
      if (c.expr !== null && c.expr !== undefined) val = evaluate(c.expr, lookup);
      else {
        const p = evalCand(c.prev);
        if (p.error) throw new EvalError(`previous enumerator ${c.prev.name}: ${p.error.message}`);
        val = norm(promote(p.val).v + 1n, promote(p.val));
      }
      c.memo = { val };
    } catch (e) {
      if (!(e instanceof EvalError)) throw e;
      c.memo = { error: e };
    } finally {
      c.busy = false;
    }
    return c.memo;
  };

  function resolveName(name) {
    if (resolved.has(name)) return resolved.get(name);
    const list = byName.get(name);
    if (!list) return null;
    if (inProgress.has(name)) return { error: new EvalError(`recursive definition of ${name}`) };
    inProgress.add(name);
    const ok = [];
    const errs = [];
    for (const c of list) {
      const r = evalCand(c);
      if (r.error) errs.push({ c, error: r.error });
      else ok.push({ c, val: r.val });
    }
    inProgress.delete(name);
    let result;
    if (ok.length === 0) {
      result = { error: errs[0].error, cands: list };
    } else {
      const distinct = [...new Set(ok.map((o) => toU64(o.val)))];
      let pick = ok[0];
      if (distinct.length > 1) {
        const added = ok.filter((o) => o.c.prio === "add");
        const addedValues = [...new Set(added.map((o) => toU64(o.val)))];
        if (added.length > 0) pick = added[0];
        const all = ok.map((o) => `${hex(toU64(o.val))} (${o.c.ref}:${o.c.line}${o.c.prio === "add" ? " +" : ""})`).join(", ");
        const why = added.length === 0 ? "no added (+) definition, kept the first"
          : addedValues.length > 1 ? "several added (+) definitions disagree, kept the first added one"
          : "kept the added (+) definition";
        warnings.push({ name, msg: `${name}: conflicting values ${all}; ${why}: ${hex(toU64(pick.val))}` });
      }
      result = { cand: pick.c, val: pick.val, ignoredErrors: errs };
    }
    resolved.set(name, result);
    return result;
  }

  function lookup(name) {
    const r = resolveName(name);
    if (r === null) {
      if (EXTERNAL_NAMES.has(name)) return EXTERNAL_NAMES.get(name);
      throw new Unresolved(name);
    }
    if (r.error) throw new Unresolved(`${name} (${r.error.message})`);
    return r.val;
  }

  for (const name of byName.keys()) resolveName(name);
  return { byName, resolved, warnings };
}

const hex = (v) => "0x" + v.toString(16);

// ---------------------------------------------------------------------------
// main

function main() {
  const opts = parseArgs(process.argv.slice(2));
  let files;
  try {
    files = readdirSync(opts.ref).filter((f) => f.endsWith(".txt")).sort();
  } catch (e) {
    fail(`cannot read reference directory ${opts.ref}: ${e.message}`);
  }
  if (files.length === 0) fail(`no *.txt reference files in ${opts.ref}`);

  const cands = [];
  const notes = [];
  for (const f of files) collectFile(f, readFileSync(join(opts.ref, f), "utf8"), cands, notes);

  const { byName, resolved, warnings } = build(cands);

  const entries = [];
  const skipped = [];
  for (const [name, r] of resolved) {
    if (r.error) {
      const c = byName.get(name)[0];
      skipped.push({ name, msg: `${name} (${c.ref}:${c.line}): ${r.error.message}` });
    } else entries.push({ name, ...r });
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  skipped.sort((a, b) => (a.name < b.name ? -1 : 1));

  const refLabel = relative(REPO_ROOT, opts.ref).split(sep).join("/") || ".";
  const out = [];
  out.push(`// Generated by scripts/gen-constants.mjs from ${refLabel}: do not edit.`);
  out.push("export interface ConstantDef { readonly value: bigint; readonly ref: string; readonly line: number; readonly text: string }");
  out.push("export const REFERENCE_CONSTANTS: ReadonlyMap<string, ConstantDef> = new Map<string, ConstantDef>([");
  for (const e of entries) {
    out.push(`  [${JSON.stringify(e.name)}, { value: ${hex(toU64(e.val))}n, ref: ${JSON.stringify(e.cand.ref)}, line: ${e.cand.line}, text: ${JSON.stringify(e.cand.text)} }],`);
  }
  out.push("]);");
  mkdirSync(dirname(opts.out), { recursive: true });
  writeFileSync(opts.out, out.join("\n") + "\n");

  for (const n of notes) process.stderr.write(`gen-constants: note: ${n}\n`);
  for (const w of warnings) process.stderr.write(`gen-constants: warning: ${w.msg}\n`);
  if (skipped.length > 0) {
    process.stderr.write(`gen-constants: skipped ${skipped.length} name(s) that cannot be evaluated: ${skipped.map((s) => s.name).join(", ")}\n`);
    for (const s of skipped) process.stderr.write(`gen-constants:   ${s.msg}\n`);
  }
  process.stdout.write(`gen-constants: wrote ${entries.length} constants from ${files.length} reference file(s) to ${relative(process.cwd(), opts.out) || opts.out}\n`);
}

main();
