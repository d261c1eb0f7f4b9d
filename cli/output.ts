/**
 * What the CLI prints while it works. Everything goes through one object so
 * that a command can be quiet (`--dry-run` still prints its SQL) and so that
 * the original `process.stdout.write` is kept even while a library's spinner
 * is silenced (see `silenceStdout`).
 */

/** Progress and result lines of a command. */
export interface Output {
  /** One line of normal progress ("connecting…", "done"). */
  info(line: string): void;
  /** One line shown only with `--verbose` (e.g. each SQL statement). */
  detail(line: string): void;
  /** A warning, on stderr. */
  warn(line: string): void;
  /** A line on stderr, as it is (a refusal and what caused it). */
  error(line: string): void;
  /** Progress of a long step: `applying i/n`, redrawn in place on a terminal. */
  progress(label: string, done: number, total: number): void;
  /** True when `--verbose` was given. */
  readonly verbose: boolean;
}

/** A stream the CLI prints to: process.stdout or stderr, or any stream that collects the text. */
export interface OutputStream {
  write(text: string): boolean;
  /** True on a terminal, where progress is redrawn in place. */
  readonly isTTY?: boolean;
}

/** Options of {@link createOutput}. */
export interface OutputOptions {
  verbose?: boolean;
  /** Defaults to process.stdout. */
  stdout?: OutputStream;
  /** Defaults to process.stderr. */
  stderr?: OutputStream;
}

/** Creates the CLI's output; writes with the streams' own `write`, taken now. */
export function createOutput(options: OutputOptions = {}): Output {
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  const write = stdout.write.bind(stdout);
  const writeErr = stderr.write.bind(stderr);
  const interactive = Boolean(stdout.isTTY);
  let progressOpen = false;
  let lastStep = -1;

  const endProgress = (): void => {
    if (progressOpen) write('\n');
    progressOpen = false;
  };

  return {
    verbose: Boolean(options.verbose),
    info(line) {
      endProgress();
      write(`${line}\n`);
    },
    detail(line) {
      if (!options.verbose) return;
      endProgress();
      write(`${line}\n`);
    },
    warn(line) {
      endProgress();
      writeErr(`warning: ${line}\n`);
    },
    error(line) {
      endProgress();
      writeErr(`${line}\n`);
    },
    progress(label, done, total) {
      if (interactive && !options.verbose) {
        write(`\r${label} ${done}/${total}`);
        progressOpen = done < total;
        if (done >= total) write('\n');
        return;
      }
      // In logs, one line per tenth of the work is enough to see it move.
      const step = Math.floor((done * 10) / Math.max(total, 1));
      if (done === total || step !== lastStep) {
        lastStep = step;
        write(`${label} ${done}/${total}\n`);
      }
    },
  };
}

/** A silenced stdout; `restore()` puts it back and returns what was written meanwhile. */
export interface SilencedStdout {
  restore(): string;
}

/**
 * Makes `process.stdout.write` a no-op and stdout claim not to be a terminal,
 * so a library's spinner draws nothing and it can never open an interactive
 * prompt. The swallowed text is kept: it explains why the library wanted to
 * ask a question.
 */
export function silenceStdout(): SilencedStdout {
  const stdout = process.stdout;
  const originalWrite = stdout.write;
  const hadOwnTTY = Object.prototype.hasOwnProperty.call(stdout, 'isTTY');
  const originalTTY = stdout.isTTY;
  let written = '';
  stdout.write = ((chunk: unknown, ...rest: unknown[]) => {
    written += typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : '';
    const callback = rest.find((item) => typeof item === 'function') as (() => void) | undefined;
    callback?.();
    return true;
  }) as typeof stdout.write;
  stdout.isTTY = false as true;
  return {
    restore() {
      stdout.write = originalWrite;
      if (hadOwnTTY) stdout.isTTY = originalTTY;
      else delete (stdout as { isTTY?: boolean }).isTTY;
      return written;
    },
  };
}
