/**
 * The public entry of backendts (`import { Backendts, App, Routes, Success } from 'backendts'`).
 * Only what users write code with is exported here, and the types those
 * names' signatures mention; internals stay in their modules.
 */

// The project instance, its lifecycle and serving.
export { Backendts } from './backendts.js';
export type { BackendtsOptions } from './backendts.js';
export type { LogFields, LogFn, Logger } from './core/logger.js';
export type { CloseOptions, ListenOptions, Listening } from './http/server.js';
export type { Context } from './core/context.js';
export { Hooks } from './core/hooks.js';
export type { CustomEventArgs, EventArgs, EventArgsMap, EventHandler, ListeningAddress } from './core/hooks.js';
export { Request } from './core/request.js';
export type { Middleware } from './core/middlewares.js';
export type { NetworkingSettings } from './project/networking.js';

// Config and apps.
export { loadConfig, parseConfig } from './project/config.js';
export type { Config, ConfigSection, ConfigValue, LoadConfigOptions, LoadedConfig } from './project/config.js';
export { App } from './core/app.js';
export type { AppOptions, InitFunc } from './core/app.js';
export type { LoadedApp } from './project/apps.js';

// Errors raised by the framework itself.
export { BackendtsError, isBackendtsError } from './core/errors.js';
export type { BackendtsErrorOptions } from './core/errors.js';

// Routes.
export { Route, Routes } from './core/routes.js';
export type { CleanedData, CompiledPath, DataHandler, Handler, PatternVar, RouteDbOptions, RouteOptions, RoutePath } from './core/routes.js';
export type { UrlVars } from './core/router.js';
export type { PathVars } from './core/path-vars.js';

// Responses and error responses.
export { FileResponse, HtmlResponse, HttpResponse, JsonResponse, RedirectResponse, StreamResponse, Success, TextResponse } from './core/responses.js';
export type {
  FileResponseOptions,
  HeaderValue,
  ResponseBody,
  ResponseHeaders,
  ResponseOptions,
  StreamResponseOptions,
  SuccessOptions,
} from './core/responses.js';
export { ErrorCode, ErrorList, ExceptionResponse, isExceptionResponse } from './core/error-list.js';
export type { ExceptionResponseOptions, PredefinedErrorCode } from './core/error-list.js';

// Request data.
export type { QueryValues } from './core/url.js';
export type { InvalidDataDetails } from './core/data-handler.js';
export type { StandardSchemaV1 } from './core/standard-schema.js';
