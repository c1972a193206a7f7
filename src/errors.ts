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
  /** Stops the whole command (a full disk): never taken for the fault of one line or file. */
  readonly fatal: boolean;

  constructor(
    message: string,
    options: { hint?: string; cause?: unknown; option?: string; fatal?: boolean } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.hint = options.hint;
    this.option = options.option;
    this.fatal = options.fatal === true;
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

/** A KstoryError about one line, file or input, which the caller counts and goes on. */
export function isItemError(error: unknown): error is KstoryError {
  return error instanceof KstoryError && !error.fatal;
}

/** The message of any thrown value, for wrapping errors from libraries. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** An error from the operating system (Node's fs, net and child_process set `code` and `syscall`). */
export type OsError = NodeJS.ErrnoException & { code: string; dest?: string };

export function isOsError(error: unknown): error is OsError {
  return (
    error instanceof Error &&
    typeof (error as NodeJS.ErrnoException).code === 'string' &&
    /^E[A-Z0-9]+$/.test((error as NodeJS.ErrnoException).code!) &&
    typeof (error as NodeJS.ErrnoException).syscall === 'string'
  );
}

/** The OS error in an error or its causes: library code often wraps the one that says what happened. */
export function osErrorIn(error: unknown): OsError | null {
  for (let e = error, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth++) {
    if (isOsError(e)) return e;
  }
  return null;
}

/** What each OS error means to someone running kstory, and what they can do about it. */
const OS_ERRORS: Record<string, { says: string; hint: (path: string) => string }> = {
  EACCES: {
    says: 'permission denied',
    hint: (p) =>
      `Check the permissions of ${p} and its directories (ls -ld), or run kstory as a user who may.`,
  },
  EPERM: {
    says: 'operation not permitted',
    hint: (p) =>
      `Check the permissions and attributes of ${p} (ls -ld, lsattr), or run kstory as a user who may.`,
  },
  ENOENT: {
    says: 'no such file or directory',
    hint: () => 'Check the path; a directory in it may not exist.',
  },
  ENOTDIR: {
    says: 'a part of the path is not a directory',
    hint: () => 'Check the path: a name in it is a file where a directory was expected.',
  },
  EISDIR: { says: 'it is a directory', hint: () => 'Name a file, not a directory.' },
  EEXIST: { says: 'it already exists', hint: () => 'Choose another path or remove the existing one.' },
  ENOSPC: {
    says: 'no space left on the device',
    hint: (p) => `Free space on the file system of ${p} (df -h), or write to another one.`,
  },
  EDQUOT: {
    says: 'disk quota exceeded',
    hint: (p) => `Free space within your quota on the file system of ${p}, or write to another one.`,
  },
  EROFS: {
    says: 'the file system is read-only',
    hint: () => 'Write to a file system that is mounted read-write.',
  },
  EMFILE: {
    says: 'too many open files in this process',
    hint: () => 'Raise the limit of open files (e.g. ulimit -n 8192) and run again.',
  },
  ENFILE: {
    says: 'too many open files on this system',
    hint: () => 'Close other programs or raise the system limit (fs.file-max), then run again.',
  },
  ENAMETOOLONG: { says: 'the file name is too long', hint: () => 'Choose a shorter path.' },
  ELOOP: { says: 'too many symbolic links (a link loop?)', hint: (p) => `Check the symbolic links in ${p}.` },
  EIO: {
    says: 'input/output error: the device reported a fault',
    hint: (p) =>
      `The disk or file system holding ${p} may be failing: copy the file elsewhere and try again.`,
  },
  EBUSY: {
    says: 'the resource is busy',
    hint: () => 'Wait for whatever holds it to finish, then run again.',
  },
  ETXTBSY: { says: 'the file is busy', hint: () => 'Wait for whatever holds it to finish, then run again.' },
  EFBIG: { says: 'the file is too large for the file system', hint: () => 'Write to another file system.' },
  ENOMEM: {
    says: 'out of memory',
    hint: () => 'Close other programs, or run on a machine with more memory.',
  },
};

/**
 * An OS error as the user should read it: one line naming the path and what went wrong, a hint
 * saying what to do. `doing` says what kstory was doing ("read", "write the bundle"...); `file`
 * names the path when the error does not.
 */
export function osError(
  error: OsError,
  options: { doing?: string; file?: string; hint?: string } = {},
): KstoryError {
  const file = options.file ?? error.path ?? error.dest ?? '';
  const known = OS_ERRORS[error.code];
  const says = known?.says ?? `${error.code}${error.syscall ? ` in ${error.syscall}` : ''}`;
  const doing = options.doing ?? doingOf(error.syscall);
  const where = file ? ` ${file}` : '';
  return new KstoryError(`cannot ${doing}${where}: ${says}`, {
    hint: options.hint ?? known?.hint(file || 'the path') ?? 'Check the path and the system, then run again.',
    cause: error,
  });
}

function doingOf(syscall: string | undefined): string {
  switch (syscall) {
    case 'open':
    case 'read':
    case 'scandir':
    case 'stat':
    case 'lstat':
    case 'access':
      return 'read';
    case 'mkdir':
      return 'create directory';
    case 'rename':
    case 'unlink':
    case 'rmdir':
    case 'rm':
      return 'replace';
    case 'spawn':
      return 'run';
    case 'listen':
    case 'bind':
      return 'listen on';
    case 'connect':
      return 'connect to';
    default:
      return 'write';
  }
}

/** DuckDB's I/O errors name their file in the message; the OS's reason is its last words. */
const DUCKDB_IO: readonly [RegExp, string][] = [
  [/No space left on device/i, 'ENOSPC'],
  [/Disk quota exceeded/i, 'EDQUOT'],
  [/Permission denied/i, 'EACCES'],
  [/Read-only file system/i, 'EROFS'],
  [/Too many open files/i, 'EMFILE'],
  [/Is a directory/i, 'EISDIR'],
  [/No such file or directory/i, 'ENOENT'],
  [/Input\/output error/i, 'EIO'],
];

/** A DuckDB "IO Error" caused by the OS, as a KstoryError; null for anything else. */
export function duckdbIoError(error: unknown, hint?: string): KstoryError | null {
  const message = messageOf(error);
  if (!/^IO Error:/.test(message)) return null;
  for (const [pattern, code] of DUCKDB_IO) {
    if (!pattern.test(message)) continue;
    const file = /"([^"]+)"/.exec(message)?.[1] ?? '';
    const known = OS_ERRORS[code]!;
    return new KstoryError(`cannot ${/write/i.test(message) ? 'write' : 'read'} ${file}: ${known.says}`, {
      hint: hint ?? known.hint(file || 'the path'),
      cause: error,
    });
  }
  return null;
}

/** The user's view of an OS error anywhere in `error` (OS or DuckDB I/O), or null. */
export function userFacingOsError(error: unknown): KstoryError | null {
  const os = osErrorIn(error);
  if (os) return osError(os);
  for (let e = error, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth++) {
    const io = duckdbIoError(e);
    if (io) return io;
  }
  return null;
}

/**
 * DuckDB failing to decode a file it was reading (a bad copy, a flipped bit, a cut): the file is
 * damaged, which the user can act on. Null for any other error. `files` names the files read when
 * the message does not say which one.
 */
export function damagedFileError(error: unknown, files: readonly string[] = []): KstoryError | null {
  const message = messageOf(error);
  const named =
    /^(?:Invalid Input|IO|Invalid|Serialization) Error: Failed to read file "([^"]+)": (.*)$/s.exec(message);
  const decoding =
    /^(?:Invalid Input|IO|Invalid|Serialization) Error: .*(?:decompression|corrupt|don't know what type|Invalid Parquet|thrift|magic|Unsupported encoding)/is;
  if (!named && !(files.length > 0 && decoding.test(message))) return null;
  const where = named ? named[1]! : files.join(', ');
  const why = named ? named[2]! : message.replace(/^[A-Za-z ]+ Error: /, '');
  return new KstoryError(
    `${where}: the file is damaged (${why.split('\n')[0]}); it could not be read whole`,
    {
      hint: `kstory bundle info --verify ${named ? where : (files[0] ?? '')} says which parts are damaged and how many rows they held; copy the bundle again from where it was made, if it still is.`,
      cause: error,
    },
  );
}
