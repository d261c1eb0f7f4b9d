import { execFileSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { resolveDrizzleOrm } from '../../runtime/project/drizzle-orm-resolve.js';

const here = pathToFileURL(fileURLToPath(import.meta.url)).href;
const esm = { parentURL: here, conditions: ['node', 'import'] };

/** Calls the hook with a next resolver that records what it was left. */
function resolve(specifier: string, context: { parentURL?: string; conditions?: string[] }) {
  const left: string[] = [];
  const answer = resolveDrizzleOrm(specifier, context, (given) => {
    left.push(given);
    return { url: 'next:' };
  });
  return { answer, left };
}

describe('the drizzle-orm resolve hook', () => {
  it('answers drizzle-orm entry points with the ESM file and format', () => {
    const { answer, left } = resolve('drizzle-orm/pg-core', esm);
    expect(left).toEqual([]);
    expect(answer).toMatchObject({ format: 'module', shortCircuit: true });
    expect(answer.url).toMatch(/\/node_modules\/drizzle-orm\/pg-core\/index\.js$/);
  });

  it('answers relative imports between drizzle-orm files', () => {
    const parentURL = resolve('drizzle-orm/pg-core', esm).answer.url;
    const { answer } = resolve('../table.js', { ...esm, parentURL });
    expect(answer.url).toBe(new URL('../table.js', parentURL).href);
    expect(answer.format).toBe('module');
  });

  it('leaves to Node what it does not know: other packages, missing subpaths and files, require()', () => {
    const parentURL = resolve('drizzle-orm', esm).answer.url;
    expect(resolve('postgres', esm).left).toEqual(['postgres']);
    expect(resolve('drizzle-orm/no-such-entry', esm).left).toEqual(['drizzle-orm/no-such-entry']);
    expect(resolve('./no-such-file.js', { ...esm, parentURL }).left).toEqual(['./no-such-file.js']);
    expect(resolve('drizzle-orm', { parentURL: here, conditions: ['node', 'require'] }).left).toEqual(['drizzle-orm']);
  });

  it('gives the same answers as Node for everything drizzle-orm loads', () => {
    const child = fileURLToPath(new URL('./drizzle-orm-resolve-child.mjs', import.meta.url));
    const report = JSON.parse(execFileSync(process.execPath, [child], { encoding: 'utf8' })) as { checked: number; mismatches: unknown[] };
    expect(report.mismatches).toEqual([]);
    expect(report.checked).toBeGreaterThan(4);
  });
});
