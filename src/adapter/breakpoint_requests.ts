import type { DebugProtocol } from '@vscode/debugprotocol';
import { statementLocations, unverified } from './breakpoints';
import type { SessionContext } from './context';
import type { Routes } from './routes';
import { always } from './routes';
import { stepPointLines } from './sources';

// Breakpoints are answered at any time, even with no scenario loaded: the
// book keeps them for the next launch or restart.

function setBreakpoints(ctx: SessionContext, args: DebugProtocol.SetBreakpointsArguments): DebugProtocol.SetBreakpointsResponse['body'] {
  const listing = ctx.sources.find(args.source);
  if (listing) return { breakpoints: ctx.book.setKernelLines(listing, args.breakpoints ?? [], ctx.sim?.machine) };
  if (!ctx.samePath(args.source.path)) {
    return { breakpoints: (args.breakpoints ?? []).map((b) => unverified(b.line, 'not the scenario being debugged', ctx.book.freshId())) };
  }
  return { breakpoints: ctx.book.setLines(args.breakpoints ?? [], ctx.program, ctx.sim?.machine) };
}

function breakpointLocations(ctx: SessionContext, args: DebugProtocol.BreakpointLocationsArguments): DebugProtocol.BreakpointLocationsResponse['body'] {
  const end = args.endLine ?? args.line;
  const listing = ctx.sources.find(args.source);
  if (listing) return { breakpoints: stepPointLines(listing).filter((p) => p.line >= args.line && p.line <= end).map((p) => ({ line: p.line })) };
  return { breakpoints: ctx.program && ctx.samePath(args.source.path) ? statementLocations(ctx.program, args.line, end) : [] };
}

function setFunctionBreakpoints(ctx: SessionContext, args: DebugProtocol.SetFunctionBreakpointsArguments): DebugProtocol.SetFunctionBreakpointsResponse['body'] {
  return { breakpoints: ctx.book.setFunctions(args.breakpoints, ctx.sim?.machine) };
}

function setExceptionBreakpoints(ctx: SessionContext, args: DebugProtocol.SetExceptionBreakpointsArguments): DebugProtocol.SetExceptionBreakpointsResponse['body'] {
  return { breakpoints: ctx.book.setExceptions(args, ctx.sim?.machine) };
}

function setDataBreakpoints(ctx: SessionContext, args: DebugProtocol.SetDataBreakpointsArguments): DebugProtocol.SetDataBreakpointsResponse['body'] {
  return { breakpoints: ctx.book.setData(args.breakpoints, ctx.sim?.machine) };
}

export const BREAKPOINT_ROUTES: Routes = {
  setBreakpoints: always(setBreakpoints),
  breakpointLocations: always(breakpointLocations),
  setFunctionBreakpoints: always(setFunctionBreakpoints),
  setExceptionBreakpoints: always(setExceptionBreakpoints),
  setDataBreakpoints: always(setDataBreakpoints),
};
