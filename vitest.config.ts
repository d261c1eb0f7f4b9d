import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import HeavyFirstSequencer from './tools/heavy-first-sequencer.js';

const source = (file: string) => fileURLToPath(new URL(file, import.meta.url));

export default defineConfig({
  resolve: {
    // Tests (and fixture projects loaded in them) use the sources, not dist/.
    alias: [
      { find: /^backendts\/db$/, replacement: source('./runtime/db/index.ts') },
      { find: /^backendts\/codegen$/, replacement: source('./codegen/index.ts') },
      { find: /^backendts\/testing$/, replacement: source('./testing/index.ts') },
      { find: /^backendts$/, replacement: source('./runtime/index.ts') },
    ],
  },
  test: {
    include: ['tests/**/*.test.ts', 'runtime/**/*.test.ts', 'codegen/**/*.test.ts', 'cli/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Subprocess and database tests are heavy on a 2-core machine.
    maxWorkers: 2,
    sequence: { sequencer: HeavyFirstSequencer },
    typecheck: { enabled: true, include: ['tests/types/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
  },
});
