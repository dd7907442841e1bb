import { basename } from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { KernelSource, Registry } from '../sim';
import type { SessionContext } from './context';
import type { Routes } from './routes';
import { always, UserError } from './routes';

const KERNEL_SCHEME = 'kstep-kernel:/';

/** The lines of a listing that hold a step point, ascending, each with its function. */
export function stepPointLines(src: KernelSource): Array<{ line: number; fn: string }> {
  const out: Array<{ line: number; fn: string }> = [];
  for (const fn of src.functions.values()) for (const line of new Set(fn.labels.values())) out.push({ line, fn: fn.name });
  return out.sort((a, b) => a.line - b.line);
}

/**
 * Where a breakpoint on `line` of a listing binds: the first step point at
 * or after it in the same function (a line between functions takes the next
 * function's first), or undefined when the function has none left.
 */
export function bindKernelLine(src: KernelSource, line: number): { line: number; fn: string } | undefined {
  const fns = [...src.functions.values()].sort((a, b) => a.line - b.line);
  const owner = fns.filter((f) => f.line <= line).pop();
  const points = stepPointLines(src);
  const next = points.find((p) => p.line >= line);
  if (!next) return undefined;
  // Inside a function whose step points all come before the line: do not jump into the next function.
  if (owner && next.fn !== owner.name && points.some((p) => p.fn === owner.name)) return undefined;
  return next;
}

/**
 * The registry's kernel listings as DAP sources. They exist only in the
 * simulator, so each has a sourceReference (1, 2, … in registry order) and the
 * client asks for its text with a `source` request.
 */
export class KernelSources {
  private readonly byRef = new Map<number, KernelSource>();
  private readonly refOf = new Map<KernelSource, number>();

  constructor(registry: Registry) {
    registry.sources.forEach((s, i) => {
      this.byRef.set(i + 1, s);
      this.refOf.set(s, i + 1);
    });
  }

  get(ref: number): KernelSource | undefined {
    return this.byRef.get(ref);
  }

  /** The listing a DAP source names: by its sourceReference, else by its `kstep-kernel:` path. */
  find(s: DebugProtocol.Source | undefined): KernelSource | undefined {
    if (!s) return undefined;
    const byRef = typeof s.sourceReference === 'number' ? this.byRef.get(s.sourceReference) : undefined;
    if (byRef) return byRef;
    const path = typeof s.path === 'string' && s.path.startsWith(KERNEL_SCHEME) ? s.path.slice(KERNEL_SCHEME.length) : undefined;
    return path === undefined ? undefined : [...this.byRef.values()].find((k) => k.path === path);
  }

  source(s: KernelSource): DebugProtocol.Source {
    return { name: basename(s.path), path: `${KERNEL_SCHEME}${s.path}`, sourceReference: this.refOf.get(s) ?? 0, origin: 'simulated kernel source' };
  }

  all(): DebugProtocol.Source[] {
    return [...this.byRef.values()].map((s) => this.source(s));
  }
}

export function scenarioSource(ctx: SessionContext): DebugProtocol.Source {
  return { name: basename(ctx.programPath), path: ctx.programPath };
}

function source(ctx: SessionContext, args: DebugProtocol.SourceArguments): DebugProtocol.SourceResponse['body'] {
  const src = ctx.sources.get(args.source?.sourceReference ?? args.sourceReference);
  if (src) return { content: src.lines.join('\n'), mimeType: 'text/x-c' };
  if (ctx.samePath(args.source?.path) && ctx.program) return { content: ctx.program.source };
  throw new UserError('no such source', { id: 2002, showUser: false });
}

function loadedSources(ctx: SessionContext): DebugProtocol.LoadedSourcesResponse['body'] {
  return { sources: [...(ctx.programPath ? [scenarioSource(ctx)] : []), ...ctx.sources.all()] };
}

export const SOURCE_ROUTES: Routes = {
  source: always(source),
  loadedSources: always(loadedSources),
};
