import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Where kstep is installed: the nearest folder above this code with a
 * package.json (the checkout, or the extension's folder in VS Code).
 */
function installRoot(): string {
  for (let d = dirname(__filename); ; d = dirname(d)) {
    if (existsSync(join(d, 'package.json'))) return d;
    if (dirname(d) === d) return dirname(__filename);
  }
}
const INSTALL_ROOT = installRoot();

/** A line of a JavaScript stack: `    at fn (file:line:col)` or `    at file:line:col`. */
const STACK_LINE = /^\s*at (?:.*\(.*:\d+:\d+\)|\S+:\d+:\d+)\s*$/;

/**
 * A message fit for a DAP client: no JavaScript stack (the lines of one are
 * dropped) and no path into kstep's own installation (it becomes `<kstep>`).
 * The client sees what went wrong, never where kstep's code lives.
 */
export function scrubMessage(text: string, root: string = INSTALL_ROOT): string {
  const kept = text.split('\n').filter((l) => !STACK_LINE.test(l));
  let out = kept.join('\n');
  if (root.length > 1) out = out.split(root).join('<kstep>');
  return out;
}

interface ErrorBody {
  error?: { id?: unknown; format?: unknown; variables?: unknown; showUser?: unknown };
}

/**
 * Makes a failed response safe to send: its message scrubbed, and its
 * `body.error` reduced to the id and that message, so no variable (the
 * library's own catch puts the JavaScript stack in `_stack`) goes out.
 */
export function scrubErrorResponse(response: { success: boolean; message?: string; body?: unknown }): void {
  if (response.success) return;
  const message = scrubMessage(response.message ?? 'request failed');
  response.message = message;
  const body = (typeof response.body === 'object' && response.body !== null ? response.body : {}) as ErrorBody;
  const error = body.error;
  if (error && typeof error === 'object') {
    // The text goes in as a variable: a `format` is a template, where `{{` stays doubled and a `{name}` is looked up.
    body.error = { id: typeof error.id === 'number' ? error.id : 2000, format: '{_message}', variables: { _message: message }, showUser: error.showUser === true };
  }
  response.body = body;
}
