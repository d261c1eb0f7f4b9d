/**
 * The throwaway PostgreSQL clusters, streaming replicas and PgBouncer of
 * tools/postgres/, the same code the tests use. It is TypeScript: tsx (a
 * dependency of backendts, which loads the bench project with it) loads it
 * here, on every Node the suite runs on.
 */
import { tsImport } from 'tsx/esm/api';

const tools = (file) => tsImport(`../../tools/postgres/${file}`, import.meta.url);

/** `startCluster(options)`: a fresh cluster, or with `{ replicaOf }` a `pg_basebackup -R` replica of one (tools/postgres/cluster.ts). */
export const { startCluster } = await tools('cluster.ts');
/** `startPgbouncer(options)` and where its program is, `PGBOUNCER` (undefined when not installed) (tools/postgres/pgbouncer.ts). */
export const { startPgbouncer, PGBOUNCER } = await tools('pgbouncer.ts');
