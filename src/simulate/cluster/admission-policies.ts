// Admission policies a scenario installs: its validating webhooks, and OPA Gatekeeper with the
// k8srequiredlabels template, its constraints and its own webhook.

import type { Actor } from '../api/actors.ts';
import { GATEKEEPER_WEBHOOK } from '../api/admission.ts';
import type { SimContext } from '../engine/context.ts';
import type { KubeObject } from '../engine/records.ts';
import { createCrd } from './crd.ts';

type Resources = SimContext['scenario']['resources'];

export function createAdmissionPolicies(sim: SimContext, admin: Actor): void {
  const { api } = sim;
  const s = sim.scenario;
  for (const hook of s.resources.webhooks) {
    api.create(
      {
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind: 'ValidatingWebhookConfiguration',
        metadata: {
          name: hook.name.split('.').slice(1).join('.') || hook.name,
          ...(hook.requireLabel
            ? { annotations: { 'policy.example.com/require-label': hook.requireLabel } }
            : {}),
        },
        webhooks: [
          {
            name: hook.name,
            admissionReviewVersions: ['v1'],
            clientConfig: {
              service: {
                namespace: hook.service.namespace,
                name: hook.service.name,
                path: '/validate',
                port: 443,
              },
            },
            failurePolicy: hook.failurePolicy,
            matchPolicy: 'Equivalent',
            namespaceSelector:
              hook.namespaces.length > 0
                ? {
                    matchExpressions: [
                      { key: 'kubernetes.io/metadata.name', operator: 'In', values: hook.namespaces },
                    ],
                  }
                : {},
            objectSelector: {},
            rules: [
              {
                apiGroups: [''],
                apiVersions: ['v1'],
                operations: ['CREATE'],
                resources: ['pods'],
                scope: '*',
              },
            ],
            sideEffects: 'None',
            timeoutSeconds: 10,
          },
        ],
      } as KubeObject,
      admin,
    );
  }
  if (s.resources.gatekeeper) createGatekeeper(sim, admin, s.resources.gatekeeper);
}

/**
 * OPA Gatekeeper as its chart installs it: the ConstraintTemplate CRD, the k8srequiredlabels
 * template (from the Gatekeeper library) and its constraint CRD, the scenario's constraints, and
 * the validating webhook (failurePolicy Ignore by default).
 */
function createGatekeeper(sim: SimContext, admin: Actor, gk: NonNullable<Resources['gatekeeper']>): void {
  const { api } = sim;
  const labels = { 'app.kubernetes.io/name': 'gatekeeper', 'gatekeeper.sh/system': 'yes' };
  createCrd(sim, admin, {
    group: 'templates.gatekeeper.sh',
    kind: 'ConstraintTemplate',
    plural: 'constrainttemplates',
    version: 'v1',
    scope: 'Cluster',
    shortNames: ['constraints'],
    statusSubresource: true,
    labels,
  });
  api.create(
    {
      apiVersion: 'templates.gatekeeper.sh/v1',
      kind: 'ConstraintTemplate',
      metadata: {
        name: 'k8srequiredlabels',
        annotations: {
          'metadata.gatekeeper.sh/title': 'Required Labels',
          'metadata.gatekeeper.sh/version': '1.1.2',
          description:
            'Requires resources to contain specified labels, with values matching provided regular expressions.',
        },
      },
      spec: {
        crd: {
          spec: {
            names: { kind: 'K8sRequiredLabels' },
            validation: {
              openAPIV3Schema: {
                type: 'object',
                properties: {
                  message: { type: 'string' },
                  labels: {
                    type: 'array',
                    items: {
                      type: 'object',
                      properties: { key: { type: 'string' }, allowedRegex: { type: 'string' } },
                    },
                  },
                },
              },
            },
          },
        },
        targets: [
          {
            target: 'admission.k8s.gatekeeper.sh',
            rego: [
              'package k8srequiredlabels',
              'violation[{"msg": msg, "details": {"missing_labels": missing}}] {',
              '  provided := {label | input.review.object.metadata.labels[label]}',
              '  required := {label | label := input.parameters.labels[_].key}',
              '  missing := required - provided',
              '  count(missing) > 0',
              '  msg := sprintf("you must provide labels: %v", [missing])',
              '}',
            ].join('\n'),
          },
        ],
      },
      status: { created: true },
    } as KubeObject,
    admin,
  );
  createCrd(sim, admin, {
    group: 'constraints.gatekeeper.sh',
    kind: 'K8sRequiredLabels',
    plural: 'k8srequiredlabels',
    version: 'v1beta1',
    scope: 'Cluster',
    categories: ['constraint', 'constraints'],
    statusSubresource: true,
    labels: { 'gatekeeper.sh/constraint': 'yes' },
  });
  for (const c of gk.constraints) {
    api.create(
      {
        apiVersion: 'constraints.gatekeeper.sh/v1beta1',
        kind: 'K8sRequiredLabels',
        metadata: { name: c.name },
        spec: {
          enforcementAction: c.enforcementAction,
          match: {
            kinds: [{ apiGroups: [''], kinds: ['Pod'] }],
            ...(c.namespaces.length > 0 ? { namespaces: c.namespaces } : {}),
          },
          parameters: { labels: c.labels.map((key) => ({ key })) },
        },
      } as KubeObject,
      admin,
    );
  }
  api.create(
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingWebhookConfiguration',
      metadata: {
        name: 'gatekeeper-validating-webhook-configuration',
        labels: { ...labels, 'app.kubernetes.io/managed-by': 'Helm' },
      },
      webhooks: [
        {
          name: GATEKEEPER_WEBHOOK,
          admissionReviewVersions: ['v1', 'v1beta1'],
          clientConfig: {
            service: {
              namespace: gk.namespace,
              name: 'gatekeeper-webhook-service',
              path: '/v1/admit',
              port: 443,
            },
          },
          failurePolicy: gk.failurePolicy,
          matchPolicy: 'Exact',
          namespaceSelector: {
            matchExpressions: [{ key: 'admission.gatekeeper.sh/ignore', operator: 'DoesNotExist' }],
          },
          objectSelector: {},
          rules: [
            {
              apiGroups: ['*'],
              apiVersions: ['*'],
              operations: ['CREATE', 'UPDATE'],
              resources: ['*', 'pods/ephemeralcontainers', 'pods/exec', 'pods/log', 'pods/eviction'],
              scope: '*',
            },
          ],
          sideEffects: 'None',
          timeoutSeconds: 3,
        },
      ],
    } as KubeObject,
    admin,
  );
}
