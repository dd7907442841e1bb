import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';

/** The largest scenario file kstep reads: far past any real one, small enough that a wrong path cannot fill memory. */
export const MAX_SCENARIO_BYTES = 16 * 1024 * 1024;

/**
 * A failed read's code and what it means: "EACCES: permission denied", or on the web "ENOSYS: a web extension host
 * has no local file system". Node's message ends with the call and the path, which the caller names already.
 */
function reasonOf(e: unknown): string {
  const { code, message } = e as Partial<NodeJS.ErrnoException>;
  if (typeof message !== 'string') return code ?? String(e);
  const text = message.replace(/^[A-Z][A-Z0-9_]*: /, '').replace(/, [a-z]+ '.*'$/, '');
  return code === undefined ? text : text === '' || text === code ? code : `${code}: ${text}`;
}

/**
 * Reads a scenario file, refusing what is not one: a missing path, a
 * directory, a device such as /dev/zero, a FIFO that would block the reader
 * forever, or a file past MAX_SCENARIO_BYTES. The checks are made on the
 * opened descriptor, so the file cannot be swapped between check and read.
 */
export function readScenarioFile(path: string, shown = path): { source: string } | { error: string } {
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO with no writer must not block the editor.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { error: code === 'ENOENT' ? `scenario '${shown}' does not exist` : `cannot read scenario '${shown}': ${reasonOf(e)}` };
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) return { error: `scenario '${shown}' is a directory, not a .kstep file` };
    if (!st.isFile()) return { error: `scenario '${shown}' is not a regular file` };
    if (st.size > MAX_SCENARIO_BYTES) return { error: `scenario '${shown}' is ${st.size} bytes: a scenario may be at most ${MAX_SCENARIO_BYTES} bytes` };
    const buf = Buffer.alloc(st.size);
    let off = 0;
    while (off < buf.length) {
      const n = readSync(fd, buf, off, buf.length - off, off);
      if (n === 0) break;
      off += n;
    }
    return { source: buf.toString('utf8', 0, off) };
  } catch (e) {
    return { error: `cannot read scenario '${shown}': ${reasonOf(e)}` };
  } finally {
    closeSync(fd);
  }
}
