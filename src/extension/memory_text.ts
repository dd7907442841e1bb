import { hexdump } from '../sim';

/**
 * The built-in memory view's text and addresses, free of VS Code so tests can
 * read them: a `kstep-mem:` document per memoryReference, a hexdump of what
 * DAP readMemory answers.
 */
export const MEMORY_SCHEME = 'kstep-mem';

/** The most bytes one view shows: a page of guest memory is 4 KiB, a message slot 256 bytes. */
export const MEMORY_VIEW_BYTES = 4096;

export interface MemoryViewTarget {
  /** The DAP memoryReference (`gpa:0x20000`). */
  readonly ref: string;
  readonly count: number;
  /** What the view shows it as: the variable's name. */
  readonly label: string;
}

/** The document path for a target: readable in the editor's tab, the reference in the query. */
export function memoryViewPath(t: MemoryViewTarget): { path: string; query: string } {
  const safe = t.label.replace(/[^\w.[\]-]+/g, '_').slice(0, 80) || 'memory';
  return { path: `/${safe}.hexdump`, query: new URLSearchParams({ ref: t.ref, count: String(t.count), label: t.label }).toString() };
}

export function parseMemoryViewQuery(query: string): MemoryViewTarget | undefined {
  const q = new URLSearchParams(query);
  const ref = q.get('ref');
  const count = Number(q.get('count') ?? MEMORY_VIEW_BYTES);
  if (!ref || !Number.isSafeInteger(count) || count <= 0) return undefined;
  return { ref, count: Math.min(count, MEMORY_VIEW_BYTES), label: q.get('label') ?? ref };
}

/** The view's text: what it shows, then one hexdump row per 16 bytes at their addresses. */
export function memoryViewText(t: MemoryViewTarget, address: string | undefined, data: Uint8Array, unreadable = 0): string {
  let base = 0n;
  try {
    base = BigInt(address ?? '0');
  } catch {
    base = 0n;
  }
  const head = `${t.label}  ${t.ref}  ${data.length} bytes${unreadable ? `, ${unreadable} unreadable` : ''}  (read-only; read again at every stop)`;
  return `${head}\n\n${data.length ? hexdump(data, base, Math.ceil(MEMORY_VIEW_BYTES / 16)) : '(no bytes)'}\n`;
}
