/**
 * Entry `backendts/codegen`: collects the active apps' Drizzle objects into
 * one schema and writes the generated files under `.backendts/`.
 */
export { collectSchema } from './collect.js';
export type { CollectSchemaOptions, CollectedEntry, CollectedSchema, ModuleLoading } from './collect.js';
export type { CollectedKind } from '../runtime/schema/drizzle-kinds.js';
export { generate } from './generate.js';
export type { GenerateOptions, GenerateResult, GeneratedFile, GeneratedFileStatus } from './generate.js';
export { watchProject } from './watch.js';
export type { CollectedEntrySummary, ProjectWatcher, WatchGeneration, WatchProjectOptions } from './watch.js';
export { drizzleKitConfig } from './drizzle-kit-config.js';
export type { DrizzleKitConfigOptions, ProjectDrizzleKitConfig } from './drizzle-kit-config.js';
