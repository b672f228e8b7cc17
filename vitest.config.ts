import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['core/**/*.test.ts', 'main/**/*.test.ts', 'renderer/**/*.test.{ts,tsx}'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Three test files at a time on the 2-core machines this runs on: many files wait on guests, agents and timers
    // rather than compute, and a third worker fills those gaps (the whole run: 620 s with two, 348 s with three).
    maxWorkers: 3,
  },
});
