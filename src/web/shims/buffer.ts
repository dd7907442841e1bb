// `Buffer` for the web bundles: the bytes, base64 and UTF-8 conversions kstep and @vscode/debugadapter use
// (readMemory's data, the memory view, the state picture's nonce).
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Bytes with Node's toString(encoding). */
export class WebBuffer extends Uint8Array {
  override toString(encoding: 'utf8' | 'base64' | 'hex' = 'utf8', start = 0, end = this.length): string {
    const bytes = this.subarray(start, end);
    if (encoding === 'hex') return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
    if (encoding !== 'base64') return new TextDecoder().decode(bytes);
    let out = '';
    for (let i = 0; i < bytes.length; i += 3) {
      const n = ((bytes[i] ?? 0) << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
      out += B64[(n >> 18) & 63]! + B64[(n >> 12) & 63]!;
      out += i + 1 < bytes.length ? B64[(n >> 6) & 63]! : '=';
      out += i + 2 < bytes.length ? B64[n & 63]! : '=';
    }
    return out;
  }
}

function copy(bytes: ArrayLike<number>): WebBuffer {
  const b = new WebBuffer(bytes.length);
  b.set(bytes);
  return b;
}

/**
 * Decodes as Node does: both alphabets (standard and URL-safe `-_`), characters of neither skipped, and the first
 * `=` ends the data (Node reads "AA==AA==" as the single byte 0).
 */
function fromBase64(s: string): WebBuffer {
  const out: number[] = [];
  let acc = 0;
  let bits = 0;
  for (const ch of s) {
    if (ch === '=') break;
    const v = ch === '-' ? 62 : ch === '_' ? 63 : B64.indexOf(ch);
    if (v < 0) continue;
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push((acc >> bits) & 0xff);
    }
  }
  return copy(out);
}

export const Buffer = {
  alloc(n: number): WebBuffer {
    return new WebBuffer(n);
  },
  from(data: string | ArrayLike<number> | ArrayBuffer, encoding: 'utf8' | 'base64' | 'hex' = 'utf8'): WebBuffer {
    if (data instanceof ArrayBuffer) return copy(new Uint8Array(data));
    if (typeof data !== 'string') return copy(data);
    if (encoding === 'base64') return fromBase64(data);
    if (encoding === 'hex') return copy((data.match(/[0-9a-fA-F]{2}/g) ?? []).map((h) => parseInt(h, 16)));
    return copy(new TextEncoder().encode(data));
  },
  byteLength(s: string): number {
    return new TextEncoder().encode(s).length;
  },
  concat(list: readonly Uint8Array[]): WebBuffer {
    const out = new WebBuffer(list.reduce((n, b) => n + b.length, 0));
    let at = 0;
    for (const b of list) {
      out.set(b, at);
      at += b.length;
    }
    return out;
  },
};

export default { Buffer };
