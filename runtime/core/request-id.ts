/**
 * Request ids (`x-request-id`): the one the client or a proxy sent when it is
 * a short token, else one made here: a random prefix per project instance
 * and a counter, cheaper than a UUID per request and unique enough to find
 * one request's lines in the logs.
 */
import { randomBytes } from 'node:crypto';

/** What a request id taken from a request may be: letters, digits and `._:+/=-`, at most 128 of them. */
const ACCEPTED_ID = /^[A-Za-z0-9._:+/=-]{1,128}$/;

/** Hands out the request ids of one project instance. */
export class RequestIds {
  readonly #prefix = randomBytes(6).toString('base64url');
  #next = 0;

  /** The id of a request whose `x-request-id` header was `sent`. */
  of(sent: string | string[] | undefined): string {
    if (typeof sent === 'string' && ACCEPTED_ID.test(sent)) return sent;
    return `${this.#prefix}-${(this.#next++).toString(36)}`;
  }
}
