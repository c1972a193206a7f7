import { defineScenarioTests } from './scenarios.shared.ts';

defineScenarioTests(1, 2);
