// The standalone debug adapter: `node dist/adapter.js [--server=PORT]`.
import { runDap } from './server';

const code = runDap(process.argv.slice(2), (s) => process.stderr.write(`${s}\n`));
if (code !== undefined) process.exitCode = code;
