import { defineConfig } from 'vitest/config';

// A shared, loaded machine may need more room than CI; RECOPS_TEST_TIMEOUT_MS raises both limits.
const timeoutMs = Number(process.env.RECOPS_TEST_TIMEOUT_MS ?? 60_000);

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Local-cloud end-to-end tests start servers and train models: give them room on a 2-core machine.
    testTimeout: timeoutMs,
    hookTimeout: timeoutMs,
    pool: 'forks',
    maxWorkers: 2,
  },
});
