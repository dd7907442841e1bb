import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { webManifest } from '../e2e/web_vsix';

describe('the web-only manifest the web e2e test installs', () => {
  it('has the browser entry and no main, so code-server can run it only in the web worker host', () => {
    const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as Record<string, unknown>;
    const web = webManifest(pkg);
    expect(web.browser).toBe('./dist/web/extension.js');
    expect('main' in web).toBe(false);
    expect('scripts' in web).toBe(false);
    expect(web.contributes).toEqual(pkg.contributes);
  });
});
