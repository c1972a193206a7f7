// Input lines to bundle rows through the same functions record and import use (src/kube/to-row),
// so that the writer benchmark measures the real path: parse, convert, redact, append.

import type { BundleRow, MarkerKind, WatchEvent } from '../../src/bundle/row.ts';
import { logRow, markerRow, metricRow } from '../../src/kube/sample-rows.ts';
import { auditRow, eventRow, type KubeObject, objectRow } from '../../src/kube/to-row.ts';
import { TAGS } from './input.ts';

export interface Parsed {
  tag: string;
  value: Record<string, unknown>;
  /** The JSON text after the tag: audit entries keep it, as an importer of an audit log does. */
  text: string;
}

export function parseLine(line: string): Parsed {
  const text = line.slice(1);
  return { tag: line[0]!, value: JSON.parse(text) as Record<string, unknown>, text };
}

/** Class of a parsed line, for per-source runs: `object`, `event`, `audit:Metadata`, `log`... */
export function classOfParsed(p: Parsed): string {
  switch (p.tag) {
    case TAGS.watch:
      return 'object';
    case TAGS.event:
      return 'event';
    case TAGS.audit:
      return `audit:${String(p.value.level)}`;
    case TAGS.log:
      return 'log';
    case TAGS.metric:
      return 'metric';
    default:
      return 'marker';
  }
}

const PLURAL: Record<string, string> = {
  Node: 'nodes',
  Pod: 'pods',
  ReplicaSet: 'replicasets',
  Deployment: 'deployments',
  Service: 'services',
  ConfigMap: 'configmaps',
};

export function toRow(p: Parsed): BundleRow {
  const v = p.value;
  switch (p.tag) {
    case TAGS.watch: {
      const object = v.object as KubeObject;
      return objectRow(object, {
        ts: v.ts as string,
        origin: `watch:${PLURAL[String(object.kind)] ?? String(object.kind).toLowerCase()}`,
        watchEvent: v.type as WatchEvent,
      });
    }
    case TAGS.event:
      return eventRow(v.object, { ts: v.ts as string, origin: 'watch:events' });
    case TAGS.audit:
      return auditRow(v, { origin: 'audit.log', raw: p.text });
    case TAGS.log:
      return logRow({
        ts: v.ts as string,
        namespace: v.namespace as string,
        pod: v.pod as string,
        container: v.container as string,
        line: v.line as string,
        stream: v.stream as string,
        previous: v.previous === true,
        node: v.node as string,
        origin: 'logs',
      });
    case TAGS.metric:
      return metricRow({
        ts: v.ts as string,
        name: v.name as string,
        labels: v.labels as Record<string, string>,
        value: v.value as number,
        origin: 'prometheus',
      });
    case TAGS.marker:
      return markerRow({
        ts: v.ts as string,
        marker: v.marker as MarkerKind,
        detail: v.detail as string,
        origin: 'bench',
      });
    default:
      throw new Error(`input line with unknown tag "${p.tag}"`);
  }
}
