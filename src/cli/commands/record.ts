// `kstory record`: list and watch a live cluster into a bundle, continuously or once. Wiring only;
// the work is in src/record/.

import { type Command, InvalidArgumentError, Option } from 'commander';
import { DURATION_EXAMPLES, isDuration, parseDuration } from '../../vocab/duration.ts';
import { LOG_POLICIES, type LogPolicy, type RecordFilters } from '../../vocab/log-filter.ts';
import { ANONYMIZE_HELP, anonymizeOption, MAPPING_HELP } from '../anonymize-option.ts';
import { helpText } from '../help.ts';
import { commaList, positiveInt, regex } from '../options.ts';
import type { UntilFlags } from '../record-until.ts';

/** Commander's flags: the scope filters (--pods, --exclude-pods, ...) keep their option names. */
interface RecordFlags extends RecordFilters, UntilFlags {
  output: string;
  anonymize?: boolean;
  mapping?: string;
  kubeconfig?: string;
  context?: string;
  namespace?: string[];
  include?: string[];
  exclude?: string[];
  once?: boolean;
  duration?: number;
  force?: boolean;
  resume?: boolean;
  logs: LogPolicy;
  logStreams: number;
  json?: boolean;
  progress?: boolean;
  since?: Date;
  prometheus?: string;
  promql?: string;
  prometheusToken?: string;
  prometheusTokenFile?: string;
  prometheusUser?: string;
  prometheusPasswordFile?: string;
  prometheusCa?: string;
  prometheusInsecureSkipTlsVerify?: boolean;
  prometheusStep?: number;
  auditLog?: string;
  auditWebhook?: string;
  auditWebhookCert?: string;
  auditWebhookKey?: string;
  auditWebhookToken?: string;
  auditWebhookConfig?: string;
}

/** `90s`, `15m`, `2h`, `1h30m`, `1d`. */
function duration(value: string): number {
  if (!isDuration(value)) throw new InvalidArgumentError(`expected a duration such as ${DURATION_EXAMPLES}`);
  const ms = parseDuration(value);
  if (ms <= 0) throw new InvalidArgumentError('expected a duration longer than zero');
  return ms;
}

/** `--since`: a duration back from now (`2h`, `1h30m`, `1d`) or an RFC 3339 time. */
function sinceTime(value: string): Date {
  const text = value.trim();
  let when: Date;
  if (isDuration(text)) when = new Date(Date.now() - duration(text));
  else if (/^\d{4}-\d\d-\d\d[Tt ]\d\d:\d\d:\d\d(?:\.\d+)?(?:[Zz]|[+-]\d\d:?\d\d)$/.test(text))
    when = new Date(text);
  else
    throw new InvalidArgumentError(
      'expected a duration back from now (30m, 2h, 1d) or an RFC 3339 time (2026-03-01T10:00:00Z)',
    );
  if (Number.isNaN(when.getTime())) throw new InvalidArgumentError('not a valid time');
  if (when.getTime() > Date.now()) throw new InvalidArgumentError('the time is in the future');
  return when;
}

export function defineRecordCommand(program: Command): void {
  program
    .command('record')
    .description('record a live cluster into a bundle: list, then watch every resource until stopped')
    .requiredOption(
      '-o, --output <file>',
      'the bundle to write (a spool <file>.spool is kept beside it while recording)',
    )
    .option('--kubeconfig <file>', 'kubeconfig file (default: $KUBECONFIG, ~/.kube/config, in-cluster)')
    .option('--context <name>', 'kubeconfig context to use (default: the current one)')
    .option(
      '-n, --namespace <globs>',
      'only these namespaces (comma-separated names or globs, e.g. prod-*)',
      commaList,
    )
    .option(
      '--include <resources>',
      'only these resources (comma-separated: pods, deployments.apps, *.cert-manager.io)',
      commaList,
    )
    .option('--exclude <resources>', 'leave out these resources (same forms as --include)', commaList)
    .addOption(
      new Option('--logs <policy>', 'container logs: none, lines that look like errors, or all')
        .choices(LOG_POLICIES)
        .default('errors'),
    )
    .option('--log-streams <n>', 'concurrent log streams; containers take turns beyond that', positiveInt, 32)
    .option('--once', 'list everything once, write the bundle and exit (a postmortem snapshot)')
    .option(
      '--since <time>',
      'start of the window, 2h or an RFC 3339 time: with --once, older events are left out and logs read from then; when recording, how far back logs start',
      sinceTime,
    )
    .option('--pods <regex>', 'only pods whose name matches (their logs and events too)', regex)
    .option('--exclude-pods <regex>', 'leave out pods whose name matches, with their logs and events', regex)
    .option('--containers <regex>', 'logs of containers whose name matches only', regex)
    .option('--exclude-containers <regex>', 'no logs of containers whose name matches', regex)
    .option(
      '--event-sources <regex>',
      'only events reported by a matching component (source.component, reportingController)',
      regex,
    )
    .option('--exclude-event-sources <regex>', 'leave out events reported by a matching component', regex)
    .option('--log-match <regex>', 'only log lines that match', regex)
    .option('--log-exclude <regex>', 'leave out log lines that match', regex)
    .option('--duration <time>', 'stop after this long, e.g. 30m or 2h (default: until Ctrl-C)', duration)
    .option('--prometheus <url>', 'also record metrics: range queries to this Prometheus (see below)')
    .option('--promql <file>', 'extra named PromQL queries for --prometheus (YAML)')
    .option('--prometheus-token <token>', 'bearer token for --prometheus')
    .option('--prometheus-token-file <file>', 'file holding the bearer token (read again each round)')
    .option('--prometheus-user <name>', 'basic auth user for --prometheus (or user:password@ in the URL)')
    .option('--prometheus-password-file <file>', 'file holding the basic auth password')
    .option('--prometheus-ca <file>', 'PEM certificate(s) of the CA that signed an https Prometheus')
    .option(
      '--prometheus-insecure-skip-tls-verify',
      'do not verify the https Prometheus certificate (test clusters only)',
    )
    .option('--prometheus-step <time>', 'query step (default: from the window, 15s or more)', duration)
    .option('--audit-log <file>', "follow the API server's audit log (--audit-log-path), across rotation")
    .option(
      '--audit-webhook <addr>',
      "receive the API server's audit webhook on [host:]port (:8443 listens on 127.0.0.1 only)",
    )
    .option('--audit-webhook-cert <file>', 'PEM certificate for --audit-webhook (default: self-signed)')
    .option('--audit-webhook-key <file>', 'PEM key of --audit-webhook-cert')
    .addOption(
      new Option(
        '--audit-webhook-token <token>',
        'bearer token the API server must send (default: generated)',
      ).env('KSTORY_AUDIT_WEBHOOK_TOKEN'),
    )
    .option(
      '--audit-webhook-config <file>',
      "write the API server's --audit-webhook-config-file here (reused by the next recording)",
    )
    .option(
      '--until <Kind/namespace/name>',
      'stop when this resource is done: a Job complete or failed, a pod finished, the object deleted, a custom resource Ready',
    )
    .option('--timeout <time>', 'with --until: stop after this long anyway (default 30m; exit 1)', duration)
    .option('--story <file>', "with --until: then write the resource's story here (see kstory story)")
    .option('--force', 'replace the output file if it exists')
    .option('--resume', 'continue an interrupted recording (killed, crashed) into its spool')
    .option('--anonymize', ANONYMIZE_HELP)
    .option('--mapping <file>', MAPPING_HELP)
    .option('--json', 'print the summary as JSON on stdout')
    .option('--no-progress', 'do not show the live status on stderr')
    .addHelpText(
      'after',
      helpText(`
Every resource the API server lets you list and watch is recorded (built-in and custom; new
CRDs are picked up within a minute), except leases unless named by --include. Events come from
the Event resource. Logs of running containers are followed with timestamps (by default only
lines that look like errors); when a container restarts, the last 500 lines of the one that died
are kept in full. With --once, logs are read as they are now, previous containers' too.

Secret values never reach the bundle: Secrets keep their keys and type only, and
credential-looking values are redacted.

With --prometheus, metrics over the window become metric rows: container restarts, waiting and
termination reasons, OOM kills, memory working set and limits, CPU throttling, node conditions,
quota usage and API server 5xx rates, plus the queries of --promql (\`queries: [{name, expr}]\`,
or one \`name: expr\` per line; a built-in name replaces that query). The step gives about 1,000
points per series (15s at least). A recording asks every 2 minutes and once more when it stops,
from --since if given; --once asks for the last --since (default 1h). A failing query is warned
about and retried; what is still missing at the end is a gap. Credentials never reach the bundle.
An https Prometheus signed by a private CA (OpenShift's thanos-querier, say) needs --prometheus-ca.

Audit entries name who changed what. --audit-log follows the file kube-apiserver writes with
--audit-log-path (root may be needed to read it), through rotation by rename or copytruncate,
from --since (else from the start of the recording), reading rotated files back to then, gzip ones
included; --once without --since reads them all. --audit-webhook serves HTTPS for kube-apiserver's
--audit-webhook-config-file with --audit-webhook-mode=batch, and prints the kubeconfig to give it:
a bare port or :port listens on 127.0.0.1 only; 0.0.0.0:8443 on every interface. Without
--audit-webhook-cert, the certificate is self-signed for that address; the API server must send
the bearer token of that kubeconfig. The stages of one request become one row.

Ctrl-C or SIGTERM stops the recording and finishes the bundle; a second Ctrl-C quits at once and
leaves the spool: \`kstory record --resume -o <file>\` continues it, \`kstory bundle repair <file>\`
turns it into a bundle. A killed recording loses at most its last second. Watches that expire
are relisted: what vanished meanwhile is written as deleted, and the period is marked as a gap.

Examples:
  kstory record -o incident.parquet                       until Ctrl-C
  kstory record -o rollout.parquet --duration 30m -n 'shop,prod-*'
  kstory record -o now.parquet --once --context prod-eu   the cluster as it is
  kstory record -o pm.parquet --once --since 2h           the last two hours
  kstory record -o apps.parquet --include pods,deployments.apps,events \\
      --exclude configmaps
  kstory record -o pm.parquet --once --since 2h \\
      --prometheus http://prometheus.monitoring:9090
  kstory record -o pm.parquet --audit-log /var/log/kubernetes/audit/audit.log
  kstory record -o pm.parquet --audit-webhook :8443 \\
      --audit-webhook-config /etc/kubernetes/kstory-webhook.yaml
  kstory record -o team.parquet -n shared --pods '^team-a-' \\
      --exclude-containers '^(istio-proxy|linkerd-proxy)$' \\
      --event-sources '^(kubelet|default-scheduler)$' \\
      --log-exclude 'GET /healthz'

Filters (--pods, --containers, --event-sources, --log-match and their --exclude-* forms) are
JavaScript regular expressions matched anywhere in the name or line unless anchored with ^ and $;
a leading (?i) makes one case-insensitive. They apply at the source: a pod left out is not
recorded, its logs are not read and events about it are dropped. The bundle metadata lists them.`),
    )
    .action(async (flags: RecordFlags) => {
      if (flags.once && flags.duration !== undefined) {
        const { KstoryError } = await import('../../errors.ts');
        throw new KstoryError('--once and --duration cannot be used together', {
          hint: '--once lists everything and exits; --duration bounds a continuous recording.',
        });
      }
      const promFlag = (
        [
          ['--promql', flags.promql],
          ['--prometheus-token', flags.prometheusToken],
          ['--prometheus-token-file', flags.prometheusTokenFile],
          ['--prometheus-user', flags.prometheusUser],
          ['--prometheus-password-file', flags.prometheusPasswordFile],
          ['--prometheus-ca', flags.prometheusCa],
          ['--prometheus-insecure-skip-tls-verify', flags.prometheusInsecureSkipTlsVerify],
          ['--prometheus-step', flags.prometheusStep],
        ] as const
      ).find(([, value]) => value !== undefined);
      if (promFlag && flags.prometheus === undefined) {
        const { KstoryError } = await import('../../errors.ts');
        throw new KstoryError(`${promFlag[0]} needs --prometheus`, {
          hint: 'Give the Prometheus to query: --prometheus http://prometheus.monitoring:9090',
        });
      }
      const webhookFlag = (
        [
          ['--audit-webhook-cert', flags.auditWebhookCert],
          ['--audit-webhook-key', flags.auditWebhookKey],
          ['--audit-webhook-config', flags.auditWebhookConfig],
        ] as const
      ).find(([, value]) => value !== undefined);
      if (webhookFlag && flags.auditWebhook === undefined) {
        const { KstoryError } = await import('../../errors.ts');
        throw new KstoryError(`${webhookFlag[0]} needs --audit-webhook`, {
          hint: 'Give the address to listen on: --audit-webhook :8443',
        });
      }
      const { runRecord } = await import('../../record/run.ts');
      const { recordSummaryJson, renderRecordSummary, renderStatusLine } = await import(
        '../../report/record-summary.ts'
      );
      const { chalkFor } = await import('../../report/style.ts');
      const { TerminalLine } = await import('../../report/terminal-line.ts');
      const stop = new AbortController();
      // Redrawn at each status (every second), from the first one on.
      const statusLine = new TerminalLine(flags.progress !== false, { minIntervalMs: 0 });
      const onSignal = (name: string) => {
        statusLine.writeAbove(
          `${name}: finishing the bundle (signal again to quit at once; \`kstory bundle repair\` finishes it later)\n`,
        );
        stop.abort();
      };
      // `once`: a second signal gets the default behaviour and ends the process.
      const onInt = () => onSignal('SIGINT');
      const onTerm = () => onSignal('SIGTERM');
      process.once('SIGINT', onInt);
      process.once('SIGTERM', onTerm);
      let previous: Parameters<typeof renderStatusLine>[0] | null = null;
      const { finishUntil, untilOptions } = await import('../record-until.ts');
      const until = untilOptions(flags, () => {
        statusLine.writeAbove(`${flags.until} is done: finishing the bundle\n`);
        stop.abort();
      });
      try {
        const result = await runRecord({
          output: flags.output,
          kubeconfig: flags.kubeconfig,
          context: flags.context,
          namespaces: flags.namespace ?? [],
          include: flags.include ?? [],
          exclude: flags.exclude ?? [],
          once: flags.once === true,
          durationMs: until?.durationMs ?? flags.duration,
          onRow: until?.onRow,
          force: flags.force,
          resume: flags.resume,
          anonymize: anonymizeOption(flags),
          logs: flags.logs,
          since: flags.since,
          filters: {
            pods: flags.pods,
            excludePods: flags.excludePods,
            containers: flags.containers,
            excludeContainers: flags.excludeContainers,
            eventSources: flags.eventSources,
            excludeEventSources: flags.excludeEventSources,
            logMatch: flags.logMatch,
            logExclude: flags.logExclude,
          },
          prometheus:
            flags.prometheus === undefined
              ? undefined
              : {
                  url: flags.prometheus,
                  promqlFile: flags.promql,
                  token: flags.prometheusToken,
                  tokenFile: flags.prometheusTokenFile,
                  user: flags.prometheusUser,
                  passwordFile: flags.prometheusPasswordFile,
                  caFile: flags.prometheusCa,
                  insecureSkipTlsVerify: flags.prometheusInsecureSkipTlsVerify,
                  stepMs: flags.prometheusStep,
                },
          auditLog: flags.auditLog,
          auditWebhook:
            flags.auditWebhook === undefined
              ? undefined
              : {
                  listen: flags.auditWebhook,
                  certFile: flags.auditWebhookCert,
                  keyFile: flags.auditWebhookKey,
                  token: flags.auditWebhookToken,
                  configFile: flags.auditWebhookConfig,
                },
          maxLogStreams: flags.logStreams,
          signal: stop.signal,
          log: (line) => statusLine.writeAbove(`${line}\n`),
          onStatus: statusLine.enabled
            ? (status) => {
                statusLine.draw(renderStatusLine(status, previous));
                previous = status;
              }
            : undefined,
        });
        statusLine.clear();
        const { printJson, writeText } = await import('../output.ts');
        if (flags.json) printJson(recordSummaryJson(result));
        else writeText(process.stderr, renderRecordSummary(result, chalkFor(process.stderr)));
        if (until) await finishUntil(flags, flags.output, (line) => process.stderr.write(`${line}\n`));
      } finally {
        process.removeListener('SIGINT', onInt);
        process.removeListener('SIGTERM', onTerm);
      }
    });
}
