#!/usr/bin/env node
/**
 * The benchmark suite: backendts and its peers on the same workload, in the
 * same run, reported as ratios. `npm run bench` builds backendts first; run
 * `node bench/run.mjs --help` for the options that run a subset quickly.
 * With several `--node` versions (the default: Node 24 LTS, then the
 * machine's own), the whole suite runs once on each, in a process of that
 * version, and the results are written one section per version.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROOT } from './lib/contenders.mjs';
import { nodesToRun } from './lib/node-versions.mjs';
import { readOptions } from './lib/options.mjs';
import { renderBuild, renderDeploy, renderHeader, renderHttp, renderTargets, targetChecks } from './lib/report.mjs';

const options = readOptions(process.argv.slice(2));
const started = Date.now();
const markdown = options.nodes.length === 1 && options.nodes[0] === 'system' ? await runHere() : runOnEachNode();
process.stdout.write(`\n${markdown}`);
process.stderr.write(`\nbench: done in ${Math.round((Date.now() - started) / 1000)} s\n`);
if (options.out) {
  const file = path.resolve(ROOT, options.out);
  writeFileSync(file, markdown);
  process.stderr.write(`bench: wrote ${path.relative(process.cwd(), file) || file}\n`);
}

/** Every chosen suite in this process, on this Node; resolves to the results as Markdown. */
async function runHere() {
  let http;
  let build;
  let deploy;
  if (options.suites.includes('http')) {
    const { runHttpSuite } = await import('./http-suite.mjs');
    http = await runHttpSuite(options);
  }
  if (options.suites.includes('build')) {
    const { runBuildSuite } = await import('./build-suite.mjs');
    build = await runBuildSuite(options);
  }
  if (options.suites.includes('deploy')) {
    const { runDeploySuite } = await import('./deploy-suite.mjs');
    deploy = await runDeploySuite(options);
  }
  const sections = [renderHeader(options)];
  if (http) sections.push(renderHttp(http, options));
  if (build) sections.push(renderBuild(build));
  if (deploy) sections.push(renderDeploy(deploy, options));
  sections.push(renderTargets(targetChecks(http, build)));
  return sections.filter(Boolean).join('\n');
}

/** This script again on each chosen Node, one after another; their results, one section each. */
function runOnEachNode() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'backendts-bench-nodes-'));
  const script = fileURLToPath(import.meta.url);
  const sections = ['# Benchmark results', '', `One section per Node version, each a whole run in a process of that version: ${options.nodes.join(', ')}.`, ''];
  try {
    for (const [index, node] of nodesToRun(options.nodes).entries()) {
      process.stderr.write(`bench: on Node ${node.label}\n`);
      const out = path.join(dir, `${index}.md`);
      const run = spawnSync(node.binary, [script, ...withoutNodeAndOut(options.argv), '--node', 'system', '--out', out], {
        stdio: 'inherit',
        env: { ...process.env, BENCH_COMMAND: `node bench/run.mjs${options.argv.length ? ' ' + options.argv.join(' ') : ''}` },
      });
      if (run.status !== 0) throw new Error(`bench on Node ${node.version} failed (exit ${run.status ?? run.signal})`);
      sections.push(demoted(readFileSync(out, 'utf8'), `On Node ${node.label}`), '');
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return sections.join('\n');
}

/** The command line without `--node`, `--out` and `--no-save`, which the coordinator sets for each run. */
function withoutNodeAndOut(argv) {
  const kept = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--node' || arg === '--out') i++;
    else if (!arg.startsWith('--node=') && !arg.startsWith('--out=') && arg !== '--no-save') kept.push(arg);
  }
  return kept;
}

/** One run's Markdown under a `##` title: its own headings one level down. */
function demoted(markdown, title) {
  const [, ...rest] = markdown.split('\n');
  return [`## ${title}`, ...rest.map((line) => (line.startsWith('#') ? `#${line}` : line))].join('\n');
}
