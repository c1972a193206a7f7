// What `kstory at` prints: the instant a running kstory serve now shows, within its recording.

import type { TimeControlState } from '../serve/time-control.ts';
import { escapeControl } from './escape.ts';

export function renderTimeControl(state: TimeControlState): string {
  const speed = state.speed === null ? '' : `, replaying at ${state.speed}x`;
  const second = (iso: string) => `${iso.slice(0, 19)}Z`;
  return `${escapeControl(state.cluster, { singleLine: true })} at ${second(state.at)}${speed} (recording ${second(state.window.start)} → ${second(state.window.end)})\n`;
}
