// What an output format of `kstory labels` is: a name for --format, the file extensions that choose
// it, and how it writes a file from the run's labels (a JSON-lines spool of valid labels, so that a
// dataset of any size is never held whole) and reads one back, the same labels again.

import type { Label } from '../schema.ts';

export interface LabelFormat {
  /** Its --format name. */
  name: string;
  /** File extensions that choose it when --format is not given, with their dot. */
  extensions: readonly string[];
  /** One short clause for the help of --format. */
  description: string;
  /** Binary formats go to a file, never to a terminal. */
  binary: boolean;
  /** Write the labels of `spool` (one JSON label per line) to `file`. */
  write(spool: string, file: string): Promise<void>;
  /** The labels of a file it wrote. */
  read(file: string): Promise<Label[]>;
}
