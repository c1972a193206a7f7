// The printed units and durations of reports, whose one home is src/vocab/: re-exported here for
// renderers that name them from the report's own folder.

export { formatDuration } from '../vocab/duration.ts';
export { formatBytes, formatCount, formatTime } from '../vocab/units.ts';
