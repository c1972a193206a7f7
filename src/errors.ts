// Errors the user can act on. The CLI prints these as one line plus a hint and exits 2, without a
// stack trace; anything else reaching the CLI's error boundary is an internal error.

export class KstoryError extends Error {
  override readonly name = 'KstoryError';
  /** What the user can do about it, printed under the message. */
  readonly hint: string | undefined;

  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.hint = options.hint;
  }
}

export function isKstoryError(error: unknown): error is KstoryError {
  return error instanceof KstoryError;
}

/** The message of any thrown value, for wrapping errors from libraries. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
