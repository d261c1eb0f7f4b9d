/**
 * Reads command-line flag values with the validators config.ini's settings
 * use, so `--port` follows the same rule as `[networking] port`.
 */
import { BackendtsError } from '../runtime/core/errors.js';
import type { ValueReader } from '../runtime/core/setting-values.js';

/**
 * Reads a flag's value (cac gives text, a number, or `true` for a flag
 * written without one); undefined when the flag is absent. Fails with
 * `BT_CLI_OPTION` naming the flag; `example` shows a good use (`--port 8000`).
 */
export function readFlag<T>(value: unknown, flag: string, read: ValueReader<T>, example: string): T | undefined {
  if (value === undefined) return undefined;
  if (value === true || value === '' || Array.isArray(value)) {
    throw new BackendtsError('BT_CLI_OPTION', `${flag} needs one value${Array.isArray(value) ? ' (it was given more than once)' : ''}`, {
      hint: `write e.g. ${example}`,
    });
  }
  return read(String(value), { label: flag, code: 'BT_CLI_OPTION' });
}
