// Tar archives as a stream of members (tar-stream): read in one pass, never extracted to disk.

import path from 'node:path';
import { extract as tarExtract } from 'tar-stream';
import { KstoryError, messageOf } from '../errors.ts';
import type { ArchiveMember } from './archive.ts';
import { failing, UnreadableFile } from './unreadable-file.ts';

export function isTar(head: Buffer): boolean {
  return head.length >= 262 && head.toString('latin1', 257, 262) === 'ustar';
}

/**
 * The regular files of a tar archive, in order. A member's bytes must be read or left alone before
 * the next is asked for: a member left unread is drained here, since a tar moves only forwards.
 * A link is read where its target sits in the archive; one whose target the archive does not hold
 * (a node's /var/log/containers packed without /var/log/pods) is given last, as a member whose
 * bytes fail, so that its loss is counted and said.
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
  // What the archive holds, to tell the links whose target it lacks once it has been read through.
  const held = new Set<string>();
  const links: { name: string; target: string; hard: boolean }[] = [];
  try {
    for await (const entry of extract) {
      const header = entry.header;
      const name = header.name.replace(/^\.\//, '').replace(/\/$/, '');
      held.add(name);
      if ((header.type === 'symlink' || header.type === 'link') && header.linkname) {
        links.push({ name, target: header.linkname, hard: header.type === 'link' });
      }
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
        name,
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
  // A node's log folders hold a link per container: the members are listed once for all of them,
  // and a link to a member itself is found without walking them.
  const members = links.length > 0 ? [...held] : [];
  for (const link of links) {
    const target = linkTarget(link.name, link.target, link.hard);
    const found =
      target !== null &&
      (held.has(target.replace(/^\//, '')) || members.some((member) => isUnder(member, target)));
    if (found) continue;
    const where = `${archive}!${link.name}`;
    yield {
      name: link.name,
      mtimeMs: null,
      bytes: failing(
        new UnreadableFile(
          where,
          `a ${link.hard ? 'hard' : 'symbolic'} link to ${link.target}, which the archive does not hold`,
          'Pack the files it names into the archive (tar -h follows links), or import them beside it.',
        ),
      ),
    };
  }
}

/** Whether `member` is `target` or inside it; an absolute target matches the member it ends with
 * (an archive packed from / holds var/log/pods/… for /var/log/pods/…). */
function isUnder(member: string, target: string): boolean {
  if (target.startsWith('/')) {
    const rel = target.slice(1);
    return (
      member === rel ||
      member.startsWith(`${rel}/`) ||
      member.endsWith(`/${rel}`) ||
      member.includes(`/${rel}/`)
    );
  }
  return member === target || member.startsWith(`${target}/`);
}

/** Where a link points inside the archive (`/`-separated, from its root; absolute as it is), or null
 * when it leads out of it. */
function linkTarget(name: string, target: string, hard: boolean): string | null {
  // A hard link names a member from the archive's root; a symbolic one is relative to its folder.
  if (target.startsWith('/')) return path.posix.normalize(target);
  const joined = path.posix.normalize(hard ? target : path.posix.join(path.posix.dirname(name), target));
  const clean = joined.replace(/^\.\//, '').replace(/\/$/, '');
  return clean.startsWith('../') || clean === '..' ? null : clean;
}
