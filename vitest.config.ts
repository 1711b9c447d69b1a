import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    // Each file gets its own database; servers are shared. Two cores: two files at a time.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 240_000,
    // A console list may take seconds to settle on a loaded 2-core machine; one second (the default) is too tight.
    expect: { poll: { timeout: 10_000 } },
    reporters: ['default', ['json', { outputFile: '.reports/vitest.json' }]],
  },
});
