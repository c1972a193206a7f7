import { defineScenarioTests } from './scenarios.shared.ts';

defineScenarioTests(0, 2);
