// What `kstory at` prints: the instant a running kstory serve now shows, within its recording.

import type { TimeControlState } from '../serve/time-control.ts';
import { escapeControl } from './escape.ts';
import { formatTime } from './format.ts';

export function renderTimeControl(state: TimeControlState): string {
  const speed = state.speed === null ? '' : `, replaying at ${state.speed}x`;
  return `${escapeControl(state.cluster, { singleLine: true })} at ${formatTime(state.at)}${speed} (recording ${formatTime(state.window.start)} → ${formatTime(state.window.end)})\n`;
}
