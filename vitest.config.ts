import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    // Each file gets its own database; servers are shared. Two cores: two files at a time.
    pool: 'forks',
    maxWorkers: 2,
    // Tests wait for what they observe (expect.poll, a log line); these limits only catch a hang, and a
    // loaded 2-core machine makes every step several times slower than an idle one.
    testTimeout: 120_000,
    hookTimeout: 240_000,
    expect: { poll: { timeout: 60_000 } },
    reporters: ['default', ['json', { outputFile: '.reports/vitest.json' }]],
  },
});
