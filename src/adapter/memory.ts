/**
 * memoryReference: `<space>:0x<address>` — the byte-addressed space a node's
 * bytes live in (`gpa` for guest physical memory) and the address of its
 * first byte. VS Code's memory view reads and writes through it.
 */
export interface MemoryRef {
  readonly space: string;
  readonly address: bigint;
}

export function memoryRef(space: string, address: bigint): string {
  return `${space}:0x${address.toString(16)}`;
}

export function parseMemoryRef(ref: string, offset = 0): MemoryRef | undefined {
  const m = /^([A-Za-z_][\w-]*):(0x[0-9a-fA-F]+|\d+)$/.exec(ref);
  if (!m) return undefined;
  const address = BigInt(m[2] as string) + BigInt(Math.trunc(offset));
  return address < 0n ? undefined : { space: m[1] as string, address };
}

/** The most one readMemory answers: VS Code asks page by page. */
export const MAX_READ = 1 << 20;
