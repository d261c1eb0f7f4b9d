#!/usr/bin/env node
/**
 * The benchmark suite: backendts and its peers on the same workload, in the
 * same run, reported as ratios. `npm run bench` builds backendts first; run
 * `node bench/run.mjs --help` for the options that run a subset quickly.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './lib/contenders.mjs';
import { readOptions } from './lib/options.mjs';
import { renderBuild, renderHeader, renderHttp, renderTargets, targetChecks } from './lib/report.mjs';

const options = readOptions(process.argv.slice(2));
const started = Date.now();
let http;
let build;
if (options.suites.includes('http')) {
  const { runHttpSuite } = await import('./http-suite.mjs');
  http = await runHttpSuite(options);
}
if (options.suites.includes('build')) {
  const { runBuildSuite } = await import('./build-suite.mjs');
  build = await runBuildSuite(options);
}

const sections = [renderHeader(options)];
if (http) sections.push(renderHttp(http, options));
if (build) sections.push(renderBuild(build));
sections.push(renderTargets(targetChecks(http, build)));
const markdown = sections.filter(Boolean).join('\n');
process.stdout.write(`\n${markdown}`);
process.stderr.write(`\nbench: done in ${Math.round((Date.now() - started) / 1000)} s\n`);
if (options.out) {
  const file = path.resolve(ROOT, options.out);
  writeFileSync(file, markdown);
  process.stderr.write(`bench: wrote ${path.relative(process.cwd(), file) || file}\n`);
}
