#!/usr/bin/env node
/**
 * Names the JavaScript functions in a callgrind dump. Callgrind knows
 * V8's JIT-compiled code only by address (`0x…`, no object file); Node's
 * `--perf-basic-prof` (`bench/instructions.mjs --perf-map`) writes which
 * function each code address belongs to. This rewrites the dump with those
 * names, so that `callgrind_annotate` can list JavaScript functions:
 *
 *   node bench/lib/callgrind-js-names.mjs <callgrind.out> <perf.map> > named.out
 *   callgrind_annotate --inclusive=yes named.out
 *
 * An address the map gives to several functions (V8 reuses code space after
 * a GC) is named after the last of them: the code that ran after the warm-up.
 * The file of a JavaScript function becomes its script (from the name V8
 * logs), so `--auto` style totals by file are totals by module.
 */
import { readFileSync } from 'node:fs';

const [dumpFile, mapFile] = process.argv.slice(2);
if (dumpFile === undefined || mapFile === undefined) {
  console.error('usage: callgrind-js-names.mjs <callgrind.out> <perf.map>');
  process.exit(2);
}

/** The map's code ranges, sorted by start; later entries win where they overlap. */
const ranges = [];
for (const line of readFileSync(mapFile, 'utf8').split('\n')) {
  const match = /^([0-9a-f]+) ([0-9a-f]+) (.*)$/.exec(line);
  if (match) ranges.push({ start: BigInt(`0x${match[1]}`), end: BigInt(`0x${match[1]}`) + BigInt(`0x${match[2]}`), name: match[3], order: ranges.length });
}
ranges.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));

/** The latest-logged range holding `address`, by a binary search then a short scan back. */
function nameOf(address) {
  let low = 0;
  let high = ranges.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if (ranges[mid].start <= address) low = mid + 1;
    else high = mid - 1;
  }
  let best;
  for (let i = high; i >= 0 && i > high - 64; i--) {
    const range = ranges[i];
    if (range.start <= address && address < range.end && (best === undefined || range.order > best.order)) best = range;
  }
  return best?.name;
}

/** `JS:*handleRequest file:///…/handle-request.js:83:32` → the script, for the file column. */
function scriptOf(name) {
  const match = / (\S+?)(?::\d+){0,2}$/.exec(name);
  if (match === null) return name.startsWith('Builtin:') || name.startsWith('BytecodeHandler:') ? 'v8-builtins' : 'js-other';
  return match[1].replace(/^file:\/\//, '');
}

// Files and functions are compressed: `fn=(12) name` once, `fn=(12)` after.
// A JIT function gets a file of its own, so the rewritten dump names both.
const files = new Map();
let nextFile = 1_000_000;
const fileId = (script) => {
  let id = files.get(script);
  if (id === undefined) {
    id = nextFile++;
    files.set(script, id);
    return `(${id}) ${script}`;
  }
  return `(${id})`;
};
const jitFunctions = new Map();
const out = [];
// `fl=` holds until the next one: after a JIT function's own, the dump's is put back.
let dumpFileLine = undefined;
let overridden = false;
for (const line of readFileSync(dumpFile, 'utf8').split('\n')) {
  const fileLine = /^fl=\((\d+)\)/.exec(line);
  if (fileLine !== null) {
    dumpFileLine = `fl=(${fileLine[1]})`;
    overridden = false;
  }
  const match = /^(c?fn)=\((\d+)\)(?: (0x[0-9a-f]+)('\d+)?)?$/.exec(line);
  let jit;
  if (match !== null) {
    const [, , id, address] = match;
    jit = jitFunctions.get(id);
    if (address !== undefined) {
      const name = nameOf(BigInt(address));
      if (name !== undefined) {
        jit = { name, script: scriptOf(name) };
        jitFunctions.set(id, jit);
      }
    }
  }
  if (jit === undefined) {
    if (overridden && line.startsWith('fn=') && dumpFileLine !== undefined) {
      out.push(dumpFileLine);
      overridden = false;
    }
    out.push(line);
    continue;
  }
  const [, key, id, address, depth = ''] = match;
  // The file line must come before the function it belongs to.
  out.push(`${key === 'fn' ? 'fl' : 'cfl'}=${fileId(jit.script)}`);
  if (key === 'fn') overridden = true;
  out.push(address === undefined ? line : `${key}=(${id}) ${jit.name}${depth}`);
}
process.stdout.write(out.join('\n'));
