// Errors the user can act on. The CLI prints these as one line plus a hint and exits 2, without a
// stack trace; anything else reaching the CLI's error boundary is an internal error.

export class KstoryError extends Error {
  override readonly name = 'KstoryError';
  /** What the user can do about it, printed under the message. */
  readonly hint: string | undefined;
  /**
   * The option of the call whose value is wrong (`auditLog`), when the problem is one value: the
   * message says what is wrong with the value, and the command line names its flag (`--audit-log`)
   * in front of it. The core knows options, not flags.
   */
  readonly option: string | undefined;

  constructor(message: string, options: { hint?: string; cause?: unknown; option?: string } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.hint = options.hint;
    this.option = options.option;
  }
}

/** Reads an option's value; a KstoryError that `read` throws is then about that option. */
export function forOption<T>(option: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (!(error instanceof KstoryError) || error.option !== undefined) throw error;
    throw new KstoryError(error.message, { hint: error.hint, cause: error.cause, option });
  }
}

export function isKstoryError(error: unknown): error is KstoryError {
  return error instanceof KstoryError;
}

/** The message of any thrown value, for wrapping errors from libraries. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
