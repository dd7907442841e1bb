import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pictureHtml } from '../../src/extension/picture/page';
import { OPEN_REFERENCE, REFERENCE_PAGES } from '../../src/extension/reference';
import { EXAMPLES, exampleContextKey, exampleStepId } from '../../src/extension/walkthrough_steps';

const ROOT = join(__dirname, '..', '..');
interface Manifest {
  main: string;
  browser: string;
  engines: { vscode: string };
  activationEvents: string[];
  capabilities: { untrustedWorkspaces: { supported: boolean | string; restrictedConfigurations?: string[] }; virtualWorkspaces: { supported: boolean | string } };
  contributes: {
    languages: Array<{ id: string; extensions: string[]; configuration: string }>;
    grammars: Array<{ path: string }>;
    snippets: Array<{ path: string }>;
    breakpoints: Array<{ language: string }>;
    debuggers: Array<{ type: string; languages: string[]; configurationAttributes: { launch: { required: string[]; properties: Record<string, unknown> } }; initialConfigurations: unknown[]; configurationSnippets: unknown[] }>;
    commands: Array<{ command: string }>;
    menus: Record<string, Array<{ command: string; when?: string }>>;
    walkthroughs?: Array<{ id: string; title: string; steps: Array<{ id: string; title: string; description: string; media: { markdown?: string }; completionEvents?: string[] }> }>;
  };
  devDependencies: Record<string, string>;
}
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Manifest;

describe('extension manifest', () => {
  it('contributes the kstep language, its grammar, snippets and breakpoints', () => {
    const c = pkg.contributes;
    expect(c.languages[0]).toMatchObject({ id: 'kstep', extensions: ['.kstep'] });
    for (const f of [c.languages[0]?.configuration, c.grammars[0]?.path, c.snippets[0]?.path]) {
      expect(() => JSON.parse(readFileSync(join(ROOT, f ?? ''), 'utf8')) as unknown).not.toThrow();
    }
    expect(c.breakpoints).toEqual([{ language: 'kstep' }]);
  });

  it('declares a debugger with a full launch schema, initial configurations and snippets', () => {
    const d = pkg.contributes.debuggers[0];
    expect(d?.type).toBe('kstep');
    expect(d?.languages).toEqual(['kstep']);
    expect(d?.configurationAttributes.launch.required).toEqual(['program']);
    expect(Object.keys(d?.configurationAttributes.launch.properties ?? {})).toEqual(['program', 'stopOnEntry', 'trace', 'maxSteps', 'maxWork', 'hex', 'kernel']);
    expect(d?.initialConfigurations.length).toBeGreaterThan(0);
    expect(d?.configurationSnippets.length).toBeGreaterThan(0);
  });

  it('has every menu command declared, and honest trust declarations', () => {
    const declared = new Set(pkg.contributes.commands.map((c) => c.command));
    for (const items of Object.values(pkg.contributes.menus)) for (const i of items) expect(declared).toContain(i.command);
    // Running and debugging ask for trust; the setting that starts a separate process is ignored in an untrusted workspace.
    expect(pkg.capabilities.untrustedWorkspaces.supported).toBe('limited');
    expect(pkg.capabilities.untrustedWorkspaces.restrictedConfigurations).toEqual(['kstep.adapter']);
    expect(pkg.capabilities.virtualWorkspaces.supported).toBe('limited');
  });

  it('the editor-title Run/Debug button debugs a .kstep (stopping on entry, like F5 without launch.json)', () => {
    const run = pkg.contributes.menus['editor/title/run'] ?? [];
    expect(run[0]).toMatchObject({ command: 'kstep.debugScenario', when: 'resourceLangId == kstep' });
  });

  it('targets a VS Code the e2e code-server runs (1.100) with types no newer than the floor', () => {
    expect(pkg.engines.vscode).toBe('^1.90.0');
    expect(pkg.devDependencies['@types/vscode']).toBe('1.90.0');
    expect(pkg.main).toBe('./dist/extension.js');
  });
});

describe('state picture page', () => {
  it('runs only its own nonce-tagged script and follows the theme', () => {
    const html = pictureHtml('abc123', 'vscode-resource:');
    expect(html).toContain("script-src 'nonce-abc123'");
    expect(html).toContain('<script nonce="abc123">');
    expect(html).toContain('var(--vscode-editor-background)');
    expect(html.match(/<script/g)?.length).toBe(1);
  });
});

describe('Loaded Scripts', () => {
  it('the kernel listings sit under a labelled root: their scheme has a label formatter whose label starts with a name, not "/"', async () => {
    const { KernelSources } = await import('../../src/adapter/sources');
    const { REGISTRY } = await import('../../src/sim');
    const path = new KernelSources(REGISTRY).all()[0]?.path ?? '';
    const scheme = path.slice(0, path.indexOf(':'));
    const raw = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { contributes: { resourceLabelFormatters?: Array<{ scheme: string; formatting: { label: string; separator: string } }> } };
    const f = raw.contributes.resourceLabelFormatters?.find((x) => x.scheme === scheme);
    expect(scheme).toBe('kstep-kernel');
    // VS Code splits the label at "/" and shows the first segment as the root: it must not be empty.
    const label = (f?.formatting.label ?? '').replace('${path}', path.slice(scheme.length + 1));
    expect(label.split('/')[0]).toBe('kernel');
    expect(f?.formatting.separator).toBe('/');
  });
});

describe('the language reference and the walkthrough', () => {
  const declared = new Set(pkg.contributes.commands.map((c) => c.command));

  it('declares kstep.openLanguageReference and registers it', () => {
    expect(declared).toContain(OPEN_REFERENCE);
    expect(readFileSync(join(ROOT, 'src/extension/reference_command.ts'), 'utf8')).toContain('registerCommand(OPEN_REFERENCE');
    expect(readFileSync(join(ROOT, 'src/extension/extension.ts'), 'utf8')).toContain('registerReferenceCommand(context)');
  });

  it('has a walkthrough step opening each example, the tour first, each with a page and its own completion event', () => {
    const w = pkg.contributes.walkthroughs?.[0];
    expect(w?.steps.length).toBeGreaterThan(0);
    const shipped = readdirSync(join(ROOT, 'examples')).filter((f) => f.endsWith('.kstep')).sort();
    expect(EXAMPLES.map((e) => e.file).sort()).toEqual(shipped);
    expect(w?.steps[0]?.id).toBe(exampleStepId('tour.kstep'));
    for (const e of EXAMPLES) {
      const step = w?.steps.find((s) => s.id === exampleStepId(e.file));
      expect(step?.title).toBe(e.title);
      const link = /\(command:kstep\.openExample\?([^)]+)\)/.exec(step?.description ?? '');
      expect(JSON.parse(decodeURIComponent(link?.[1] ?? '""'))).toEqual([e.file]);
      expect(step?.completionEvents).toEqual([`onContext:${exampleContextKey(e.file)}`]);
    }
    for (const s of w?.steps ?? []) {
      expect(existsSync(join(ROOT, s.media.markdown ?? 'missing'))).toBe(true);
      expect(s.media.markdown).toMatch(/^media\/walkthrough\/[\w-]+\.md$/);
      expect(s.completionEvents?.length).toBeGreaterThan(0);
      for (const ev of s.completionEvents ?? []) if (ev.startsWith('onCommand:')) expect(declared).toContain(ev.slice('onCommand:'.length));
      for (const m of s.description.matchAll(/command:([\w.]+)/g)) expect(declared).toContain(m[1]);
    }
    expect(readFileSync(join(ROOT, 'src/extension/extension.ts'), 'utf8')).toContain('registerWalkthrough(context)');
  });

  it('packs the docs, the examples and the walkthrough pages into the .vsix, and no sources', async () => {
    const vsce = (await import('@vscode/vsce')) as unknown as { listFiles(o: { cwd: string; dependencies: boolean; packageManager: unknown }): Promise<string[]>; PackageManager: { None: unknown } };
    const files = new Set(await vsce.listFiles({ cwd: ROOT, dependencies: false, packageManager: vsce.PackageManager.None }));
    for (const p of Object.values(REFERENCE_PAGES)) expect(files).toContain(p);
    for (const e of EXAMPLES) expect(files).toContain(`examples/${e.file}`);
    for (const s of pkg.contributes.walkthroughs?.[0]?.steps ?? []) expect(files).toContain(s.media.markdown);
    // The web extension host's entry and the worker it starts (vscode.dev, github.dev).
    expect(pkg.browser).toBe('./dist/web/extension.js');
    expect(files).toContain('dist/web/extension.js');
    expect(files).toContain('dist/web/worker.js');
    expect([...files].filter((f) => /^(src|test|bench|node_modules)\//.test(f))).toEqual([]);
  });
});
