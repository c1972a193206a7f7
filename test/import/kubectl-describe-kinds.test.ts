// kubectl describe of the kinds beyond workloads and pods: Ingress (backends kubectl could not
// resolve said as trouble), HorizontalPodAutoscaler, Endpoints, NetworkPolicy, StorageClass,
// Namespace (its deletion stuck said), ResourceQuota (a quota used up said), LimitRange, ConfigMap
// and Secret (metadata only), custom resources from their generic describe (cert-manager's
// Certificate); a DaemonSet short of available pods and one whose rollout kubectl gave up on.
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeBundle } from '../../src/analyze/run.ts';
import { fieldOfTitle, valueOfChildren } from '../../src/import/kubectl-text/describe-custom.ts';
import { describeNetworkPolicy } from '../../src/import/kubectl-text/describe-network-policy.ts';
import { parseDescribeTree } from '../../src/import/kubectl-text/describe-tree.ts';
import { kindOfColumns } from '../../src/import/kubectl-text/get-rows.ts';
import { numberedLines } from '../../src/import/kubectl-text/lines.ts';
import { rows, Scratch } from './helpers.ts';

const scratch = new Scratch();
afterAll(() => scratch.remove());

// Pasted without the command: each block's kind comes from its fields.
const PASTED = `Name:             storefront
Labels:           <none>
Namespace:        shop
Address:          203.0.113.10
Ingress Class:    nginx
Default backend:  <default>
TLS:
  storefront-tls terminates shop.example.org
Rules:
  Host              Path  Backends
  ----              ----  --------
  shop.example.org
                    /api   checkout:8080 (10.244.1.7:8080,10.244.2.8:8080)
                    /      frontend:http (<error: endpoints "frontend" not found>)
Annotations:        nginx.ingress.kubernetes.io/proxy-body-size: 8m
Events:
  Type    Reason  Age                From                      Message
  ----    ------  ----               ----                      -------
  Normal  Sync    3m (x2 over 40m)   nginx-ingress-controller  Scheduled for sync


Name:                                                  checkout
Namespace:                                             shop
Labels:                                                <none>
Annotations:                                           <none>
CreationTimestamp:                                     Tue, 03 Mar 2026 08:00:00 +0000
Reference:                                             Deployment/checkout
Metrics:                                               ( current / target )
  resource cpu on pods  (as a percentage of request):  <unknown> / 70%
Min replicas:                                          2
Max replicas:                                          8
Deployment pods:                                       2 current / 2 desired
Conditions:
  Type           Status  Reason                   Message
  ----           ------  ------                   -------
  AbleToScale    True    SucceededGetScale        the HPA controller was able to get the target's current scale
  ScalingActive  False   FailedGetResourceMetric  the HPA was unable to compute the replica count: failed to get cpu utilization: unable to get metrics for resource cpu: no metrics returned from resource metrics API
Events:
  Type     Reason                        Age                   From                       Message
  ----     ------                        ----                  ----                       -------
  Warning  FailedGetResourceMetric       2m (x40 over 12m)     horizontal-pod-autoscaler  failed to get cpu utilization: unable to get metrics for resource cpu: no metrics returned from resource metrics API


Name:         storefront-tls
Namespace:    shop
Labels:       <none>
Annotations:  <none>
API Version:  cert-manager.io/v1
Kind:         Certificate
Metadata:
  Creation Timestamp:  2026-03-03T08:00:00Z
  Generation:          1
  UID:                 5a5a5a5a-0000-1111-2222-333344445555
Spec:
  Dns Names:
    shop.example.org
  Issuer Ref:
    Kind:       ClusterIssuer
    Name:       acme-prod
  Secret Name:  storefront-tls
Status:
  Conditions:
    Last Transition Time:  2026-03-03T08:00:05Z
    Message:               Issuing certificate as Secret does not exist
    Observed Generation:   1
    Reason:                DoesNotExist
    Status:                False
    Type:                  Ready
    Last Transition Time:  2026-03-03T08:00:05Z
    Message:               The certificate request has failed to complete and will be retried: challenge failed
    Observed Generation:   1
    Reason:                Failed
    Status:                False
    Type:                  Issuing
  Failed Issuance Attempts:  3
Events:
  Type     Reason  Age   From                          Message
  ----     ------  ----  ----                          -------
  Warning  Failed  5m    cert-manager-certificates-issuing  The certificate request has failed to complete and will be retried
`;

// A transcript: the command names the kind too.
const TRANSCRIPT = `$ kubectl describe quota compute -n shop
Name:            compute
Namespace:       shop
Resource         Used   Hard
--------         ----   ----
limits.memory    7Gi    8Gi
pods             20     20
$ kubectl describe limitrange defaults -n shop
Name:       defaults
Namespace:  shop
Type        Resource  Min  Max   Default Request  Default Limit  Max Limit/Request Ratio
----        --------  ---  ---   ---------------  -------------  -----------------------
Container   memory    -    2Gi   128Mi            256Mi          -
Container   cpu       -    -     100m             500m           -
$ kubectl describe ns shop
Name:         shop
Labels:       kubernetes.io/metadata.name=shop
Annotations:  <none>
Status:       Terminating
Conditions:
  Type                                         Status  LastTransitionTime               Reason                Message
  ----                                         ------  ------------------               ------                -------
  NamespaceDeletionContentFailure              True    Tue, 03 Mar 2026 09:00:00 +0000  ContentDeletionFailed  Failed to delete all resource types, 1 remaining: Internal error occurred: error resolving resource
  NamespaceFinalizersRemaining                 True    Tue, 03 Mar 2026 09:00:00 +0000  SomeFinalizersRemain   Some content in the namespace has finalizers remaining: example.com/finalizer in 1 resource instances

No resource quota.

No LimitRange resource.
$ kubectl describe sc local-path
Name:            local-path
IsDefaultClass:  Yes
Annotations:     storageclass.kubernetes.io/is-default-class=true
Provisioner:           rancher.io/local-path
Parameters:            <none>
AllowVolumeExpansion:  <unset>
MountOptions:          <none>
ReclaimPolicy:         Delete
VolumeBindingMode:     WaitForFirstConsumer
Events:                <none>
$ kubectl describe endpoints checkout -n shop
Name:         checkout
Namespace:    shop
Labels:       app=checkout
Annotations:  <none>
Subsets:
  Addresses:          <none>
  NotReadyAddresses:  10.244.1.7,10.244.2.8
  Ports:
    Name  Port  Protocol
    ----  ----  --------
    http  8080  TCP

Events:  <none>
$ kubectl describe netpol deny-all -n shop
Name:         deny-all
Namespace:    shop
Created on:   2026-03-03 08:00:00 +0000 UTC
Labels:       <none>
Annotations:  <none>
Spec:
  PodSelector:     <none> (Allowing the specific traffic to all pods in this namespace)
  Allowing ingress traffic:
    <none> (Selected pods are isolated for ingress connectivity)
  Not affecting egress traffic
  Policy Types: Ingress
$ kubectl describe ds log-agent -n shop
Name:           log-agent
Selector:       app=log-agent
Node-Selector:  <none>
Labels:         app=log-agent
Annotations:    deprecated.daemonset.template.generation: 2
Desired Number of Nodes Scheduled: 3
Current Number of Nodes Scheduled: 3
Number of Nodes Scheduled with Up-to-date Pods: 3
Number of Nodes Scheduled with Available Pods: 2
Number of Nodes Misscheduled: 0
Pods Status:  2 Running / 1 Waiting / 0 Succeeded / 0 Failed
Pod Template:
  Labels:  app=log-agent
  Containers:
   agent:
    Image:        example.org/log-agent:2.1
    Port:         <none>
    Host Port:    <none>
    Environment:  <none>
    Mounts:       <none>
  Volumes:        <none>
Events:           <none>
$ kubectl rollout status ds/node-probe -n shop --timeout=5m
Waiting for daemon set "node-probe" rollout to finish: 1 out of 3 new pods have been updated...
Waiting for daemon set "node-probe" rollout to finish: 2 out of 3 new pods have been updated...
error: timed out waiting for the condition
$ kubectl describe cm app-settings -n shop
Name:         app-settings
Namespace:    shop
Labels:       <none>
Annotations:  <none>

Data
====
LOG_LEVEL:
----
debug

BinaryData
====

Events:  <none>
`;

// Tables of the same kinds pasted alone: their columns say the kind.
const TABLES = `NAME     REFERENCE            TARGETS              MINPODS   MAXPODS   REPLICAS   AGE
search   Deployment/search    cpu: <unknown>/75%   1         4         1          9d

NAME    CLASS   HOSTS               ADDRESS        PORTS     AGE
admin   nginx   admin.example.org   203.0.113.10   80, 443   9d
`;

const body = async (bundle: Parameters<typeof rows>[0], kind: string) => {
  const [row] = await rows(
    bundle,
    `SELECT body FROM bundle WHERE source = 'object' AND kind = '${kind}' ORDER BY ts DESC LIMIT 1`,
  );
  // biome-ignore lint/suspicious/noExplicitAny: bodies of many kinds, read field by field
  return JSON.parse(String(row?.body)) as Record<string, any>;
};

describe('kubectl describe of other kinds', () => {
  it('reads each kind from its fields; the trouble each shows reaches the analysis', async () => {
    const pasted = scratch.write('describe/pasted.txt', PASTED);
    const transcript = scratch.write('describe/session.txt', TRANSCRIPT);
    const tables = scratch.write('describe/tables.txt', TABLES);
    const { result, bundle } = await scratch.import([pasted, transcript, tables]);
    expect(result.inputs.flatMap((s) => s.issues)).toEqual([]);
    expect(result.inputs.map((s) => s.formats)).toEqual([
      { 'kubectl-describe': 1 },
      { 'kubectl-transcript': 1 },
      { 'kubectl-get': 1 },
    ]);
    expect(
      await rows(
        bundle!,
        `SELECT kind, coalesce(namespace, '') AS ns, name FROM objects ORDER BY kind, name`,
      ),
    ).toEqual([
      { kind: 'Certificate', ns: 'shop', name: 'storefront-tls' },
      { kind: 'ConfigMap', ns: 'shop', name: 'app-settings' },
      { kind: 'DaemonSet', ns: 'shop', name: 'log-agent' },
      { kind: 'DaemonSet', ns: 'shop', name: 'node-probe' },
      { kind: 'Endpoints', ns: 'shop', name: 'checkout' },
      { kind: 'HorizontalPodAutoscaler', ns: 'shop', name: 'checkout' },
      { kind: 'HorizontalPodAutoscaler', ns: 'default', name: 'search' },
      { kind: 'Ingress', ns: 'default', name: 'admin' },
      { kind: 'Ingress', ns: 'shop', name: 'storefront' },
      { kind: 'LimitRange', ns: 'shop', name: 'defaults' },
      { kind: 'Namespace', ns: '', name: 'shop' },
      { kind: 'NetworkPolicy', ns: 'shop', name: 'deny-all' },
      { kind: 'ResourceQuota', ns: 'shop', name: 'compute' },
      { kind: 'StorageClass', ns: '', name: 'local-path' },
    ]);
    const ingress = await body(bundle!, 'Ingress');
    expect(ingress.spec).toEqual({
      ingressClassName: 'nginx',
      tls: [{ secretName: 'storefront-tls', hosts: ['shop.example.org'] }],
      rules: [
        {
          host: 'shop.example.org',
          http: {
            paths: [
              { path: '/api', backend: { service: { name: 'checkout', port: { number: 8080 } } } },
              { path: '/', backend: { service: { name: 'frontend', port: { name: 'http' } } } },
            ],
          },
        },
      ],
    });
    expect(ingress.status).toEqual({ loadBalancer: { ingress: [{ ip: '203.0.113.10' }] } });
    const hpa = await body(bundle!, 'HorizontalPodAutoscaler');
    expect(hpa.spec).toEqual({
      scaleTargetRef: { kind: 'Deployment', name: 'checkout' },
      minReplicas: 2,
      maxReplicas: 8,
    });
    expect(hpa.status.currentReplicas).toBe(2);
    const certificate = await body(bundle!, 'Certificate');
    expect(certificate.spec).toEqual({
      dnsNames: ['shop.example.org'],
      issuerRef: { kind: 'ClusterIssuer', name: 'acme-prod' },
      secretName: 'storefront-tls',
    });
    expect(
      certificate.status.conditions.map((c: Record<string, unknown>) => `${c.type}=${c.status} ${c.reason}`),
    ).toEqual(['Ready=False DoesNotExist', 'Issuing=False Failed']);
    expect((await body(bundle!, 'Endpoints')).subsets).toEqual([
      {
        addresses: [],
        notReadyAddresses: [{ ip: '10.244.1.7' }, { ip: '10.244.2.8' }],
        ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
      },
    ]);
    expect((await body(bundle!, 'LimitRange')).spec.limits).toEqual([
      {
        type: 'Container',
        max: { memory: '2Gi' },
        defaultRequest: { memory: '128Mi', cpu: '100m' },
        default: { memory: '256Mi', cpu: '500m' },
      },
    ]);
    expect((await body(bundle!, 'NetworkPolicy')).spec).toEqual({
      podSelector: {},
      policyTypes: ['Ingress'],
      ingress: [],
    });
    expect((await body(bundle!, 'StorageClass')).volumeBindingMode).toBe('WaitForFirstConsumer');
    // Its values may be credentials: only the metadata is kept.
    expect(Object.keys(await body(bundle!, 'ConfigMap'))).toEqual(['apiVersion', 'kind', 'metadata']);

    const report = await analyzeBundle(bundle!);
    expect(report.findings.map((f) => `${f.pattern} ${f.subject.kind}/${f.subject.name}`).sort()).toEqual(
      expect.arrayContaining([
        'certificate-expiring Certificate/storefront-tls',
        'hpa-at-max-replicas HorizontalPodAutoscaler/checkout',
        // Short of available pods from the describe's counts to the last file's time.
        'daemonset-unhealthy DaemonSet/log-agent',
      ]),
    );
    // Rollout status printed how many of its pods were updated, not how many are available: unknown,
    // not 0, so no pattern takes it for a DaemonSet without pods; what rollout status said is trouble.
    expect(report.findings.filter((f) => f.subject.name === 'node-probe')).toEqual([]);
    expect(
      report.unexplained_trouble.map((t) => `${t.subject.kind}/${t.subject.name} ${t.reason}: ${t.message}`),
    ).toEqual(
      expect.arrayContaining([
        'Ingress/storefront BackendError: backend frontend of /: endpoints "frontend" not found',
        'ResourceQuota/compute QuotaUsedUp: pods used 20 of 20',
        'HorizontalPodAutoscaler/search MetricsUnknown: kubectl get printed TARGETS cpu: <unknown>/75%: the autoscaler cannot read its metrics',
        'Namespace/shop NamespaceFinalizersRemaining=True (SomeFinalizersRemain): Some content in the namespace has finalizers remaining: example.com/finalizer in 1 resource instances',
        'Service/checkout NoReadyEndpoints: its endpoints listed 2 not-ready addresses and no ready one: it had no backend to send requests to',
        'DaemonSet/node-probe RolloutTimedOut: kubectl rollout status timed out still waiting for daemon set "node-probe" rollout to finish: 2 out of 3 new pods have been updated',
      ]),
    );
    bundle!.close();
  });
});

describe('the generic describe of custom resources', () => {
  it('turns titles back into field names and repeated keys into list items', () => {
    expect(fieldOfTitle('Last Transition Time')).toBe('lastTransitionTime');
    expect(fieldOfTitle('Dns Names')).toBe('dnsNames');
    const nodes = parseDescribeTree(
      numberedLines(`Status:
  Replicas:  3
  Sync:
    Status:  OutOfSync
  Resources:
    Kind:    Service
    Name:    web
    Kind:    Deployment
    Name:    web
  Hosts:
    a.example.org
    b.example.org
`),
    );
    expect(valueOfChildren(nodes[0]!.children)).toEqual({
      replicas: 3,
      sync: { status: 'OutOfSync' },
      resources: [
        { kind: 'Service', name: 'web' },
        { kind: 'Deployment', name: 'web' },
      ],
      hosts: ['a.example.org', 'b.example.org'],
    });
  });
});

describe('the describe of a NetworkPolicy', () => {
  it('reads its rules: ports, peers of pod and namespace selectors and IP blocks, a rule per separator', () => {
    const nodes = parseDescribeTree(
      numberedLines(`Name:         api-allow
Namespace:    shop
Created on:   2026-03-03 08:00:00 +0000 UTC
Labels:       <none>
Annotations:  <none>
Spec:
  PodSelector:     app=api,tier in (backend,edge)
  Allowing ingress traffic:
    To Port: 8080/TCP
    To Port: metrics/TCP
    From:
      PodSelector: app=frontend
    From:
      NamespaceSelector: kubernetes.io/metadata.name=monitoring
      PodSelector: app.kubernetes.io/name=prometheus
    ----------
    To Port: <any> (traffic allowed to all ports)
    From:
      IPBlock:
        CIDR: 10.0.0.0/8
        Except: 10.1.0.0/16, 10.2.0.0/16
  Allowing egress traffic:
    To Port: 53/UDP
    To Port: 32000-32768/TCP
    To: <any> (traffic not restricted by destination)
    ----------
    To Port: 5432/TCP
    To:
      PodSelector: <none>
  Policy Types: Ingress, Egress
`),
    );
    expect(describeNetworkPolicy.build(nodes).object.spec).toEqual({
      podSelector: {
        matchLabels: { app: 'api' },
        matchExpressions: [{ key: 'tier', operator: 'In', values: ['backend', 'edge'] }],
      },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [
        {
          ports: [
            { protocol: 'TCP', port: 8080 },
            { protocol: 'TCP', port: 'metrics' },
          ],
          from: [
            { podSelector: { matchLabels: { app: 'frontend' } } },
            {
              namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } },
              podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } },
            },
          ],
        },
        { from: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16', '10.2.0.0/16'] } }] },
      ],
      egress: [
        {
          ports: [
            { protocol: 'UDP', port: 53 },
            { protocol: 'TCP', port: 32000, endPort: 32768 },
          ],
        },
        { ports: [{ protocol: 'TCP', port: 5432 }], to: [{ podSelector: {} }] },
      ],
    });
  });

  it('leaves out the direction the policy types do not name, whatever an older kubectl printed of it', () => {
    const nodes = parseDescribeTree(
      numberedLines(`Name:         deny-egress
Namespace:    shop
Spec:
  PodSelector:     <none> (Allowing the specific traffic to all pods in this namespace)
  Allowing ingress traffic:
    <none> (Selected pods are isolated for ingress connectivity)
  Allowing egress traffic:
    <none> (Selected pods are isolated for egress connectivity)
  Policy Types: Egress
`),
    );
    expect(describeNetworkPolicy.build(nodes).object.spec).toEqual({
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [],
    });
  });
});

describe('tables pasted without their command', () => {
  it('are told by their columns: a DaemonSet is not a Deployment, namespaces with or without labels', () => {
    const kind = (header: string) => kindOfColumns(header.split(/\s{2,}/));
    expect(kind('NAME  DESIRED  CURRENT  READY  UP-TO-DATE  AVAILABLE  NODE SELECTOR  AGE')).toBe(
      'DaemonSet',
    );
    expect(kind('NAME  READY  UP-TO-DATE  AVAILABLE  AGE')).toBe('Deployment');
    expect(kind('NAME  STATUS  AGE')).toBe('Namespace');
    expect(kind('NAME  STATUS  AGE  LABELS')).toBe('Namespace');
    expect(kind('NAME  STATUS  MESSAGE  ERROR')).toBeNull();
  });
});
