/**
 * The `backendts` command's wiring, loaded by `cli/main.ts`. This file only
 * wires commands and options (cac) to the command modules in
 * `cli/commands/`; each command does its own work. A command's module is
 * imported when that command runs: a server started by `run` does not load
 * create_db's or codegen's modules.
 *
 * {@link runBackendts} runs one command line and resolves to its exit code
 * instead of exiting, with the folder and output streams it is given: the
 * command calls it with the process's own, and a caller in the same process
 * (a test) with its own folder and captured streams.
 */
import { cac } from 'cac';
import { createOutput, type Output, type OutputStream } from './output.js';
import { prepareProject, resolveProject, type GlobalOptions } from './prepare.js';
import { EXIT_ERROR, runCommand, usageError } from './run-command.js';
import { packageVersion } from './version.js';
import { closestName } from '../runtime/core/did-you-mean.js';

type Options = GlobalOptions & Record<string, unknown>;

/** Where a command line runs: its working folder and where it prints. */
export interface CliIo {
  /** The folder `--project` defaults to, and relative paths start from. */
  cwd: string;
  stdout: OutputStream;
  stderr: OutputStream;
}

/**
 * Runs `backendts <args>` (the arguments after the program's name) and
 * resolves to its exit code, or undefined for a command that keeps running
 * (a server, a watcher). Never calls process.exit.
 */
export async function runBackendts(args: readonly string[], io: CliIo): Promise<number | undefined> {
  // cac reads `--no-rename` as `--rename false`, which would drop the renames given with it: it is taken out first.
  const noRename = args.includes('makemigrations') && args.includes('--no-rename');
  const argv = ['node', 'backendts', ...(noRename ? args.filter((arg) => arg !== '--no-rename') : args)];
  const cli = defineCommands(io, noRename);
  let exitCode: number | undefined;
  try {
    const parsed = cli.parse(argv, { run: false });
    if (parsed.options.help || parsed.options.version) return 0;
    if (!cli.matchedCommand) {
      const name = parsed.args[0];
      if (name === undefined) {
        cli.outputHelp();
        exitCode = EXIT_ERROR;
      } else {
        const known = cli.commands.map((command) => command.name);
        const names = cli.commands.flatMap((command) => [command.name, ...command.aliasNames]);
        throw usageError(`unknown command "${name}" (commands: ${known.join(', ')})`, undefined, closestName(String(name), names));
      }
    } else {
      exitCode = await (cli.runMatchedCommand() as Promise<number | undefined>);
    }
  } catch (error) {
    const command = cli.matchedCommand?.name;
    const message = error instanceof Error ? error.message.replace(/`/g, '') : String(error);
    exitCode = (await runCommand(async () => {
      throw (error as { code?: string }).code === 'BT_CLI_USAGE' ? error : usageError(message, command, closestFlag(cli, message));
    }, false, io.stderr)) ?? EXIT_ERROR;
  }
  return exitCode;
}

/** A new cac instance with every command, printing to `io`'s streams. */
function defineCommands(io: CliIo, noRename: boolean): ReturnType<typeof cac> {
  const cli = cac('backendts');
  const output = (options: { verbose?: boolean } = {}): Output => createOutput({ ...options, stdout: io.stdout, stderr: io.stderr });
  const prepare = (options: Options) => prepareProject(options, io.cwd);
  const resolve = (options: Options) => resolveProject(options, io.cwd);

  /** Wraps a command body so that its result or error becomes the exit code (what cac's runMatchedCommand returns). */
  const action = (body: (options: Options) => Promise<number | void>) =>
    (...args: unknown[]): Promise<number | undefined> => {
      const options = args.at(-1) as Options;
      return runCommand(() => body(options), Boolean(options.debug), io.stderr);
    };

  cli
    .option('--project <dir>', 'Project folder holding config.ini (default: the current folder)')
    .option('--env <name>', 'Read config.<name>.ini instead of config.ini (sets BACKENDTS_ENV)')
    .option('--debug', 'Print stack traces with errors');

  cli
    .command('codegen', 'Collect the active apps\' models into .backendts/ (schema, types, drizzle-kit config)')
    .option('--check', 'Change nothing; exit 1 naming the stale files when they are out of date')
    .option('--watch', 'Regenerate whenever a model module or config.ini changes')
    .action(action(async (options) =>
      (await import('./commands/codegen.js')).codegen(await prepare(options), { check: Boolean(options.check), watch: Boolean(options.watch) }, output())));

  cli
    .command('create_db', 'Create the database if missing and push the collected schema to it')
    .alias('create-db')
    .option('--force', 'Also apply changes that lose data (dropped tables or columns, type changes)')
    .option('--dry-run', 'Print the planned SQL and change nothing')
    .option('--verbose', 'Print how the models were loaded and each SQL statement as it is applied')
    .action(action(async (options) => {
      const { createDb } = await import('./commands/create-db.js');
      return createDb(await prepare(options), { force: Boolean(options.force), dryRun: Boolean(options.dryRun) },
        output({ verbose: Boolean(options.verbose) }));
    }));

  cli
    .command('makemigrations', 'Write the next migration: the models\' changes since the last migration, as SQL (no database needed)')
    .option('--name <name>', 'Name of the migration (default: initial, then auto_<date>_<time>)')
    .option('--rename <from=to>', 'Settle a possible rename (repeatable): users.name=users.full_name, or old_table=new_table; --no-rename: drop and add')
    .option('--check', 'Write nothing; exit 1 naming the changes no migration holds')
    .action(action(async (options) => {
      await (await import('./create-db/plan.js')).preloadDrizzleKit();
      const renames = (await import('./migrations/renames.js')).parseRenames(options.rename);
      const { makeMigrations } = await import('./commands/makemigrations.js');
      return makeMigrations(await prepare(options), { name: options.name as string | undefined, renames, noRename, check: Boolean(options.check) },
        output());
    }));

  cli
    .command('migrate', 'Apply the pending migrations in order, each in its own transaction')
    .option('--dry-run', 'Print the SQL of the pending migrations and change nothing')
    .option('--to <name>', 'Stop after this migration (0003 or 0003_add_tags)')
    .option('--verbose', 'Print each SQL statement as it is applied')
    .action(action(async (options) => {
      await (await import('./create-db/plan.js')).preloadDrizzleKit();
      const { migrate } = await import('./commands/migrate.js');
      return migrate(await prepare(options), { dryRun: Boolean(options.dryRun), to: options.to === undefined ? undefined : String(options.to) },
        output({ verbose: Boolean(options.verbose) }));
    }));

  cli
    .command('showmigrations', 'List the migrations: applied (with dates) and pending')
    .action(action(async (options) => (await import('./commands/showmigrations.js')).showMigrations(await prepare(options), output())));

  cli
    .command('run', 'Start the server of the project')
    .option('--host <host>', 'Address to listen on (default: [networking] host, else 127.0.0.1)')
    .option('--port <port>', 'Port to listen on (default: [networking] port, else 8000)')
    .option('--workers <n>', 'Number of processes serving the same port (node:cluster)')
    .option('--watch', 'Restart on a change to the project\'s modules or config (codegen, and the embedded database\'s additive changes, included)')
    .action(action(async (options) =>
      (await import('./commands/run.js')).run(
        await prepare(options),
        { host: options.host, port: options.port, workers: options.workers, watch: Boolean(options.watch), debug: Boolean(options.debug) },
        output(),
      )));

  cli
    .command('create_project', 'Create a new project: main.ts, config.ini, one app')
    .alias('create-project')
    .option('--name <name>', 'Name of the project (its folder and package name)')
    .option('--full', 'Also add examples of hooks, error codes, a data handler and an init function')
    .action(action(async (options) =>
      (await import('./commands/create-project.js')).createProject(resolve(options), { name: options.name, full: Boolean(options.full), projectGiven: options.project !== undefined },
        output())));

  cli
    .command('create_app', 'Add an app to the project (apps/<name>) and activate it in config.ini')
    .alias('create-app')
    .option('--name <name>', 'Name of the app (its folder)')
    .option('--full', 'Also add examples of hooks, error codes, a data handler and an init function')
    .action(action(async (options) =>
      (await import('./commands/create-app.js')).createApp(resolve(options), { name: options.name, full: Boolean(options.full) }, output())));

  cli
    .command('init_project', 'Run each active app\'s initFunc in order, with the database reachable')
    .alias('init-project')
    .option('--set <key=value>', 'A value for the init functions (repeatable); read as config.init.<key>')
    .action(action(async (options) => (await import('./commands/init-project.js')).initProject(await prepare(options), { set: options.set }, output())));

  cli.help();
  cli.version(packageVersion());
  return cli;
}

/** The flag closest to the one cac calls unknown (`Unknown option --prot`), among the matched command's and the global ones. */
function closestFlag(cli: ReturnType<typeof cac>, message: string): string | undefined {
  const unknown = /Unknown option (-{1,2}[^\s]+)/.exec(message)?.[1];
  if (unknown === undefined) return undefined;
  return closestName(unknown, flagsOf([...(cli.matchedCommand?.options ?? []), ...cli.globalCommand.options]));
}

/** The long flags (`--port`) of cac options. */
function flagsOf(options: readonly { rawName: string }[]): string[] {
  return options.flatMap((option) => option.rawName.match(/--[\w-]+/g) ?? []);
}

/** A command as declared here: its name, aliases and long flags. */
export interface CommandDefinition {
  name: string;
  aliases: string[];
  flags: string[];
}

/** Every command and the flags every command takes (`--project`, `--help`...), as this file declares them. */
export function commandDefinitions(): { commands: CommandDefinition[]; globalFlags: string[] } {
  const quiet: OutputStream = { write: () => true };
  const cli = defineCommands({ cwd: process.cwd(), stdout: quiet, stderr: quiet }, false);
  const commands = cli.commands.map((command) => ({
    name: command.name,
    aliases: [...command.aliasNames],
    // runBackendts takes --no-rename out before cac sees it.
    flags: [...flagsOf(command.options), ...(command.name === 'makemigrations' ? ['--no-rename'] : [])],
  }));
  return { commands, globalFlags: flagsOf(cli.globalCommand.options) };
}
