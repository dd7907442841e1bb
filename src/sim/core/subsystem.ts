import type { StateNode } from './state';

/**
 * Byte-addressed state (guest physical memory, a shared-memory mailbox) that
 * the debugger's memory view reads and writes. Unbacked bytes read as zero.
 */
export interface MemorySpace {
  read(addr: bigint, length: number): Uint8Array;
  write(addr: bigint, bytes: Uint8Array): void;
}

/** A simulated subsystem: contributes state-tree roots and takes part in snapshots. */
export interface Subsystem {
  readonly name: string;
  roots(): Readonly<Record<string, StateNode>>;
  snapshot(): { readonly data: unknown; readonly size: number };
  restore(data: unknown): void;
  /** Its byte-addressed spaces by name: a node's `memory.space` names one of them. */
  readonly memory?: Readonly<Record<string, MemorySpace>>;
  /** Whether the scenario has used this mechanism yet: the debugger shows used ones first. */
  active?(): boolean;
}
