import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The CLI tests run the built binary, as users do; build it once for the run.
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
  },
});
