/** The versions of the tools whose output create_db records (drizzle-kit's snapshots, drizzle-orm's objects, backendts' own checks). */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { packageVersion } from '../version.js';

const versions = new Map<string, string>();

/**
 * The version of the package whose module `entry` resolves to: neither
 * drizzle-kit nor drizzle-orm exports its package.json, which sits beside
 * that module.
 */
function versionBeside(entry: string): string {
  let version = versions.get(entry);
  if (version === undefined) {
    const file = createRequire(import.meta.url).resolve(entry);
    version = (JSON.parse(readFileSync(path.join(path.dirname(file), 'package.json'), 'utf8')) as { version: string }).version;
    versions.set(entry, version);
  }
  return version;
}

/** The installed drizzle-kit's version. */
export function drizzleKitVersion(): string {
  return versionBeside('drizzle-kit/api');
}

/** backendts', drizzle-orm's and drizzle-kit's versions, in one line. */
export function toolVersions(): string {
  return `backendts ${packageVersion()}, drizzle-orm ${versionBeside('drizzle-orm')}, drizzle-kit ${drizzleKitVersion()}`;
}
