/**
 * The kstep debug configuration providers: VS Code calls the resolve methods
 * of every provider of a debug type on each launch, whatever trigger kind it
 * was registered for, so only one provider may have them (two would resolve
 * each launch, and on the web read its scenario, twice).
 */
import { describe, expect, it, vi } from 'vitest';

const registered: Array<{ type: string; provider: Record<string, unknown>; kind: number | undefined }> = [];
vi.mock('vscode', () => ({
  DebugConfigurationProviderTriggerKind: { Initial: 1, Dynamic: 2 },
  debug: {
    registerDebugConfigurationProvider: (type: string, provider: Record<string, unknown>, kind?: number) => {
      registered.push({ type, provider, kind });
      return { dispose: () => undefined };
    },
  },
  window: { activeTextEditor: undefined },
  workspace: { getWorkspaceFolder: () => undefined },
}));

describe('the kstep debug configuration providers', () => {
  it('one provider resolves launches; the dynamic one only offers configurations', async () => {
    const { registerConfigProviders } = await import('../../src/extension/config_provider');
    registerConfigProviders({ workspaceState: { get: () => undefined, update: () => Promise.resolve() } } as never);
    expect(registered.map((r) => [r.type, r.kind])).toEqual([
      ['kstep', undefined],
      ['kstep', 2],
    ]);
    const resolving = registered.filter((r) => 'resolveDebugConfiguration' in r.provider || 'resolveDebugConfigurationWithSubstitutedVariables' in r.provider);
    expect(resolving).toHaveLength(1);
    expect(resolving[0]?.kind).toBeUndefined();
    const dynamic = registered.find((r) => r.kind === 2)?.provider as { provideDebugConfigurations(folder: undefined): Array<{ type: string }> };
    expect(dynamic.provideDebugConfigurations(undefined).map((c) => c.type)).toEqual(['kstep']);
  });
});
