import { basename } from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { KernelSource, Registry } from '../sim';
import type { SessionContext } from './context';
import type { Routes } from './routes';
import { always, UserError } from './routes';

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

  source(s: KernelSource): DebugProtocol.Source {
    return { name: basename(s.path), path: `kstep-kernel:/${s.path}`, sourceReference: this.refOf.get(s) ?? 0, origin: 'simulated kernel source' };
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
  if (ctx.samePath(args.source?.path) && ctx.program) return { content: ctx.program.lines.join('\n') };
  throw new UserError('no such source', { id: 2002, showUser: false });
}

function loadedSources(ctx: SessionContext): DebugProtocol.LoadedSourcesResponse['body'] {
  return { sources: [...(ctx.programPath ? [scenarioSource(ctx)] : []), ...ctx.sources.all()] };
}

export const SOURCE_ROUTES: Routes = {
  source: always(source),
  loadedSources: always(loadedSources),
};
