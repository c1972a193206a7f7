// The archives kstory opens itself, recognised by their first bytes: tar as a stream, zip through its
// central directory. Each gives its members in turn; what a member holds is recognised like any file.

import { isTar, tarMembers } from './tar.ts';
import { isZip, zipMembers } from './zip.ts';

/** One file inside an archive. */
export interface ArchiveMember {
  /** Its path inside the archive, `/`-separated, never leading outside it. */
  name: string;
  mtimeMs: number | null;
  /** Its bytes: read them, or leave them, before asking for the next member. */
  bytes: AsyncIterable<Buffer>;
  /** Bytes of the archive file it takes (compressed), when the archive is read from disk. */
  packedBytes?: number;
}

export type ArchiveKind = 'tar' | 'zip';

export function archiveOf(head: Buffer): ArchiveKind | null {
  if (isTar(head)) return 'tar';
  if (isZip(head)) return 'zip';
  return null;
}

/**
 * The members of an archive. `disk` is set when its bytes are a file's own (not compressed, not
 * inside another archive): a zip is then read from that file, and `bytes` released unread.
 */
export async function* membersOf(
  kind: ArchiveKind,
  archive: string,
  bytes: AsyncIterable<Buffer>,
  disk: { file: string; release: () => Promise<unknown> } | undefined,
): AsyncGenerator<ArchiveMember> {
  if (kind === 'tar') {
    yield* tarMembers(archive, bytes);
    return;
  }
  if (disk === undefined) {
    yield* zipMembers(archive, { stream: bytes });
    return;
  }
  await disk.release();
  yield* zipMembers(archive, { file: disk.file });
}
