// Committed fixture bundles, part 1 of 2 (see fixtures.shared.ts).

import { defineFixtureTests } from './fixtures.shared.ts';

defineFixtureTests(0, 2);
