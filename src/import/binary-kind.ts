// What a binary file is, from its first bytes, so that skipping it says what to do: an archive kstory
// does not unpack (7-Zip, RAR, bzip2, a zip nested too deep) is unpacked first; a Parquet file may be a bundle already.

const KINDS: readonly { kind: string; magic: readonly number[] }[] = [
  { kind: 'a zip archive', magic: [0x50, 0x4b, 0x03, 0x04] },
  { kind: 'a 7-Zip archive', magic: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c] },
  { kind: 'a RAR archive', magic: [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07] },
  { kind: 'a bzip2 file', magic: [0x42, 0x5a, 0x68] },
  { kind: 'a Parquet file', magic: [0x50, 0x41, 0x52, 0x31] },
];

/** `binary file`, or `binary file (a zip archive)` when its first bytes say what it is. */
export function binaryFileReason(head: Buffer): string {
  const known = KINDS.find(
    ({ magic }) => head.length >= magic.length && magic.every((b, i) => head[i] === b),
  );
  return known ? `binary file (${known.kind})` : 'binary file';
}
