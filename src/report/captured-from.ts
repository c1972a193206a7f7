// How a reader is told where an input's capture time was read from: the import summary and
// `bundle info` say it the same way.

import type { CaptureSource } from '../bundle/metadata.ts';

/** Where an input's capture time was read from, as a reader is told. */
export const CAPTURED_FROM: Readonly<Record<CaptureSource, string>> = {
  gathered: 'as the dump says',
  'newest-observation': 'its newest object, event or log time',
  given: 'given with --at',
  'inferred-year': 'its newest log time, whose year is inferred: --year sets it',
  'file-time': 'file modification time: nothing in it carries a time, and a later copy moves it',
};
