// A file the system would not let kstory read, or an archive member it cannot unpack: that file is
// skipped and said, the input's other files are still imported.

import { isOsError, KstoryError, osError } from '../errors.ts';

/** A file of an input that cannot be read (permissions, a device fault, an encrypted zip member). */
export class UnreadableFile extends KstoryError {
  constructor(
    readonly file: string,
    readonly reason: string,
    hint: string | undefined,
  ) {
    super(`cannot read ${file}: ${reason}`, { hint });
  }
}

/** An OS error reading `file`, said as an UnreadableFile; any other error as it is. */
export function unreadable(file: string, error: unknown): unknown {
  if (!isOsError(error)) return error;
  const said = osError(error, { doing: 'read', file });
  return new UnreadableFile(file, said.message.slice(`cannot read ${file}: `.length), said.hint);
}

/** The bytes of a file that cannot be read: the error, when they are asked for. */
export async function* failing(error: unknown): AsyncGenerator<Buffer> {
  yield* [];
  throw error;
}
