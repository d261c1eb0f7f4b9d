/**
 * The public entry of backendts (`import { Backendts, App, Routes, Success } from 'backendts'`).
 * Only what users write code with is exported here, and the types those
 * names' signatures mention; internals stay in their modules.
 */

// The project instance, its lifecycle and serving.
export { Backendts } from './backendts.js';
export type { BackendtsOptions, Logger } from './backendts.js';
export type { CloseOptions, ListenOptions, Listening, ListeningAddress } from './server.js';
export type { Context } from './context.js';
export { Hooks } from './hooks.js';
export type { CustomEventArgs, EventArgs, EventArgsMap, EventHandler } from './hooks.js';
export { Request } from './request.js';
export type { Middleware } from './middlewares.js';
export type { NetworkingSettings } from './networking.js';

// Config and apps.
export { loadConfig, parseConfig } from './config.js';
export type { Config, ConfigSection, ConfigValue, LoadConfigOptions, LoadedConfig } from './config.js';
export { App } from './app.js';
export type { AppOptions, InitFunc } from './app.js';
export type { LoadedApp } from './project.js';

// Errors raised by the framework itself.
export { BackendtsError, isBackendtsError } from './errors.js';
export type { BackendtsErrorOptions } from './errors.js';

// Routes.
export { Route, Routes } from './routes.js';
export type { CleanedData, CompiledPath, DataHandler, Handler, PatternVar, RouteDbOptions, RouteOptions, RoutePath } from './routes.js';
export type { UrlVars } from './router.js';
export type { PathVars } from './path-vars.js';

// Responses and error responses.
export { FileResponse, HtmlResponse, HttpResponse, JsonResponse, RedirectResponse, StreamResponse, Success, TextResponse } from './responses.js';
export type {
  FileResponseOptions,
  HeaderValue,
  ResponseBody,
  ResponseHeaders,
  ResponseOptions,
  StreamResponseOptions,
  SuccessOptions,
} from './responses.js';
export { ErrorCode, ErrorList, ExceptionResponse, isExceptionResponse } from './error-list.js';
export type { ExceptionResponseOptions, PredefinedErrorCode } from './error-list.js';

// Request data.
export type { QueryValues } from './body.js';
export type { InvalidDataDetails } from './data-handler.js';
export type { StandardSchemaV1 } from './standard-schema.js';
