import type { MemorySpace } from '../core/machine';
import { PAGE } from './tlfs';

export type GpaSnapshot = ReadonlyMap<bigint, Uint8Array>;

/** Largest guest physical address + 1 (52-bit IPA, as base_simp_gpa:52 pages allow 64-bit GPAs). */
export const GPA_LIMIT = 1n << 64n;

/**
 * Guest physical memory: sparse 4 KiB pages, zero until written. Snapshots
 * share pages; a page is copied the first time it is written after a
 * snapshot (copy-on-write), so snapshot and restore cost one Map copy.
 */
export class GuestMemory implements MemorySpace {
  private pages = new Map<bigint, Uint8Array>();
  /** Pages this instance may write in place (not shared with any snapshot). */
  private owned = new Set<bigint>();

  get pageCount(): number {
    return this.pages.size;
  }

  read(addr: bigint, length: number): Uint8Array {
    const out = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const a = addr + BigInt(done);
      const pn = a >> 12n;
      const off = Number(a & 0xfffn);
      const n = Math.min(PAGE - off, length - done);
      const p = this.pages.get(pn);
      if (p) out.set(p.subarray(off, off + n), done);
      done += n;
    }
    return out;
  }

  write(addr: bigint, bytes: Uint8Array): void {
    let done = 0;
    while (done < bytes.length) {
      const a = addr + BigInt(done);
      const pn = a >> 12n;
      const off = Number(a & 0xfffn);
      const n = Math.min(PAGE - off, bytes.length - done);
      this.writable(pn).set(bytes.subarray(done, done + n), off);
      done += n;
    }
  }

  /** Zeroes a whole page (SIMP/SIEFP enable, as KVM's kvm_clear_guest). */
  zeroPage(base: bigint): void {
    const pn = base >> 12n;
    if (!this.pages.has(pn)) return;
    this.pages.delete(pn);
    this.owned.delete(pn);
  }

  private writable(pn: bigint): Uint8Array {
    let p = this.pages.get(pn);
    if (p && this.owned.has(pn)) return p;
    p = p ? p.slice() : new Uint8Array(PAGE);
    this.pages.set(pn, p);
    this.owned.add(pn);
    return p;
  }

  readU64(addr: bigint): bigint {
    return le(this.read(addr, 8));
  }
  readU32(addr: bigint): bigint {
    return le(this.read(addr, 4));
  }
  readU16(addr: bigint): bigint {
    return le(this.read(addr, 2));
  }
  readU8(addr: bigint): number {
    return this.read(addr, 1)[0] as number;
  }
  writeU64(addr: bigint, v: bigint): void {
    this.write(addr, leBytes(v, 8));
  }
  writeU32(addr: bigint, v: bigint): void {
    this.write(addr, leBytes(v, 4));
  }
  writeU8(addr: bigint, v: number): void {
    this.write(addr, Uint8Array.of(v & 0xff));
  }

  snapshot(): GpaSnapshot {
    this.owned = new Set();
    return new Map(this.pages);
  }

  restore(s: GpaSnapshot): void {
    this.pages = new Map(s);
    this.owned = new Set();
  }

  /** Page numbers in ascending order (for the state tree). */
  pageNumbers(): bigint[] {
    return [...this.pages.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }
}

export function le(b: Uint8Array): bigint {
  let v = 0n;
  for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i] as number);
  return v;
}

export function leBytes(v: bigint, n: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = BigInt.asUintN(n * 8, v);
  for (let i = 0; i < n; i++) {
    out[i] = Number(x & 0xffn);
    x >>= 8n;
  }
  return out;
}

/** Bytes as u64 little-endian qwords (a partial last qword is zero-padded). */
export function qwords(b: Uint8Array): bigint[] {
  const out: bigint[] = [];
  for (let i = 0; i < b.length; i += 8) {
    const chunk = new Uint8Array(8);
    chunk.set(b.subarray(i, Math.min(i + 8, b.length)));
    out.push(le(chunk));
  }
  return out;
}

export function fromQwords(q: readonly bigint[]): Uint8Array {
  const out = new Uint8Array(q.length * 8);
  q.forEach((v, i) => out.set(leBytes(v, 8), i * 8));
  return out;
}
