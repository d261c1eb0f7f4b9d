/**
 * The project instance: `export const bp = new Backendts({ projectDir: import.meta.dirname })`
 * in the project's main module. It reads config.ini when made, loads the
 * active apps once (`init`), runs the lifecycle events, and serves requests
 * (`listen`, or `handler` inside another node:http server).
 */
import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import path from 'node:path';
import { CONFIG_ENV_VAR, configFileName, defaultProjectDir, loadConfig, type Config } from './project/config.js';
import { createContext, type Context } from './core/context.js';
import { CurrentRequest } from './http/current-request.js';
import { ErrorRegistry } from './core/error-registry.js';
import { BackendtsError } from './core/errors.js';
import { handleRequest, refuseRequest, type Runtime } from './http/handle-request.js';
import { HookRunner, runAll, type EventArgs, type EventHandler } from './core/hooks.js';
import { createHostCheck } from './http/hosts.js';
import { buildMiddlewareChain, type Middleware } from './core/middlewares.js';
import { loadConfiguredMiddlewares } from './project/load-middlewares.js';
import { readLogParameters } from './db/settings.js';
import { readNetworkingSettings, type NetworkingSettings } from './project/networking.js';
import { consoleLogger, redactingLogger, type Logger } from './core/logger.js';
import { checkConfigSections } from './project/settings-table.js';
import { loadApps, type LoadedApp } from './project/apps.js';
import type { Request } from './core/request.js';
import { RequestIds } from './core/request-id.js';
import { Router } from './core/router.js';
import { healthRoutes } from './http/health.js';
import {
  InFlightRequests,
  installSignalHandlers,
  startServer,
  stopServer,
  type CloseOptions,
  type ListenOptions,
  type Listening,
} from './http/server.js';

/** Options of {@link Backendts}. */
export interface BackendtsOptions {
  /**
   * The project folder, holding config.ini and the apps. Defaults to
   * `BACKENDTS_PROJECT_DIR` (set by the CLI), then the current folder.
   */
  projectDir?: string;
  /** Selects `config.<env>.ini`; defaults to `BACKENDTS_ENV`. */
  env?: string;
  /** The config to use instead of reading a file (tests, embedding). */
  config?: Config;
  /** Where errors, progress and the access log go; defaults to the console. A pino logger fits as it is. */
  logger?: Logger;
}

/** The project instance (Backendpy's `Backendpy`). */
export class Backendts {
  /** The project folder. */
  readonly projectDir: string;
  /** The parsed config; unknown sections are kept for apps (`bp.config.accounts`). */
  readonly config: Config;
  /** The config file read (named in error messages). */
  readonly configFile: string;
  /** `[networking]`, checked, with defaults filled in. */
  readonly networking: NetworkingSettings;
  /** Shared resources (`bp.context.db_engine`…); typed by declaration merging on {@link Context}. */
  readonly context: Context;
  /** Where the runtime logs. */
  readonly logger: Logger;
  /** A node:http request listener serving this project; the first request waits for {@link start}. */
  readonly handler: RequestListener;
  /** The environment name that selected `config.<env>.ini` (`undefined`: config.ini). */
  readonly env: string | undefined;

  readonly #hooks = new HookRunner();
  readonly #current = new CurrentRequest();
  readonly #inFlight = new InFlightRequests();
  readonly #ownMiddlewares: Middleware[] = [];
  #apps: readonly LoadedApp[] | undefined;
  #runtime: Runtime | undefined;
  #initializing: Promise<Runtime> | undefined;
  #starting: Promise<Runtime> | undefined;
  #started = false;
  #closing: Promise<void> | undefined;
  #server: Server | undefined;
  #removeSignalHandlers: (() => void) | undefined;

  constructor(options: BackendtsOptions = {}) {
    this.projectDir = path.resolve(options.projectDir ?? defaultProjectDir());
    this.context = createContext(this.projectDir);
    this.env = options.env ?? (process.env[CONFIG_ENV_VAR] || undefined);
    if (options.config !== undefined) {
      this.config = options.config;
      this.configFile = path.join(this.projectDir, configFileName(this.env) + ' (given in code)');
      checkConfigSections(this.config, this.configFile);
    } else {
      const loaded = loadConfig(this.projectDir, { env: this.env });
      this.config = loaded.config;
      this.configFile = loaded.file;
    }
    this.networking = readNetworkingSettings(this.config, this.configFile);
    const logger = options.logger ?? consoleLogger;
    this.logger = readLogParameters(this.config, this.configFile) ? logger : redactingLogger(logger);
    this.handler = (req, res) => this.#handle(req, res);
  }

  /** The active apps, in config order; available once {@link init} has run. */
  get apps(): readonly LoadedApp[] {
    if (this.#apps === undefined) {
      throw new BackendtsError('BT_NOT_INITIALIZED', 'bp.apps was read before the apps were loaded', {
        hint: 'await bp.init() (or bp.start(), bp.listen()) first',
      });
    }
    return this.#apps;
  }

  /**
   * Registers a handler for an event (built-in or custom). The instance's own
   * handlers run before the apps' hooks, in registration order.
   */
  event<N extends string>(name: N, fn: EventHandler<EventArgs<N>>): this {
    this.#hooks.add(name, fn as EventHandler);
    return this;
  }

  /** Runs every handler of `name` in order with `args`; the first failure stops the rest and rejects. */
  executeEvent<N extends string>(name: N, ...args: {} extends EventArgs<N> ? [args?: EventArgs<N>] : [args: EventArgs<N>]): Promise<void> {
    return this.#hooks.run(name, args[0] ?? {});
  }

  /** Attaches a middleware in code; it runs after those of `[middlewares] active`, before the apps'. */
  use(middleware: Middleware): this {
    if (this.#runtime !== undefined || this.#initializing !== undefined) {
      throw new BackendtsError('BT_MIDDLEWARE_LATE', 'bp.use() was called after the apps were loaded', {
        hint: 'attach middlewares in the main module, before init(), start() or listen()',
      });
    }
    this.#ownMiddlewares.push(middleware);
    return this;
  }

  /** The request being handled (through AsyncLocalStorage); fails with `BT_NO_REQUEST` outside a request. */
  getCurrentRequest(): Request {
    return this.#current.get();
  }

  /**
   * Loads the active apps (once) and merges their routes, hooks, error codes
   * and middlewares. Fails naming the app, file or setting at fault.
   */
  async init(): Promise<void> {
    await this.#init();
  }

  /** Runs {@link init}, then the `startup` event (once). Requests wait for this. */
  async start(): Promise<void> {
    await this.#start();
  }

  /**
   * Starts the project and serves it over node:http. `startup` runs before
   * the port is opened; when it fails, the promise rejects and nothing is
   * listening. `listening` runs once the port is open, with its address.
   */
  async listen(options: ListenOptions = {}): Promise<Listening> {
    if (this.#server !== undefined) {
      throw new BackendtsError('BT_ALREADY_LISTENING', `${this.projectDir} is already being served`, {
        hint: 'call listen() once per instance; close() it first to listen again',
      });
    }
    if (this.#closing !== undefined) {
      throw new BackendtsError('BT_CLOSED', `${this.projectDir}: listen() was called after close()`, {
        hint: 'make a new Backendts instance to serve again',
      });
    }
    await this.#start();
    if (this.#closing !== undefined) {
      throw new BackendtsError('BT_CLOSED', `${this.projectDir}: close() was called while the project was starting`, {
        hint: 'make a new Backendts instance to serve again',
      });
    }
    const host = options.host ?? this.networking.host;
    const port = options.port ?? this.networking.port;
    let started: Awaited<ReturnType<typeof startServer>>;
    try {
      started = await startServer(this.handler, host, port, this.networking);
    } catch (error) {
      // Startup ran: give its resources back before reporting.
      await this.close();
      throw error;
    }
    this.#server = started.server;
    // The server is up: a failing handler cannot undo that, so it is logged and serving goes on.
    await this.#hooks.run('listening', { bp: this, ...started.address }).catch((error: unknown) => {
      this.logger.error({ err: error }, `${this.projectDir}: a "listening" handler failed (the server is serving)`);
    });
    if (options.signals !== false) {
      this.#removeSignalHandlers = installSignalHandlers((signal) => {
        this.logger.info(`${signal} received: closing (in-flight requests may finish)`);
        this.close().then(
          () => process.exit(0),
          (error: unknown) => {
            this.logger.error({ err: error }, 'shutdown failed');
            process.exit(1);
          },
        );
      });
    }
    return { server: started.server, ...started.address };
  }

  /**
   * Closes gracefully: stops accepting connections, waits for in-flight
   * requests (up to `timeout`), then runs the `shutdown` event if `startup`
   * ran. Calling it again returns the same promise. Rejects with the first
   * `shutdown` handler's error after every handler has run.
   */
  close(options: CloseOptions = {}): Promise<void> {
    this.#closing ??= this.#close(options.timeout ?? this.networking.shutdownTimeout);
    return this.#closing;
  }

  async #close(timeout: number): Promise<void> {
    this.#removeSignalHandlers?.();
    this.#removeSignalHandlers = undefined;
    // A start in progress finishes first, so its shutdown is not skipped.
    await this.#starting?.catch(() => undefined);
    const server = this.#server;
    const drained = server ? await stopServer(server, this.#inFlight, timeout) : await this.#inFlight.idle(timeout);
    if (!drained) {
      this.logger.warn(`closed with ${this.#inFlight.count} request(s) still running after ${timeout} ms`);
    }
    if (!this.#started) return;
    const errors = await runAll(this.#hooks.list('shutdown'), { bp: this });
    for (const error of errors) this.logger.error({ err: error }, 'a shutdown hook failed');
    if (errors.length > 0) throw errors[0];
  }

  #init(): Promise<Runtime> {
    if (this.#runtime !== undefined) return Promise.resolve(this.#runtime);
    this.#initializing ??= this.#build().then(
      (runtime) => {
        this.#runtime = runtime;
        return runtime;
      },
      (error: unknown) => {
        this.#initializing = undefined;
        throw error;
      },
    );
    return this.#initializing;
  }

  async #build(): Promise<Runtime> {
    const apps = await loadApps(this.projectDir, this.config, this.configFile);
    const health = this.networking.health;
    const router = Router.fromApps([
      // Named after the setting, so a clash with an app's route says where these come from.
      ...(health === undefined ? [] : [{ name: '[networking] health', app: { routes: healthRoutes(this, health, this.networking.healthTimeout) } }]),
      ...apps,
    ]);
    const errors = new ErrorRegistry(apps.map((loaded) => ({ app: loaded.name, errors: loaded.app.errors })));
    const configured = await loadConfiguredMiddlewares(this.projectDir, this.config, this.configFile);
    const middlewares = buildMiddlewareChain([...configured, ...this.#ownMiddlewares, ...apps.flatMap((loaded) => loaded.app.middlewares)]);
    this.#hooks.setApps(apps.flatMap((loaded) => loaded.app.hooks));
    this.#apps = apps;
    return {
      bp: this,
      router,
      errors,
      hooks: this.#hooks,
      middlewares,
      hostCheck: createHostCheck(this.networking.allowedHosts),
      maxBodySize: this.networking.maxBodySize,
      logger: this.logger,
      accessLog: this.networking.accessLog,
      requestIds: new RequestIds(),
      current: this.#current,
      inFlight: this.#inFlight,
      closing: () => this.#closing !== undefined,
    };
  }

  #start(): Promise<Runtime> {
    this.#starting ??= (async () => {
      const runtime = await this.#init();
      await this.#hooks.run('startup', { bp: this });
      this.#started = true;
      return runtime;
    })().catch((error: unknown) => {
      // A failed start may be retried (after fixing what failed).
      this.#starting = undefined;
      throw error;
    });
    return this.#starting;
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    if (this.#closing !== undefined && this.#server === undefined) {
      // Serving through another server after close(): refuse rather than touch closed resources.
      refuseRequest(res, 503);
      return;
    }
    const runtime = this.#started ? this.#runtime : undefined;
    if (runtime !== undefined) {
      void handleRequest(runtime, req, res);
      return;
    }
    this.#start().then(
      (ready) => handleRequest(ready, req, res),
      (error: unknown) => {
        this.logger.error({ err: error }, `${this.projectDir}: the project failed to start, so a request got 500`);
        refuseRequest(res, 500);
      },
    );
  }
}
