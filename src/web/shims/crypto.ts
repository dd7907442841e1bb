// `crypto` for the web bundles: randomBytes (the state picture's CSP nonce) from the Web Crypto API.
import type { WebBuffer } from './buffer';
import { Buffer } from './buffer';

export function randomBytes(n: number): WebBuffer {
  const b = Buffer.alloc(n);
  globalThis.crypto.getRandomValues(b);
  return b;
}

export default { randomBytes };
