/**
 * The request being handled, found from anywhere in its async call chain
 * (Backendpy's `get_current_request`). Each `Backendts` instance owns one
 * store, so two instances in one process never see each other's requests.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { BackendtsError } from '../core/errors.js';
import type { Request } from '../core/request.js';

/** A per-instance store of the request in progress. */
export class CurrentRequest {
  readonly #storage = new AsyncLocalStorage<Request>();

  /** Runs `fn` with `request` as the current request of everything it calls. */
  run<T>(request: Request, fn: () => T): T {
    return this.#storage.run(request, fn);
  }

  /** The current request, or undefined outside a request. */
  find(): Request | undefined {
    return this.#storage.getStore();
  }

  /** The current request; fails with `BT_NO_REQUEST` outside a request. */
  get(): Request {
    const request = this.#storage.getStore();
    if (request === undefined) {
      throw new BackendtsError('BT_NO_REQUEST', 'getCurrentRequest() was called outside of a request', {
        hint: 'call it only from code that runs while a request is handled (a handler, middleware or request hook)',
      });
    }
    return request;
  }
}
