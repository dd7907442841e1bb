import { InvalidatedEvent, MemoryEvent } from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { SessionContext } from './context';
import type { Reply, Routes } from './routes';
import { andThen, UserError, whenStopped } from './routes';

/**
 * memoryReference: `<space>:0x<address>`: one of the machine's byte-addressed
 * spaces (Machine.memorySpaceNames) and the address of a node's first byte.
 * VS Code's memory view reads and writes through it.
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

function readMemory(ctx: SessionContext, args: DebugProtocol.ReadMemoryArguments): DebugProtocol.ReadMemoryResponse['body'] {
  const ref = parseMemoryRef(args.memoryReference, args.offset ?? 0);
  const space = ref ? ctx.machine.memorySpace(ref.space) : undefined;
  if (!ref || !space) throw new UserError(`'${args.memoryReference}' is not a memory reference of this scenario`);
  const count = Math.max(0, Math.min(MAX_READ, Math.trunc(args.count)));
  const bytes = space.read(ref.address, count);
  return { address: `0x${ref.address.toString(16)}`, data: Buffer.from(bytes).toString('base64'), unreadableBytes: 0 };
}

function writeMemory(ctx: SessionContext, args: DebugProtocol.WriteMemoryArguments): Reply {
  const ref = parseMemoryRef(args.memoryReference, args.offset ?? 0);
  const m = ctx.machine;
  const space = ref ? m.memorySpace(ref.space) : undefined;
  if (!ref || !space) throw new UserError(`'${args.memoryReference}' is not a memory reference of this scenario`);
  const bytes = new Uint8Array(Buffer.from(args.data, 'base64'));
  // A step in history like any other change from the debugger: stepping back undoes it.
  ctx.timeline++;
  m.inject({ text: `write ${bytes.length} bytes at ${ref.space}:0x${ref.address.toString(16)}`, apply: () => space.write(ref.address, bytes) });
  const body: DebugProtocol.WriteMemoryResponse['body'] = { bytesWritten: bytes.length };
  return andThen(body, () => {
    ctx.send(new MemoryEvent(args.memoryReference, args.offset ?? 0, bytes.length));
    ctx.send(new InvalidatedEvent(['variables']));
  });
}

export const MEMORY_ROUTES: Routes = {
  readMemory: whenStopped(readMemory),
  writeMemory: whenStopped(writeMemory),
};
