/**
 * A database that `create_db` created in this run holds nothing but what the
 * push writes, and the push is one transaction: when it fails (or it was
 * only a dry run), the database is empty. It is dropped again, so a failed
 * first run leaves nothing behind, and the error says so.
 */
import { BackendtsError } from '../../runtime/core/errors.js';

/** How to undo a database this run created. */
export interface CreatedDatabase {
  /** Names it in messages (`database "shop"`, `embedded database folder …`). */
  what: string;
  drop(): Promise<void>;
}

/**
 * Runs the push; when `created` is given and the push throws (or `keep` says
 * no), drops the database again. A failure to drop is reported, never hidden.
 */
export async function withFirstPushUndo<T>(created: CreatedDatabase | undefined, push: () => Promise<T>, keep: (result: T) => boolean): Promise<T> {
  if (created === undefined) return push();
  let result: T;
  try {
    result = await push();
  } catch (error) {
    const note = await dropNote(created);
    if (error instanceof BackendtsError) {
      throw new BackendtsError(error.code, `${error.message}\n  ${note}`, { hint: error.hint, cause: error.cause ?? error });
    }
    throw error;
  }
  if (!keep(result)) await created.drop();
  return result;
}

async function dropNote(created: CreatedDatabase): Promise<string> {
  try {
    await created.drop();
    return `${created.what} was created by this run: it has been dropped again, nothing is left behind`;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return `${created.what} was created by this run and is left there, empty (dropping it failed: ${reason})`;
  }
}
