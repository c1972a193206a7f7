// The analysis labels are made from, as analyzeBundle returns it: its report, incidents and findings.

import type { analyzeBundle } from '../analyze/run.ts';

export type Report = Awaited<ReturnType<typeof analyzeBundle>>;
export type ReportIncident = Report['incidents'][number];
export type ReportFinding = Report['findings'][number];
