/** The installed backendts version, read from the package's own package.json. */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Version of this copy of backendts (the same from `cli/` sources and from `dist/cli/`). */
export function packageVersion(): string {
  for (let dir = path.dirname(fileURLToPath(import.meta.url)); ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (existsSync(file)) {
      const manifest = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (manifest.name === 'backendts' && manifest.version) return manifest.version;
    }
    if (path.dirname(dir) === dir) return 'unknown';
  }
}
