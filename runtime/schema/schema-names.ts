/**
 * Gives every collected object its unique name in the generated schema and
 * refuses SQL names that would clash in the database.
 */
import { BackendtsError } from '../core/errors.js';
import { sqlNamespace, type CollectedKind } from './drizzle-kinds.js';

/** An exported Drizzle object before it gets its unique name. */
export interface NamedObject {
  app: string;
  /** The file for messages (project-relative when inside the project). */
  displayFile: string;
  exportName: string;
  kind: CollectedKind;
  sqlName?: string;
  sqlSchema?: string;
}

/** Turns an app name into an identifier prefix (`my-app` → `my_app`). */
export function identifierPrefix(appName: string): string {
  const cleaned = appName.replace(/[^A-Za-z0-9_$]/g, '_');
  return /^[0-9]/.test(cleaned) ? `_${cleaned}` : cleaned;
}

/**
 * The unique name of each object, in the same order: its export name, or
 * `<app>_<export>` when two apps export the same name. Fails when one app
 * exports one name from two modules, or when a prefixed name meets another.
 */
export function uniqueNames(objects: readonly NamedObject[]): string[] {
  const appsByExport = new Map<string, Map<string, NamedObject>>();
  for (const object of objects) {
    let byApp = appsByExport.get(object.exportName);
    if (!byApp) appsByExport.set(object.exportName, (byApp = new Map()));
    const earlier = byApp.get(object.app);
    if (earlier) {
      throw new BackendtsError(
        'BT_EXPORT_NAME_CLASH',
        `app "${object.app}" exports two different objects named "${object.exportName}": from ${earlier.displayFile} and ${object.displayFile}`,
        { hint: 'rename one of the exports; names must be unique within an app' },
      );
    }
    byApp.set(object.app, object);
  }
  const names = objects.map((object) =>
    appsByExport.get(object.exportName)!.size > 1 ? `${identifierPrefix(object.app)}_${object.exportName}` : object.exportName,
  );
  const seen = new Map<string, NamedObject>();
  names.forEach((name, index) => {
    const object = objects[index]!;
    const earlier = seen.get(name);
    if (earlier) {
      throw new BackendtsError(
        'BT_EXPORT_NAME_CLASH',
        `the schema name "${name}" is taken twice: app "${earlier.app}" export "${earlier.exportName}" (${earlier.displayFile}) ` +
          `and app "${object.app}" export "${object.exportName}" (${object.displayFile})`,
        { hint: `rename one of these exports; an app prefix is added only where two apps export the same name` },
      );
    }
    seen.set(name, object);
  });
  return names;
}

const KIND_WORDS: Record<CollectedKind, string> = {
  table: 'table',
  enum: 'enum',
  relations: 'relations',
  view: 'view',
  materializedView: 'materialized view',
  sequence: 'sequence',
  schema: 'schema',
  role: 'role',
  policy: 'policy',
};

/**
 * Fails when two objects would take the same name in the same PostgreSQL
 * namespace and schema: two apps defining one table, or one app defining
 * it twice.
 */
export function checkSqlNames(objects: readonly NamedObject[]): void {
  const taken = new Map<string, NamedObject>();
  for (const object of objects) {
    const namespace = sqlNamespace(object.kind);
    if (namespace === undefined || object.sqlName === undefined) continue;
    const qualified = object.sqlSchema === undefined ? object.sqlName : `${object.sqlSchema}.${object.sqlName}`;
    const key = `${namespace}:${qualified}`;
    const earlier = taken.get(key);
    if (!earlier) {
      taken.set(key, object);
      continue;
    }
    const what = `${KIND_WORDS[object.kind]} "${qualified}"`;
    const where = (o: NamedObject) => `${o.displayFile} (export ${o.exportName}, a ${KIND_WORDS[o.kind]})`;
    const bothTables = object.kind === 'table' && earlier.kind === 'table';
    if (earlier.app === object.app) {
      throw new BackendtsError(
        bothTables ? 'BT_DUPLICATE_TABLE_IN_APP' : 'BT_DUPLICATE_SQL_NAME',
        `app "${object.app}" defines ${what} twice: in ${where(earlier)} and in ${where(object)}`,
        { hint: 'give each its own SQL name, or define it once and import it where it is needed' },
      );
    }
    throw new BackendtsError(
      bothTables ? 'BT_DUPLICATE_TABLE' : 'BT_DUPLICATE_SQL_NAME',
      `${what} is defined by two apps: app "${earlier.app}" in ${where(earlier)} and app "${object.app}" in ${where(object)}`,
      { hint: "each SQL name belongs to one app: rename one, or import the other app's object instead of defining it again" },
    );
  }
}
