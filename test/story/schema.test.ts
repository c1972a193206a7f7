// docs/story.schema.json is the JSON Schema of the story contract as the code has it, and a real
// story (of every kind of event) validates against the committed file, as a user's tool would.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { buildStory } from '../../src/story/build.ts';
import { storyJsonSchema } from '../../src/story/schema.ts';
import { ROOT } from '../support/cli.ts';

const committed = JSON.parse(readFileSync(path.join(ROOT, 'docs/story.schema.json'), 'utf8'));

describe('docs/story.schema.json', () => {
  it('is the JSON Schema of the current story schema (run `npm run docs` to update)', () => {
    expect(committed).toEqual(JSON.parse(JSON.stringify(storyJsonSchema())));
  });

  it('validates a story, and rejects one whose event is untimed or of an unknown type', async () => {
    const validate = new Ajv2020({ allErrors: true, strict: false }).compile(committed);
    const story = await buildStory(
      [path.join(ROOT, 'fixtures/bad-config-rollout.parquet')],
      'deployment/shop/checkout',
    );
    expect(validate(story), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);

    const broken = structuredClone(story);
    broken.events[0]!.timestamp = '2026-03-02 09:00:00';
    (broken.events[1] as { event_type: string }).event_type = 'SOMETHING';
    expect(validate(broken)).toBe(false);
    expect(validate.errors?.map((e) => e.instancePath)).toEqual(
      expect.arrayContaining(['/events/0/timestamp', '/events/1/event_type']),
    );
  });
});
