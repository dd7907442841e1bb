import type { DebugProtocol } from '@vscode/debugprotocol';
import type { WhyResult } from '../sim';
import { parseExpression, whyOf } from '../sim';
import type { SessionContext } from './context';
import { tryNode } from './frame_locals';
import { sliced } from './history_requests';
import type { Routes } from './routes';
import { UserError, whenStopped } from './routes';
import { scenarioSource } from './sources';

/*
 * DAP `locations` for a value's valueLocationReference (DAP 1.66): where the
 * value shown was last written. VS Code draws such a value as a link and
 * sends `locations` only when the user follows it (Ctrl/Cmd+click), so the
 * write is found then, by the same backwards replay as why(): the kernel
 * listing line of the write, or the scenario statement when no kernel
 * function made it (a statement that creates the object).
 */

/** Whether a Variables path reads state here: the values that get a valueLocationReference. */
export function locatable(ctx: SessionContext, path: string): boolean {
  return tryNode(ctx, path) !== undefined;
}

/** Why `locations` finds no write: none since the first step point, or none as far back as the capped search went. */
export function noWriteText(path: string, r: WhyResult): string {
  if (r.capped) return `${path}: no write in the last ${r.searched} step points (the search stops after ${r.scanned})`;
  return `${path} has not changed since the first step point`;
}

async function locations(ctx: SessionContext, args: DebugProtocol.LocationsArguments | undefined): Promise<DebugProtocol.LocationsResponse['body']> {
  const ref = args?.locationReference;
  const path = typeof ref === 'number' ? ctx.vars.locationPath(ref) : undefined;
  if (path === undefined) throw new UserError(`no location reference ${JSON.stringify(ref)} at this stop`, { showUser: false });
  const e = parseExpression(path);
  if ('error' in e) throw new UserError(e.error);
  const r = await sliced(ctx, 'finding the write', whyOf(ctx.machine, e, 1));
  const w = r.writes[0];
  if (!w) throw new UserError(noWriteText(path, r));
  const k = w.at.kernel;
  const listing = k ? ctx.registry.sources.find((s) => s.path === k.path) : undefined;
  if (k && listing) return { source: ctx.sources.source(listing), line: k.line };
  return { source: scenarioSource(ctx), line: w.at.line };
}

export const LOCATION_ROUTES: Routes = {
  locations: whenStopped(locations),
};
