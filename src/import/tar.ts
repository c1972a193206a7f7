// Tar archives as a stream of members (tar-stream): read in one pass, never extracted to disk.

import { extract as tarExtract } from 'tar-stream';
import { KstoryError, messageOf } from '../errors.ts';
import type { ArchiveMember } from './archive.ts';

export function isTar(head: Buffer): boolean {
  return head.length >= 262 && head.toString('latin1', 257, 262) === 'ustar';
}

/**
 * The regular files of a tar archive, in order. A member's bytes must be read or left alone before
 * the next is asked for: a member left unread is drained here, since a tar moves only forwards.
 */
export async function* tarMembers(
  archive: string,
  bytes: AsyncIterable<Buffer>,
): AsyncGenerator<ArchiveMember> {
  const extract = tarExtract();
  const feeding = (async () => {
    try {
      for await (const chunk of bytes) {
        if (!extract.write(chunk)) await new Promise<void>((r) => extract.once('drain', () => r()));
      }
      extract.end(undefined);
    } catch (error) {
      extract.destroy(error as Error);
    }
  })();
  try {
    for await (const entry of extract) {
      const header = entry.header;
      if (header.type !== 'file' && header.type !== 'contiguous-file') {
        entry.resume();
        continue;
      }
      let consumed = false;
      async function* entryBytes(): AsyncGenerator<Buffer> {
        consumed = true;
        for await (const chunk of entry) yield chunk as Buffer;
      }
      yield {
        name: header.name.replace(/^\.\//, ''),
        mtimeMs: header.mtime ? header.mtime.getTime() : null,
        bytes: entryBytes(),
      };
      // A consumer that skipped the entry still has to let the archive move on.
      if (!consumed) for await (const _ of entry) void _;
      else entry.resume();
    }
  } catch (error) {
    if (error instanceof KstoryError) throw error;
    throw new KstoryError(`${archive}: the tar archive is damaged (${messageOf(error)})`, {
      hint: 'Files read before the damage were imported; re-create the archive to import the rest.',
    });
  }
  await feeding;
}
