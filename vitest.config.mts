import { defineConfig } from 'vitest/config';

export default defineConfig({
  define: { KSTEP_VERSION: JSON.stringify('test') },
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/e2e/**', 'node_modules/**'],
    testTimeout: 120_000,
    pool: 'forks',
  },
});
