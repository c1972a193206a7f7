// A node's systemd journal as journalctl prints it, text (short, short-iso) and JSON lines (-o json):
// each service's lines are a component's log on its host, dated by the kubelet's own klog time when
// the message has one, else by the journal's; a message that ran over lines follows its service.
import { afterAll, describe, expect, it } from 'vitest';
import { rows, Scratch } from './helpers.ts';

const scratch = new Scratch();
afterAll(() => scratch.remove());

const TEXT = [
  '-- Logs begin at Wed 2026-02-25 09:00:00 UTC, end at Sun 2026-03-01 11:00:00 UTC. --',
  'Mar 01 10:00:01 node-a kubelet[1234]: E0301 10:00:01.123456    1234 kubelet.go:2855] "Container runtime network not ready" networkReady="NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized"',
  'Mar 01 10:00:02 node-a systemd[1]: kubelet.service: Main process exited, code=exited, status=1/FAILURE',
  'Mar 01 10:00:03 node-a containerd[801]: time="2026-03-01T10:00:03.000000000Z" level=error msg="failed to reload cni configuration"',
  '-- Reboot --',
  '2026-03-01T10:05:00+0000 node-b kubelet[99]: panic: runtime error: invalid memory address',
  '        goroutine 1 [running]:',
  '',
].join('\n');

const JSON_LINES = [
  {
    __REALTIME_TIMESTAMP: '1772359260000000',
    _HOSTNAME: 'node-c',
    SYSLOG_IDENTIFIER: 'kubelet',
    MESSAGE: 'Starting kubelet',
  },
  {
    __REALTIME_TIMESTAMP: '1772359261500000',
    _HOSTNAME: 'node-c',
    _SYSTEMD_UNIT: 'crio.service',
    MESSAGE: [111, 107],
  },
]
  .map((e) => JSON.stringify(e))
  .join('\n');

describe('the systemd journal of a node', () => {
  it('reads journalctl text and -o json as each service’s log on its host', async () => {
    const text = scratch.write('kubelet-journal.txt', TEXT);
    const json = scratch.write('journal.json', `${JSON_LINES}\n`);
    const { result, bundle } = await scratch.import([text, json], { year: 2026 });
    expect(result.inputs.map((i) => i.formats)).toEqual([{ journal: 1 }, { journal: 1 }]);
    expect(result.inputs.map((i) => i.issueCount)).toEqual([0, 0]);
    expect(
      await rows(
        bundle!,
        'SELECT kind, name, container, ts::VARCHAR AS ts, log_line FROM logs ORDER BY ts, log_line',
      ),
    ).toEqual([
      expect.objectContaining({ name: 'node-a', container: 'kubelet', ts: '2026-03-01 10:00:01.123456+00' }),
      expect.objectContaining({ name: 'node-a', container: 'systemd', ts: '2026-03-01 10:00:02+00' }),
      expect.objectContaining({ name: 'node-a', container: 'containerd', ts: '2026-03-01 10:00:03+00' }),
      {
        kind: 'Node',
        name: 'node-c',
        container: 'kubelet',
        ts: '2026-03-01 10:01:00+00',
        log_line: 'Starting kubelet',
      },
      { kind: 'Node', name: 'node-c', container: 'crio', ts: '2026-03-01 10:01:01.5+00', log_line: 'ok' },
      {
        kind: 'Node',
        name: 'node-b',
        container: 'kubelet',
        ts: '2026-03-01 10:05:00+00',
        log_line: '2026-03-01T10:05:00+0000 panic: runtime error: invalid memory address',
      },
      expect.objectContaining({
        name: 'node-b',
        ts: '2026-03-01 10:05:00.000001+00',
        log_line: 'goroutine 1 [running]:',
      }),
    ]);
    bundle!.close();
  });

  it('names a journal that holds only journalctl’s notes as one without entries', async () => {
    scratch.write('node/kubelet-journal.txt', TEXT);
    scratch.write(
      'node/ovs-journal.txt',
      '-- Logs begin at Wed 2026-02-25 09:00:00 UTC, end at Sun 2026-03-01 11:00:00 UTC. --\n-- No entries --\n',
    );
    const { result, bundle } = await scratch.import([scratch.path('node')], { year: 2026 });
    expect(result.inputs[0]?.formats).toEqual({ journal: 2 });
    expect(result.inputs[0]?.skippedFiles).toEqual({
      'a journal without one entry': [expect.stringMatching(/ovs-journal\.txt$/)],
    });
    bundle!.close();
  });
});
