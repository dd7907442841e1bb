// `path` for the web bundles: POSIX paths, the form a web extension host's fsPath takes. There is no working
// directory, so a relative path resolves against the root.
export const sep = '/';

export function normalize(p: string): string {
  const abs = p.startsWith('/');
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length && out[out.length - 1] !== '..') out.pop();
      else if (!abs) out.push('..');
    } else out.push(part);
  }
  const joined = out.join('/');
  return abs ? `/${joined}` : joined || '.';
}

export function isAbsolute(p: string): boolean {
  return p.startsWith('/');
}

export function join(...parts: string[]): string {
  return normalize(parts.filter((p) => p !== '').join('/') || '.');
}

export function resolve(...parts: string[]): string {
  let out = '';
  for (const p of parts) out = isAbsolute(p) ? p : `${out}/${p}`;
  return normalize(isAbsolute(out) ? out : `/${out}`);
}

export function basename(p: string, ext?: string): string {
  const base = p.replace(/\/+$/, '').split('/').pop() ?? '';
  return ext !== undefined && base.endsWith(ext) && base !== ext ? base.slice(0, -ext.length) : base;
}

export function dirname(p: string): string {
  const trimmed = p.replace(/\/+$/, '');
  if (trimmed === '') return p.startsWith('/') ? '/' : '.';
  const i = trimmed.lastIndexOf('/');
  if (i < 0) return '.';
  return trimmed.slice(0, i).replace(/\/+$/, '') || '/';
}

export function extname(p: string): string {
  const base = basename(p);
  const i = base.lastIndexOf('.');
  return i > 0 ? base.slice(i) : '';
}

export const posix = { sep, normalize, isAbsolute, join, resolve, basename, dirname, extname };
export default posix;
