/**
 * The browser-safe stand-ins the web build puts where Node built-ins were:
 * each does what the code that imports it relies on, compared with Node's own.
 */
import * as nodePath from 'node:path';
import { describe, expect, it } from 'vitest';
import { scenarioUri } from '../../src/extension/web/scenario_uri';
import type { UriLike } from '../../src/extension/web/scenario_uri';
import { Buffer as WebBuffer } from '../../src/web/shims/buffer';
import { EventEmitter } from '../../src/web/shims/events';
import * as fs from '../../src/web/shims/fs';
import * as webPath from '../../src/web/shims/path';
import { setImmediate as webSetImmediate } from '../../src/web/shims/globals';

describe('the path shim', () => {
  it('answers as Node posix path does for absolute paths', () => {
    for (const p of ['/a/b/c.kstep', '/a/./b/../c.kstep', '/', '/a/b/', '/x/y.c']) {
      expect(webPath.basename(p)).toBe(nodePath.posix.basename(p));
      expect(webPath.dirname(p)).toBe(nodePath.posix.dirname(p));
      expect(webPath.normalize(p)).toBe(nodePath.posix.normalize(p).replace(/(.)\/$/, '$1'));
      expect(webPath.resolve(p)).toBe(nodePath.posix.resolve(p));
    }
    expect(webPath.join('/a', 'b', '../c')).toBe('/a/c');
    expect(webPath.basename('/a/b.kstep', '.kstep')).toBe('b');
  });

  it('resolves a relative path against the root: there is no working directory', () => {
    expect(webPath.resolve('examples/a.kstep')).toBe('/examples/a.kstep');
    expect(webPath.resolve('/ws', 'examples/a.kstep')).toBe('/ws/examples/a.kstep');
  });
});

describe('the Buffer shim', () => {
  it('round-trips base64 as Node does', () => {
    for (const bytes of [[], [0], [0xff, 1], [1, 2, 3], [0, 0x80, 0xfe, 0x7f, 9]]) {
      const b64 = Buffer.from(bytes).toString('base64');
      expect(WebBuffer.from(bytes).toString('base64')).toBe(b64);
      expect([...WebBuffer.from(b64, 'base64')]).toEqual(bytes);
    }
    expect(WebBuffer.from('héllo').toString()).toBe('héllo');
    expect(WebBuffer.from([0xab, 1]).toString('hex')).toBe('ab01');
    expect(WebBuffer.byteLength('é')).toBe(2);
  });

  it('decodes base64 as Node does: padding ends the data, URL-safe characters count, others are skipped', () => {
    expect([...WebBuffer.from('AA==AA==', 'base64')]).toEqual([...Buffer.from('AA==AA==', 'base64')]);
    expect([...WebBuffer.from('AA==AA==', 'base64')]).toEqual([0]);
    expect([...WebBuffer.from('-_8', 'base64')]).toEqual([251, 255]);
    // Strings of the characters that matter, from a fixed seed: the same cases every run.
    const chars = 'AQz09+/-_= *\n.';
    let seed = 12345;
    const next = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return (seed >>> 16) % n;
    };
    for (let i = 0; i < 5000; i++) {
      const s = Array.from({ length: next(13) }, () => chars[next(chars.length)]).join('');
      expect([...WebBuffer.from(s, 'base64')], JSON.stringify(s)).toEqual([...Buffer.from(s, 'base64')]);
    }
  });
});

describe('the events shim', () => {
  it('on, once, removeListener and an error nobody hears', () => {
    const e = new EventEmitter();
    const seen: unknown[] = [];
    const on = (x: unknown): number => seen.push(['on', x]);
    e.on('m', on);
    e.once('m', (x) => seen.push(['once', x]));
    e.emit('m', 1);
    e.emit('m', 2);
    e.removeListener('m', on);
    expect(e.emit('m', 3)).toBe(false);
    expect(seen).toEqual([['on', 1], ['once', 1], ['on', 2]]);
    expect(() => e.emit('error', new Error('lost'))).toThrow('lost');
  });
});

describe('the fs shim', () => {
  // readScenarioFile reports the code and this message (the inline adapter test sees it in a launch's error).
  it('fails every open with ENOSYS and the reason, and finds no file', () => {
    expect(() => fs.openSync()).toThrow(/no local file system/);
    expect(() => fs.openSync()).toThrow(expect.objectContaining({ code: 'ENOSYS' }));
    expect(fs.existsSync()).toBe(false);
  });
});

describe('setImmediate on the web', () => {
  it('runs callbacks in order, a task later', async () => {
    const order: number[] = [];
    await new Promise<void>((resolve) => {
      webSetImmediate(() => order.push(1));
      webSetImmediate(() => {
        order.push(2);
        resolve();
      });
      order.push(0);
    });
    expect(order).toEqual([0, 1, 2]);
  });
});

/** A URI with what scenarioUri reads of one: enough to tell which workspace a path was matched to. */
class TestUri implements UriLike<TestUri> {
  constructor(
    readonly scheme: string,
    readonly authority: string,
    readonly path: string,
    readonly query = '',
  ) {}
  get fsPath(): string {
    return this.path;
  }
  with(change: { path: string }): TestUri {
    return new TestUri(this.scheme, this.authority, change.path);
  }
  toString(): string {
    return `${this.scheme}://${this.authority}${this.path}${this.query ? `?${this.query}` : ''}`;
  }
}
const parse = (s: string): TestUri => {
  const m = /^([^:]+):\/\/([^/]*)(.*)$/.exec(s);
  return new TestUri(m?.[1] ?? '', m?.[2] ?? '', m?.[3] ?? '');
};

describe('the URI a web launch configuration names', () => {
  const folder = new TestUri('vscode-remote', 'host:8080', '/ws');
  const other = new TestUri('vscode-vfs', 'github', '/me/repo');

  it('a path takes the scheme of its open editor, else of the folder it lies in', () => {
    const open = new TestUri('vscode-remote', 'host:8080', '/ws/a.kstep');
    expect(scenarioUri('/ws/a.kstep', [open], [folder, other], parse)).toBe(open);
    expect(scenarioUri('/me/repo/b.kstep', [], [folder, other], parse).toString()).toBe('vscode-vfs://github/me/repo/b.kstep');
    expect(scenarioUri('c.kstep', [], [folder, other], parse).toString()).toBe('vscode-remote://host:8080/ws/c.kstep');
  });

  it('an open document of another scheme, authority or with a query is not the workspace file; the active editor wins', () => {
    const gitOld = new TestUri('git', '', '/ws/a.kstep', '{"path":"/ws/a.kstep","ref":"HEAD"}');
    const output = new TestUri('output', '', '/ws/a.kstep');
    const otherHost = new TestUri('vscode-remote', 'elsewhere:1', '/ws/a.kstep');
    expect(scenarioUri('/ws/a.kstep', [gitOld, output, otherHost], [folder, other], parse).toString()).toBe('vscode-remote://host:8080/ws/a.kstep');
    const inFolder = new TestUri('vscode-remote', 'host:8080', '/ws/a.kstep');
    const inOther = new TestUri('vscode-vfs', 'github', '/ws/a.kstep');
    expect(scenarioUri('/ws/a.kstep', [gitOld, inFolder, inOther], [folder, other], parse)).toBe(inFolder);
    expect(scenarioUri('/ws/a.kstep', [gitOld, inFolder, inOther], [folder, other], parse, inOther)).toBe(inOther);
    // An active diff's old side is no workspace file either.
    expect(scenarioUri('/ws/a.kstep', [inFolder], [folder, other], parse, gitOld)).toBe(inFolder);
  });

  it('a URI is taken as it is; with no folder a path has nowhere to be looked for', () => {
    expect(scenarioUri('vscode-vfs://github/me/repo/d.kstep', [], [folder], parse).toString()).toBe('vscode-vfs://github/me/repo/d.kstep');
    expect(() => scenarioUri('/ws/e.kstep', [], [], parse)).toThrow(/no workspace folder/);
  });
});
