/**
 * Entry `backendts/codegen`: collects the active apps' Drizzle objects into
 * one schema and writes the generated files under `.backendts/`.
 */
export { collectSchema } from './collect.js';
export type { CollectSchemaOptions, CollectedEntry, CollectedSchema } from './collect.js';
export type { CollectedKind } from './kinds.js';
export { registerTypeScriptLoader } from './load-typescript.js';
