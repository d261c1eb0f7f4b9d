/** The build-time workload: a fresh copy of the generated 100 apps × 10 tables project. */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateProject } from '../fixtures/generate-project.mjs';

/** Writes the generated project into a new temporary folder; resolves to `{ projectDir, description }`. */
export async function generateBenchProject({ apps = 100, tables = 10 } = {}) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'backendts-bench-project-'));
  return generateProject({ dir, apps, tables });
}
