// What every part of the simulated control plane shares: clock, randomness, the API server, the
// event recorder, the timer queue and the record sink.

import type { ApiServer } from '../api/server.ts';
import type { EventRecorder } from '../events/recorder.ts';
import type { Scenario } from '../scenario/schema.ts';
import type { VirtualClock } from './clock.ts';
import type { RecordSink } from './records.ts';
import type { Rng } from './rng.ts';
import type { Timer, TimerQueue } from './timers.ts';
import type { World } from './world.ts';

export interface SimContext {
  clock: VirtualClock;
  rng: Rng;
  sink: RecordSink;
  api: ApiServer;
  recorder: EventRecorder;
  timers: TimerQueue;
  scenario: Scenario;
  world: World;
  /** Kubernetes version the components report, e.g. `v1.34.1`. */
  version: string;
  /** Start of the recorded window (ms); the warm-up before it is simulated but not recorded. */
  recordingStart: number;
  /** Run `fn` after `delayMs` of simulated time. */
  after(delayMs: number, fn: () => void): Timer;
  /** Ask for a controller pass at the end of the current instant. */
  markDirty(): void;
}
