// `net` for the web bundles: @vscode/debugadapter's runDebugAdapter (a process serving a socket) names it; the
// web build runs its adapter inline and never calls it.
function noNet(): never {
  throw new Error('sockets need desktop VS Code: the web extension host runs the kstep adapter inline');
}

export const createServer = noNet;
export const connect = noNet;
export default { createServer, connect };
