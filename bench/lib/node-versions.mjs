/**
 * The Node versions a bench run covers: `--node 24,system` (the default)
 * runs every suite once on Node 24 LTS, fetched from the npm registry into
 * a cache folder by `.ci/node` when it is not there, and once on the Node
 * that runs this script, each in its own process, each labelled.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { ROOT } from './contenders.mjs';

/** `system` (the Node running the suite) or a major version such as `24`. */
export const NODE_CHOICE = /^(system|\d{2})$/;

/** The node binary for one `--node` item. */
export function nodeBinary(choice) {
  if (choice === 'system') return process.execPath;
  const bin = execFileSync('bash', [path.join(ROOT, '.ci/node'), choice], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
  return path.join(bin, 'node');
}

/** The version a binary reports (`v24.22.3`). */
export function nodeVersion(binary) {
  return execFileSync(binary, ['--version'], { encoding: 'utf8' }).trim();
}

/** The binaries of `choices`, one per distinct version, with how to label each. */
export function nodesToRun(choices) {
  const seen = new Set();
  const nodes = [];
  for (const choice of choices) {
    const binary = nodeBinary(choice);
    const version = nodeVersion(binary);
    if (seen.has(version)) continue;
    seen.add(version);
    const label = choice === 'system' ? `${version}, the machine's Node` : `${version}, Node ${choice} from the npm registry`;
    nodes.push({ binary, version, label });
  }
  return nodes;
}
