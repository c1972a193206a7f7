// Times at the start of log lines, years for the year-less ones, and kubectl's placeholders for logs
// it could not fetch.
import { describe, expect, it } from 'vitest';
import { placeholderReason } from '../../src/import/log-placeholders.ts';
import { lineTimeOf, type YearlessTime, YearResolver } from '../../src/import/log-time.ts';

const yearless = (line: string): YearlessTime => {
  const time = lineTimeOf(line);
  if (!time || !('yearless' in time)) throw new Error(`no year-less time in ${line}`);
  return time.yearless;
};

describe('lineTimeOf', () => {
  it('reads the shapes components write', () => {
    expect(lineTimeOf('2026-03-01T10:00:00.123456789Z started')).toEqual({
      ts: '2026-03-01T10:00:00.123456Z',
    });
    // etcd's capnslog and Python: no zone, taken as UTC.
    expect(lineTimeOf('2026-03-01 10:00:00.231772 I | etcdmain: etcd Version: 3.4.13')).toEqual({
      ts: '2026-03-01T10:00:00.231772Z',
    });
    expect(lineTimeOf('[2026-03-01 10:00:00,123] INFO ready')).toEqual({ ts: '2026-03-01T10:00:00.123Z' });
    // Go's log package.
    expect(lineTimeOf('2026/03/01 10:00:01 [INFO] plugin/reload')).toEqual({ ts: '2026-03-01T10:00:01Z' });
    // Offsets are converted.
    expect(lineTimeOf('2026-03-01T12:00:00+02:00 up')).toEqual({ ts: '2026-03-01T10:00:00Z' });
    // JSON lines (zap, logrus): string or epoch seconds.
    expect(lineTimeOf('{"level":"info","ts":"2026-03-01T10:00:02.5Z","msg":"x"}')).toEqual({
      ts: '2026-03-01T10:00:02.5Z',
    });
    expect(lineTimeOf('{"level":"info","ts":1772359200.25,"msg":"x"}')).toEqual({
      ts: '2026-03-01T10:00:00.250Z',
    });
    expect(lineTimeOf('time="2026-03-01T10:00:03Z" level=info msg="x"')).toEqual({
      ts: '2026-03-01T10:00:03Z',
    });
  });

  it('klog and syslog times lack a year', () => {
    expect(lineTimeOf('E1102 08:17:56.123456    1 file.go:123] message')).toEqual({
      yearless: { month: 11, day: 2, hour: 8, minute: 17, second: 56, micros: 123456 },
    });
    expect(lineTimeOf('Jan  2 03:04:05 node-a kubelet[812]: I0102 03:04:05.000001 ...')).toEqual({
      yearless: { month: 1, day: 2, hour: 3, minute: 4, second: 5, micros: 0 },
    });
  });

  it('finds none in text, stack traces and impossible dates', () => {
    expect(lineTimeOf('panic: nil map')).toBeNull();
    expect(lineTimeOf('\tat com.example.Main(Main.java:10)')).toBeNull();
    expect(lineTimeOf('I1302 08:17:56.123456    1 file.go:123] month 13')).toBeNull();
    expect(lineTimeOf('2026-03-01T25:00:00Z')).toBeNull();
    expect(lineTimeOf('{"msg":"no time here"}')).toBeNull();
  });
});

describe('YearResolver', () => {
  it('gives the first line the year that puts it at or before the reference', () => {
    const years = new YearResolver('2026-04-08T12:00:00Z');
    expect(years.resolve(yearless('I0407 22:18:27.190631       1 server.go:632] up'))).toBe(
      '2026-04-07T22:18:27.190631Z',
    );
    // A log that starts in the autumn, read in April: last year's autumn, not next year's.
    expect(
      new YearResolver('2026-04-08T12:00:00Z').resolve(yearless('I1015 10:00:00.000000 1 a.go:1] x')),
    ).toBe('2025-10-15T10:00:00.000000Z');
    // A few days after the reference (objects that changed last a little before the logs end) is fine.
    expect(
      new YearResolver('2026-04-08T12:00:00Z').resolve(yearless('I0411 10:00:00.000000 1 a.go:1] x')),
    ).toBe('2026-04-11T10:00:00.000000Z');
  });

  it('crosses a year boundary inside one log (December, then January)', () => {
    const years = new YearResolver('2026-01-03T00:00:00Z');
    const out = [
      'I1231 23:59:58.000000 1 a.go:1] before',
      'I1231 23:59:59.900000 1 a.go:1] still',
      'I0101 00:00:00.100000 1 a.go:1] after',
      // A line a few seconds out of order is not a new year.
      'I1231 23:59:59.950000 1 a.go:1] late',
      'I0102 08:00:00.000000 1 a.go:1] next day',
    ].map((line) => years.resolve(yearless(line)));
    expect(out).toEqual([
      '2025-12-31T23:59:58.000000Z',
      '2025-12-31T23:59:59.900000Z',
      '2026-01-01T00:00:00.100000Z',
      '2025-12-31T23:59:59.950000Z',
      '2026-01-02T08:00:00.000000Z',
    ]);
  });

  it('a reference in late December and a log already in January: the next year', () => {
    expect(
      new YearResolver('2025-12-30T20:00:00Z').resolve(yearless('I0102 01:00:00.000000 1 a.go:1] x')),
    ).toBe('2026-01-02T01:00:00.000000Z');
  });

  it('a year the user gives wins', () => {
    expect(
      new YearResolver('2026-04-08T12:00:00Z', 2019).resolve(yearless('I0407 22:18:27.000000 1 a.go:1] x')),
    ).toBe('2019-04-07T22:18:27.000000Z');
  });
});

describe('placeholderReason', () => {
  it("recognises kubectl's and the kubelet's text for a log it could not fetch", () => {
    expect(
      placeholderReason(
        'Error from server (BadRequest): container "app" in pod "web-1" is waiting to start: ContainerCreating',
      ),
    ).toBe(
      'Error from server (BadRequest): container "app" in pod "web-1" is waiting to start: ContainerCreating',
    );
    expect(placeholderReason('Request log error: the server could not find the requested resource')).toBe(
      'the server could not find the requested resource',
    );
    expect(placeholderReason('unable to retrieve container logs for docker://0123abcd')).toBe(
      'unable to retrieve container logs for docker://0123abcd',
    );
    expect(
      placeholderReason(
        'failed to try resolving symlinks in path "/var/log/pods/x/app/1.log": lstat /var/log/pods/x/app/1.log: no such file or directory',
      ),
    ).toMatch(/^failed to try resolving symlinks/);
    expect(placeholderReason('Error from server (NotFound): pods "web-1" not found')).toMatch(/NotFound/);
  });

  it('ordinary log lines are not placeholders', () => {
    expect(
      placeholderReason('I0407 22:18:27.190631 1 server.go:632] Error from server (NotFound)'),
    ).toBeNull();
    expect(placeholderReason('error: could not connect to db')).toBeNull();
  });
});
