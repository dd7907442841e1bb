// End-to-end tests: a real VS Code (code-server) in Chromium. Run with `npm run test:e2e`, which first runs
// scripts/e2e-setup.sh to install code-server and Chromium.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/e2e/**/*.e2e.ts'],
    testTimeout: 300_000,
    hookTimeout: 300_000,
    teardownTimeout: 60_000,
    pool: 'forks',
    // One VS Code at a time: the machine has two cores.
    fileParallelism: false,
  },
});
