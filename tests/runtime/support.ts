/** Helpers for the runtime tests: fixture projects served on an ephemeral port, and raw HTTP requests. */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Backendts, type BackendtsOptions, type Logger } from '../../runtime/index.js';
import { logInto } from '../support/log-call.js';

/** Folder of the runtime fixture projects. */
export const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/runtime');

/** A logger that keeps what it is given. */
export interface RecordingLogger extends Logger {
  errors: { message: string; error: unknown }[];
  warnings: string[];
}

/** A logger that records instead of printing. */
export function recordingLogger(): RecordingLogger {
  const errors: { message: string; error: unknown }[] = [];
  const warnings: string[] = [];
  return {
    errors,
    warnings,
    error: logInto(({ message, error }) => errors.push({ message, error })),
    warn: logInto(({ message }) => warnings.push(message)),
    info: () => undefined,
  };
}

/** A fixture project, listening on 127.0.0.1 with a free port. */
export interface Served {
  bp: Backendts;
  url: string;
  port: number;
  logger: RecordingLogger;
}

/** Makes the fixture project `name`'s instance, with a recording logger. */
export function project(name: string, options: BackendtsOptions = {}): { bp: Backendts; logger: RecordingLogger } {
  const logger = recordingLogger();
  const bp = new Backendts({ projectDir: path.join(FIXTURES, name), logger, ...options });
  return { bp, logger };
}

/** Serves the fixture project `name`; `setup` runs before listen (to register hooks). */
export async function serveProject(name: string, setup?: (bp: Backendts) => void, options: BackendtsOptions = {}): Promise<Served> {
  const { bp, logger } = project(name, options);
  setup?.(bp);
  const listening = await bp.listen({ port: 0, signals: false });
  return { bp, url: listening.url, port: listening.port, logger };
}

/** What {@link send} gets back. */
export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  json: any;
}

/** Options of {@link send}. */
export interface SendOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

/** Sends one request exactly as given (raw path, any Host header) and reads the whole reply. */
export function send(port: number, target: string, options: SendOptions = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, path: target, method: options.method ?? 'GET', headers: options.headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}
