/**
 * Files of a new project (`create_project`): package.json, tsconfig.json,
 * config.ini with the embedded database, the main module, and a first app.
 */
import { appFiles, type Files } from './app.js';

/** Name of the app every new project starts with. */
export const FIRST_APP = 'hello';

/** Versions written into the new project's package.json. */
export interface ProjectVersions {
  backendts: string;
  drizzleOrm: string;
  typescript: string;
  typesNode: string;
}

/** The files of a project named `name` (paths relative to the project folder). */
export function projectFiles(name: string, full: boolean, versions: ProjectVersions): Files {
  const files: Files = {
    'package.json': packageJson(name, versions),
    'tsconfig.json': TSCONFIG,
    '.gitignore': 'node_modules/\n.backendts/\n',
    'config.ini': configIni(full),
    'main.ts': full ? FULL_MAIN : MAIN,
  };
  for (const [file, content] of Object.entries(appFiles(FIRST_APP, full))) {
    files[`apps/${FIRST_APP}/${file}`] = content;
  }
  return files;
}

function packageJson(name: string, versions: ProjectVersions): string {
  const manifest = {
    name,
    version: '0.1.0',
    private: true,
    type: 'module',
    scripts: {
      codegen: 'backendts codegen',
      create_db: 'backendts create_db',
      init_project: 'backendts init_project',
      start: 'backendts run',
      typecheck: 'tsc --noEmit',
    },
    dependencies: {
      backendts: versions.backendts,
      'drizzle-orm': versions.drizzleOrm,
    },
    devDependencies: {
      '@types/node': versions.typesNode,
      typescript: versions.typescript,
    },
  };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

const TSCONFIG = `${JSON.stringify(
  {
    compilerOptions: {
      target: 'ES2023',
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      lib: ['ES2023'],
      types: ['node'],
      strict: true,
      noUncheckedIndexedAccess: true,
      verbatimModuleSyntax: true,
      skipLibCheck: true,
      noEmit: true,
    },
    // .backendts/ holds the generated schema and the types of db_session().
    include: ['**/*.ts', '.backendts/**/*.ts'],
    exclude: ['node_modules'],
  },
  null,
  2,
)}\n`;

function configIni(full: boolean): string {
  const init = full
    ? `
; Values for the apps' init functions (backendts init_project). A key left
; empty is asked for at the terminal, or given with --set key=value.
[init]
${FIRST_APP}_first_item = Hello from init_project
`
    : '';
  return `; Project settings. BACKENDTS_ENV=<name> (or --env <name>) reads config.<name>.ini instead.

[networking]
host = 127.0.0.1
port = 8000
allowed_hosts = *

[apps]
active =
    apps/${FIRST_APP}

; While no host (or url) is set, the project uses the embedded database
; (PGlite, stored in .backendts/db), so it runs with no server. To use a
; PostgreSQL server instead, uncomment and fill in:
[database]
; host = localhost
; port = 5432
; name = your_db_name
; username = your_db_user
; password = your_db_password
${init}`;
}

const MAIN = `/**
 * The project's main module: \`backendts run\` imports it and serves \`bp\`.
 * config.ini beside it lists the active apps and the database.
 */
import { Backendts } from 'backendts';
import { setDatabaseHooks } from 'backendts/db';

/** The project instance. */
export const bp = new Backendts({ projectDir: import.meta.dirname });

// Opens the database on startup, gives each request its own lazily-opened
// transaction (commit on success, rollback on error) and closes on shutdown.
setDatabaseHooks(bp);
`;

const FULL_MAIN = `${MAIN}
bp.event('startup', () => {
  console.log('project started');
});

bp.event('shutdown', () => {
  console.log('project stopped');
});
`;

