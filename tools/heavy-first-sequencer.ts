/**
 * Runs the test files that take longest first, so that the two workers end
 * together instead of one running a long file alone at the end. Vitest's own
 * order (durations cached from an earlier run, else file size) puts them
 * last on a fresh clone: a driver's suite file is one line.
 */
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** The slowest files, slowest first (measured on a 2-core machine: CPU time of each file run alone); the rest keep Vitest's order after them. */
const SLOWEST = [
  'tests/cli/create-db-large-pglite.test.ts',
  'tests/cli/create-db-pglite.test.ts',
  'tests/e2e/example.test.ts',
  'tests/e2e/scaffold.test.ts',
  'tests/e2e/example-tests.test.ts',
  'tests/cli/create-db-casing.test.ts',
  'tests/db/pglite-lock.test.ts',
  'tests/cli/migrations-pglite.test.ts',
  'tests/cli/scaffold.test.ts',
  'tests/cli/commands.test.ts',
  'tests/cli/create-db-large-postgres.test.ts',
  'tests/cli/create-db-extensions.test.ts',
  'tests/cli/create-db-postgres.test.ts',
  'tests/cli/migrations-failures.test.ts',
  'tests/cli/migrations-postgres.test.ts',
];

/** Vitest's sequencer with {@link SLOWEST} moved to the front. */
export default class HeavyFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (file: TestSpecification): number => {
      const index = SLOWEST.findIndex((slow) => file.moduleId.endsWith(slow));
      return index === -1 ? SLOWEST.length : index;
    };
    return sorted.map((file, order) => ({ file, order })).sort((a, b) => rank(a.file) - rank(b.file) || a.order - b.order).map(({ file }) => file);
  }
}
