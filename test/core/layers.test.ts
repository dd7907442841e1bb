/**
 * The import graph, read from the sources: the engine (sim/core) at the
 * bottom with nothing running back up, the language above it, mechanisms
 * above both, the registry and src/sim/index.ts on top of the simulator;
 * the adapter, CLI and extension reach the simulator only through
 * src/sim/index.ts; and no file imports itself back through a cycle.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '..', '..');
const SRC = join(ROOT, 'src');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/**
 * Every file's imports, as paths relative to src/ without the extension, or
 * bare package names. `values` leaves out `import type`: those are erased
 * at build time, so they order nothing at load and cannot form a cycle.
 */
function graph(values: boolean): ReadonlyMap<string, readonly string[]> {
  return new Map(
    files(SRC).map((f) => {
      const text = readFileSync(f, 'utf8');
      const specs = [...text.matchAll(/^\s*(import|export)(\s+type)?\b[^'"]*?from\s+'([^']+)'/gm)]
        .filter((m) => !values || m[2] === undefined)
        .map((m) => m[3] as string);
      const deps = specs.map((s) => (s.startsWith('.') ? relative(SRC, resolve(dirname(f), s)).replace(/\\/g, '/') : s));
      return [relative(SRC, f).replace(/\\/g, '/').replace(/\.ts$/, ''), deps.map(indexOf)];
    }),
  );
}

const GRAPH = graph(false);

/** `../sim` means `sim/index`. */
function indexOf(d: string): string {
  return d === 'sim' || d.endsWith('/sim') ? `${d}/index` : d;
}

function edges(from: (f: string) => boolean): Array<[string, string]> {
  return [...GRAPH].filter(([f]) => from(f)).flatMap(([f, ds]) => ds.map((d) => [f, d] as [string, string]));
}

const MECHANISM_DIRS = ['hugetlb', 'hyperv', 'mm', 'scmi'];
const mechanismOf = (f: string): string | undefined => MECHANISM_DIRS.find((m) => f.startsWith(`sim/${m}/`));

describe('layers', () => {
  it('reads a graph of every source file', () => {
    expect(GRAPH.size).toBeGreaterThan(60);
    expect(GRAPH.get('sim/index')).toContain('sim/registry');
  });

  it('the engine (sim/core) imports only itself', () => {
    expect(edges((f) => f.startsWith('sim/core/')).filter(([, d]) => !d.startsWith('sim/core/'))).toEqual([]);
  });

  it('the scenario language imports only the engine and itself', () => {
    expect(edges((f) => f.startsWith('sim/scenario/')).filter(([, d]) => !d.startsWith('sim/core/') && !d.startsWith('sim/scenario/'))).toEqual([]);
  });

  it('a mechanism imports the engine, the language, the descriptor types and what it declares it needs', () => {
    const needs: Record<string, readonly string[]> = { mm: ['hugetlb'] };
    const bad = edges((f) => mechanismOf(f) !== undefined).filter(([f, d]) => {
      const own = mechanismOf(f) as string;
      const other = mechanismOf(d);
      if (d.startsWith('sim/core/') || d.startsWith('sim/scenario/') || d === 'sim/mechanism') return false;
      return other === undefined || (other !== own && !(needs[own] ?? []).includes(other));
    });
    expect(bad).toEqual([]);
  });

  it('nothing in the simulator imports the adapter, the extension, vscode or the DAP packages', () => {
    const bad = edges((f) => f.startsWith('sim/')).filter(([, d]) => d.startsWith('adapter/') || d.startsWith('extension/') || d.startsWith('cli/') || d === 'vscode' || d.startsWith('@vscode/'));
    expect(bad).toEqual([]);
  });

  it('the adapter, the CLI and the extension reach the simulator only through src/sim/index.ts', () => {
    const bad = edges((f) => !f.startsWith('sim/')).filter(([, d]) => d.startsWith('sim/') && d !== 'sim/index');
    expect(bad).toEqual([]);
  });

  it('the adapter imports nothing of the extension or vscode', () => {
    expect(edges((f) => f.startsWith('adapter/')).filter(([, d]) => d.startsWith('extension/') || d === 'vscode')).toEqual([]);
  });

  it('has no import cycles among the imports that run', () => {
    const values = graph(true);
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const stack: string[] = [];
    const visit = (f: string): void => {
      state.set(f, 'open');
      stack.push(f);
      for (const d of values.get(f) ?? []) {
        if (!values.has(d)) continue;
        if (state.get(d) === 'open') cycles.push([...stack.slice(stack.indexOf(d)), d].join(' → '));
        else if (!state.has(d)) visit(d);
      }
      stack.pop();
      state.set(f, 'done');
    };
    for (const f of values.keys()) if (!state.has(f)) visit(f);
    expect(cycles).toEqual([]);
  });
});
