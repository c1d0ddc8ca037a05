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
    coverage: {
      provider: 'v8',
      include: ['packages/*/src/**', 'events/**/*.ts', 'services/**/*.ts', 'stacks/**/*.ts'],
      exclude: ['**/scripts/**', '**/*.d.ts'],
      reporter: ['text-summary'],
      // Measured on the full suite (main at 3ea95b3, 2026-12-04): statements 78.61%, branches 67.96%,
      // functions 82.72%, lines 81.08%. Thresholds sit about 2 points under, so the level can only rise
      // as tests are added; raise them when a measurement is well above.
      thresholds: { statements: 76, branches: 65, functions: 80, lines: 79 },
    },
  },
});
