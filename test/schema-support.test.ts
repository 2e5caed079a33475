/**
 * Proves that the schema helper in test/support/schema.ts accepts valid
 * manifests and catches the mistakes it exists for (unknown fields, wrong
 * types, unknown kinds, bad names/labels, interpolation leftovers).
 */
import { ApiObject, Chart, Testing } from 'cdk8s';
import { expectSchemaValid, schemaErrors } from './support/schema';

function deployment(overrides: { spec?: any; container?: any; metadata?: any } = {}): any {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'llama-3-8b', namespace: 'models', labels: { 'app.kubernetes.io/name': 'llama-3-8b' }, ...overrides.metadata },
    spec: {
      replicas: 2,
      selector: { matchLabels: { 'app.kubernetes.io/name': 'llama-3-8b' } },
      template: {
        metadata: { labels: { 'app.kubernetes.io/name': 'llama-3-8b' } },
        spec: {
          containers: [
            {
              name: 'server',
              image: 'vllm/vllm-openai:v0.6.0',
              ports: [{ name: 'http', containerPort: 8000 }],
              resources: { requests: { cpu: '4', memory: '32Gi' }, limits: { memory: '32Gi' } },
              readinessProbe: { httpGet: { path: '/health', port: 'http' } },
              ...overrides.container,
            },
          ],
        },
      },
      ...overrides.spec,
    },
  };
}

function scaledObject(spec: any = {}): any {
  return {
    apiVersion: 'keda.sh/v1alpha1',
    kind: 'ScaledObject',
    metadata: { name: 'llama-3-8b', namespace: 'models' },
    spec: {
      scaleTargetRef: { name: 'llama-3-8b' },
      minReplicaCount: 1,
      maxReplicaCount: 4,
      triggers: [
        {
          type: 'prometheus',
          metadata: {
            serverAddress: 'http://prometheus.monitoring:9090',
            query: 'sum(vllm:num_requests_waiting{model="llama-3-8b"})',
            threshold: '10',
          },
        },
      ],
      ...spec,
    },
  };
}

/** Asserts that some error mentions every given fragment. */
function expectError(obj: any, ...fragments: string[]): void {
  const errors = schemaErrors(obj);
  const hit = errors.find((e) => fragments.every((f) => e.includes(f)));
  if (!hit) {
    throw new Error(`expected an error containing ${JSON.stringify(fragments)}, got:\n${errors.join('\n') || '(no errors)'}`);
  }
}

describe('core kinds (kubernetes-models)', () => {
  test('a valid Deployment passes', () => {
    expect(schemaErrors(deployment())).toEqual([]);
  });

  test('a misspelled field (spec.replicaz) is reported', () => {
    const obj = deployment({ spec: { replicaz: 3 } });
    expect(schemaErrors(obj)).toEqual(['spec.replicaz: unknown field "replicaz" (not in the schema)']);
  });

  test('unknown fields are found deep inside the pod template', () => {
    expectError(deployment({ container: { imagePullPolicyy: 'Always' } }), 'spec.template.spec.containers[0].imagePullPolicyy', 'unknown field');
    expectError(deployment({ metadata: { label: { a: 'b' } } }), 'metadata.label', 'unknown field');
  });

  test('GPU limits may be numbers or strings (quantities)', () => {
    const numeric = deployment({ container: { resources: { limits: { 'nvidia.com/gpu': 1 } } } });
    const text = deployment({ container: { resources: { limits: { 'nvidia.com/gpu': '1' } } } });
    expect(schemaErrors(numeric)).toEqual([]);
    expect(schemaErrors(text)).toEqual([]);
  });

  test('an invalid quantity is reported with its path', () => {
    expectError(
      deployment({ container: { resources: { limits: { 'nvidia.com/gpu': 'one' } } } }),
      'spec.template.spec.containers[0].resources.limits["nvidia.com/gpu"]',
      'quantity',
    );
  });

  test('a wrong type (replicas: "two") is reported', () => {
    expectError(deployment({ spec: { replicas: 'two' } }), 'spec.replicas', 'must be integer');
  });

  test('missing required fields are reported', () => {
    const obj = deployment();
    delete obj.spec.selector;
    expectError(obj, 'spec.selector', 'required');
  });

  test('null leftovers in typed fields are reported', () => {
    expectError(deployment({ container: { image: null } }), 'containers[0].image', 'null');
  });

  test('free-form fields (RawExtension) are not subject to the unknown-field check', () => {
    const revision = {
      apiVersion: 'apps/v1',
      kind: 'ControllerRevision',
      metadata: { name: 'rev-1' },
      revision: 1,
      data: { anything: { goes: true } },
    };
    expect(schemaErrors(revision)).toEqual([]);
  });

  test('other core groups resolve generically', () => {
    const objs = [
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'llama' }, spec: { selector: { app: 'llama' }, ports: [{ port: 80, targetPort: 'http' }] } },
      { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'llama' }, spec: { maxUnavailable: 1, selector: { matchLabels: { app: 'llama' } } } },
      { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'llama' }, spec: { podSelector: {}, policyTypes: ['Ingress'] } },
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'modelship:metrics-reader' }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }] },
      { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'warmup' }, spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'w', image: 'busybox' }] } } } },
      {
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        metadata: { name: 'llama' },
        spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'llama' }, maxReplicas: 3 },
      },
    ];
    expectSchemaValid(objs);
  });
});

describe('CRD kinds (vendor/crds)', () => {
  test('a valid KEDA ScaledObject passes', () => {
    expect(schemaErrors(scaledObject())).toEqual([]);
  });

  test('a ScaledObject with an unknown field is reported', () => {
    expect(schemaErrors(scaledObject({ maxReplicas: 4 }))).toEqual([
      'spec.maxReplicas: unknown field "maxReplicas" (not in the schema; the API server would drop it)',
    ]);
    expectError(scaledObject({ scaleTargetRef: { name: 'x', knd: 'Deployment' } }), 'spec.scaleTargetRef.knd', 'unknown field');
  });

  test('CRD type errors, required fields and metadata are checked', () => {
    expectError(scaledObject({ minReplicaCount: 'one' }), 'spec.minReplicaCount', 'must be integer');
    expectError(scaledObject({ triggers: [{ metadata: {} }] }), 'spec.triggers[0].type', 'required');
    expectError({ ...scaledObject(), metadata: { name: 'x', lables: {} } }, 'metadata.lables', 'unknown field');
  });

  test('a PrometheusRule with a rule passes', () => {
    const rule = {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PrometheusRule',
      metadata: { name: 'llama-3-8b', labels: { release: 'kube-prometheus-stack' } },
      spec: {
        groups: [
          {
            name: 'modelship.llama-3-8b',
            rules: [
              {
                alert: 'ModelQueueBacklog',
                expr: 'sum(vllm:num_requests_waiting) > 50',
                for: '10m',
                labels: { severity: 'warning' },
                annotations: { summary: 'Requests are queueing' },
              },
              { record: 'modelship:queue:sum', expr: 'sum(vllm:num_requests_waiting)' },
            ],
          },
        ],
      },
    };
    expect(schemaErrors(rule)).toEqual([]);
    // `for` must look like a Prometheus duration.
    rule.spec.groups[0].rules[0].for = '10 minutes';
    expectError(rule, 'spec.groups[0].rules[0].for', 'pattern');
  });

  test('a minimal Karpenter NodePool passes', () => {
    const nodePool = {
      apiVersion: 'karpenter.sh/v1',
      kind: 'NodePool',
      metadata: { name: 'gpu' },
      spec: {
        template: {
          spec: {
            nodeClassRef: { group: 'karpenter.k8s.aws', kind: 'EC2NodeClass', name: 'gpu' },
            requirements: [{ key: 'karpenter.k8s.aws/instance-family', operator: 'In', values: ['g5', 'p4d'] }],
            taints: [{ key: 'nvidia.com/gpu', effect: 'NoSchedule' }],
          },
        },
        limits: { 'nvidia.com/gpu': 8, 'cpu': '1000' },
      },
    };
    expect(schemaErrors(nodePool)).toEqual([]);
  });

  test('fields under x-kubernetes-preserve-unknown-fields are accepted', () => {
    const rollout = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Rollout',
      metadata: { name: 'llama' },
      spec: {
        selector: { matchLabels: { app: 'llama' } },
        workloadRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'llama' },
        strategy: {
          canary: {
            steps: [{ setWeight: 10 }, { pause: { duration: '5m' } }],
            trafficRouting: { plugins: { 'argoproj-labs/gatewayAPI': { httpRoute: 'llama', namespace: 'models' } } },
          },
        },
      },
    };
    expect(schemaErrors(rollout)).toEqual([]);
  });

  test('a version the CRD does not define is reported', () => {
    expectError({ ...scaledObject(), apiVersion: 'keda.sh/v1' }, 'no version "v1"');
  });
});

describe('generic checks', () => {
  test('an unknown kind is reported', () => {
    expectError({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }, 'unknown kind "Widget"');
    expectError({ apiVersion: 'apps/v1', kind: 'Deploymnet', metadata: { name: 'w' } }, 'unknown kind "Deploymnet"');
    expectError({ apiVersion: 'apps/v1', kind: 'DeploymentSpec', metadata: { name: 'w' } }, 'unknown kind');
    expectError({ apiVersion: 'keda.sh/v1alpha1', kind: 'ScaledThing', metadata: { name: 'w' } }, 'unknown kind "ScaledThing"');
  });

  test('apiVersion, kind and metadata.name are required', () => {
    const errors = schemaErrors({ metadata: {} });
    expect(errors).toEqual(expect.arrayContaining([
      'apiVersion: required non-empty string',
      'kind: required non-empty string',
      'metadata.name: required non-empty string',
    ]));
  });

  test('names must be DNS-1123 subdomains, Service names DNS-1035 labels', () => {
    expectError(deployment({ metadata: { name: 'Llama_3' } }), 'metadata.name', 'DNS-1123 subdomain');
    expect(schemaErrors(deployment({ metadata: { name: 'llama-3.1-8b' } }))).toEqual([]);
    const service = { apiVersion: 'v1', kind: 'Service', metadata: { name: '3llama' }, spec: { ports: [{ port: 80 }] } };
    expectError(service, 'metadata.name', 'DNS-1035');
    expectError({ ...service, metadata: { name: `s${'x'.repeat(63)}` } }, 'metadata.name', 'DNS-1035');
  });

  test('label keys and values are checked, also in selectors and pod templates', () => {
    expectError(deployment({ metadata: { labels: { model: 'x'.repeat(64) } } }), 'metadata.labels["model"]', 'invalid label value');
    expectError(deployment({ metadata: { labels: { 'bad key!': 'v' } } }), 'invalid label key');
    expectError(deployment({ metadata: { labels: { replicas: 2 } } }), 'metadata.labels["replicas"]', 'must be a string');
    const obj = deployment();
    obj.spec.selector.matchLabels.model = 'meta-llama/Llama-3-8B';
    obj.spec.template.metadata.labels.model = 'meta-llama/Llama-3-8B';
    expectError(obj, 'spec.selector.matchLabels["model"]', 'invalid label value');
    expectError(obj, 'spec.template.metadata.labels["model"]', 'invalid label value');
  });

  test('interpolation leftovers and non-JSON values are reported', () => {
    expectError(deployment({ container: { image: 'vllm/vllm-openai:undefined' } }), 'containers[0].image', 'suspicious string');
    expectError(deployment({ container: { args: ['--model=[object Object]'] } }), 'containers[0].args[0]', 'suspicious string');
    expectError(deployment({ spec: { replicas: NaN } }), 'spec.replicas', 'NaN');
    expectError(deployment({ container: { workingDir: undefined } }), 'containers[0].workingDir', 'undefined');
    expectError(deployment({ container: { image: new Date(0) } }), 'containers[0].image', 'not a JSON value');
  });
});

describe('expectSchemaValid', () => {
  test('lists every failing object as kind/name with its problems', () => {
    const bad = [deployment(), deployment({ spec: { replicaz: 3 } }), scaledObject({ maxReplicas: 4 })];
    expect(() => expectSchemaValid(bad)).toThrow(/2 of 3 object\(s\) failed/);
    expect(() => expectSchemaValid(bad)).toThrow(/Deployment\/llama-3-8b[^\n]*\n\s+- spec\.replicaz: unknown field/);
    expect(() => expectSchemaValid(bad)).toThrow(/ScaledObject\/llama-3-8b[^\n]*\n\s+- spec\.maxReplicas: unknown field/);
  });

  test('works on cdk8s Testing.synth output', () => {
    const chart = new Chart(Testing.app(), 'test');
    const d = deployment();
    new ApiObject(chart, 'deployment', { apiVersion: d.apiVersion, kind: d.kind, metadata: d.metadata, spec: d.spec } as any);
    const s = scaledObject();
    new ApiObject(chart, 'scaler', { apiVersion: s.apiVersion, kind: s.kind, metadata: s.metadata, spec: s.spec } as any);
    const manifests = Testing.synth(chart);
    expect(manifests).toHaveLength(2);
    expectSchemaValid(manifests);
  });
});
