/**
 * The public entry of backendts (`import { Backendts, App, Routes, Success } from 'backendts'`).
 * Only what users need is exported here; internals stay in their modules.
 */

// The project instance, its lifecycle and serving.
export { Backendts } from './backendts.js';
export type { BackendtsOptions } from './backendts.js';
export type { LogFields, LogFn, Logger } from './logger.js';
export type { CloseOptions, ListenOptions, Listening, ListeningAddress } from './server.js';
export type { Context } from './context.js';
export { BUILTIN_EVENTS, Hooks } from './hooks.js';
export type { CustomEventArgs, EventArgs, EventArgsMap, EventHandler } from './hooks.js';
export { Request } from './request.js';
export type { Middleware } from './middlewares.js';
export { DEFAULT_ALLOWED_HOSTS } from './hosts.js';
export { DEFAULT_HEADERS_TIMEOUT, DEFAULT_MAX_BODY_SIZE, DEFAULT_REQUEST_TIMEOUT, DEFAULT_SHUTDOWN_TIMEOUT, parseSize, readNetworkingSettings } from './networking.js';
export type { NetworkingSettings } from './networking.js';

// Config and apps.
export { CONFIG_ENV_VAR, PROJECT_DIR_ENV_VAR, configFileName, configList, loadConfig, parseConfig } from './config.js';
export type { Config, ConfigSection, ConfigValue, LoadConfigOptions, LoadedConfig } from './config.js';
export { App, isApp } from './app.js';
export type { AppOptions, InitFunc } from './app.js';
export type { LoadedApp } from './project.js';

// Errors raised by the framework itself.
export { BackendtsError, formatError, isBackendtsError } from './errors.js';
export type { BackendtsErrorOptions } from './errors.js';

// Routes and routing.
export { Route, Routes, compilePath } from './routes.js';
export type { CleanedData, CompiledPath, DataHandler, Handler, PatternVar, RouteDbOptions, RouteOptions, RoutePath } from './routes.js';
export { Router } from './router.js';
export type { AppRoutes, RouteMatch, UrlVars } from './router.js';
export type { PathVars } from './path-vars.js';

// Responses and error responses.
export { File, HTML, JSONResponse, JSONResponse as JSON, Redirect, Response, Stream, Success, Text, contentTypeFor, writeResponse } from './responses.js';
export type {
  FileOptions,
  HeaderValue,
  ResponseBody,
  ResponseHeaders,
  ResponseOptions,
  StreamOptions,
  SuccessOptions,
  WriteResponseOptions,
} from './responses.js';
export { ErrorCode, ErrorList, ExceptionResponse, isExceptionResponse, predefinedErrors } from './error-list.js';
export { ErrorRegistry } from './error-registry.js';
export type { ExceptionResponseOptions, PredefinedErrorCode } from './error-list.js';
export type { AppErrors } from './error-registry.js';

// Request data: body, query, cookies, data handlers.
export { decodePath, parseCookies, parseQuery, readBody, splitUrl } from './body.js';
export type { QueryValues, ReadBodyOptions, SplitUrl } from './body.js';
export { collectInput, describeIssues, isStandardSchema, issuePath, validateData } from './data-handler.js';
export type { DataSources, InvalidDataDetails } from './data-handler.js';
export type { StandardSchemaV1 } from './standard-schema.js';
