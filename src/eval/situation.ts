// What evidence a sample's bundle holds, named as a situation (a recording with its history; a
// snapshot of objects and Events; audit alone…): calibration is told apart by it, since a confidence
// fitted on one kind of bundle may not hold on another.

import { evidenceSituation as situationOf } from '../analyze/calibration.ts';
import type { Report } from '../analyze/report.ts';

/** The situation of an analysed sample's bundle (calibration.ts evidenceSituation). */
export function evidenceSituation(report: Pick<Report, 'bundle' | 'coverage'>): string {
  return situationOf(report.bundle.snapshot, report.coverage);
}
