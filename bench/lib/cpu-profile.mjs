/**
 * Reads a V8 .cpuprofile (from `node --cpu-prof`) and sums self time per
 * function and per file, so a profile can be read as a table.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

/** Where a script URL belongs: a backendts file, a package, Node itself, or V8. */
export function fileGroup(url, root) {
  if (!url) return '(native / V8)';
  if (url.startsWith('node:')) return url;
  const file = url.startsWith('file://') ? new URL(url).pathname : url;
  const modules = file.lastIndexOf('/node_modules/');
  if (modules !== -1) {
    const rest = file.slice(modules + '/node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  return path.relative(root, file);
}

/**
 * Self time (ms) of each function and of each file group, largest first,
 * the busy time (idle excluded) they are shares of, and the idle time.
 * With `window` ({ from, to } in µs of process.hrtime, the clock V8 stamps
 * samples with), only the samples taken in that span count.
 */
export function summariseProfile(file, root, window = undefined) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfMicros = new Map();
  let at = profile.startTime;
  profile.samples.forEach((id, index) => {
    const delta = profile.timeDeltas[index] ?? 0;
    at += delta;
    if (window && (at < window.from || at > window.to)) return;
    selfMicros.set(id, (selfMicros.get(id) ?? 0) + delta);
  });
  const functions = new Map();
  const groups = new Map();
  let total = 0;
  let idle = 0;
  for (const [id, micros] of selfMicros) {
    const { callFrame } = byId.get(id);
    if (callFrame.functionName === '(idle)') {
      idle += micros;
      continue;
    }
    total += micros;
    const group = fileGroup(callFrame.url, root);
    const name = `${callFrame.functionName || '(anonymous)'} ${group}:${callFrame.lineNumber + 1}`;
    functions.set(name, (functions.get(name) ?? 0) + micros);
    groups.set(group, (groups.get(group) ?? 0) + micros);
  }
  const sorted = (map) => [...map].sort((a, b) => b[1] - a[1]).map(([name, micros]) => ({ name, ms: micros / 1000 }));
  return { totalMs: total / 1000, idleMs: idle / 1000, functions: sorted(functions), groups: sorted(groups) };
}
