// Committed fixture bundles, part 2 of 2 (see fixtures.shared.ts).

import { defineFixtureTests } from './fixtures.shared.ts';

defineFixtureTests(1, 2);
