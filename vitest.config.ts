import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    // test/backend/memory.test.ts collects garbage before it samples the resident set
    execArgv: ['--expose-gc'],
  },
});
