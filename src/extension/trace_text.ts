/**
 * A DAP message as the "kstep DAP trace" channel shows it. On the web a
 * launch or restart request carries the scenario's whole text in `source`
 * (up to 16 MB): the trace shows its length, not the text, which the file
 * holds already.
 */
export function traceText(m: unknown): string {
  return JSON.stringify(m, (key, value: unknown) => (key === 'source' && typeof value === 'string' ? `<${value.length} characters of scenario text>` : value));
}
