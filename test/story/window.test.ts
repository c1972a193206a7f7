// Where a story's window begins: the first record of the root or what it owns, its creation only
// when the bundle was recording then.

import { describe, expect, it } from 'vitest';
import { storyStart } from '../../src/story/build.ts';

const BUNDLE = { start: '2026-03-02T09:00:00.000Z', end: '2026-03-02T10:00:00.000Z' };
const anObject = (seen: string, created_at: string | null) => ({ seen, created_at });

describe('storyStart', () => {
  it('begins at the first sighting of an object created before the recording', () => {
    expect(storyStart([anObject('2026-03-02T09:00:00.000Z', '2025-12-02T08:50:00.000Z')], BUNDLE)).toBe(
      '2026-03-02T09:00:00.000Z',
    );
  });

  it('begins at a creation the recording saw, even a little before its first version', () => {
    expect(storyStart([anObject('2026-03-02T09:10:00.500Z', '2026-03-02T09:10:00.000Z')], BUNDLE)).toBe(
      '2026-03-02T09:10:00.000Z',
    );
  });

  it('takes the earliest of the root and what it owns, and the bundle’s end when nothing was seen', () => {
    expect(
      storyStart(
        [
          anObject('2026-03-02T09:20:00.000Z', '2025-01-01T00:00:00.000Z'),
          anObject('2026-03-02T09:30:00.000Z', '2026-03-02T09:05:00.000Z'),
          anObject('2026-03-02T09:40:00.000Z', null),
        ],
        BUNDLE,
      ),
    ).toBe('2026-03-02T09:05:00.000Z');
    expect(storyStart([], BUNDLE)).toBe(BUNDLE.end);
  });
});
