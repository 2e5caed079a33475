import { App, Chart, Testing, Yaml } from 'cdk8s';
import {
  Accelerator, Model, ModelNamespace, ModelService, ModelServiceProps, PodSecurityLevel, renderPlanMarkdown, Runtime,
} from '../lib';
import { expectValidationError } from './support/errors';
import { expectRestricted } from './support/pss';
import { expectSchemaValid } from './support/schema';

const base: ModelServiceProps = {
  model: Model.fromObjectStore('s3://weights/llama-3.1-8b', { spec: { parametersBillions: 8, layers: 32, attentionHeads: 32, kvHeads: 8, headDim: 128 } }),
  accelerator: Accelerator.NVIDIA_L4,
  runtime: Runtime.vllm({ maxModelLen: 4096 }),
};

describe('ServiceAccount annotations (IRSA, GKE Workload Identity)', () => {
  test('are set on the service\'s ServiceAccount, which the pods use', () => {
    const chart = Testing.chart();
    new ModelService(chart, 'llama', {
      ...base,
      serviceAccountAnnotations: { 'iam.gke.io/gcp-service-account': 'llm@proj.iam.gserviceaccount.com', 'eks.amazonaws.com/role-arn': 'arn:aws:iam::123456789012:role/llm-weights' },
    });
    const objs = Testing.synth(chart);
    expectSchemaValid(objs);
    const sa = objs.find(o => o.kind === 'ServiceAccount');
    expect(sa.metadata.annotations).toEqual({
      'eks.amazonaws.com/role-arn': 'arn:aws:iam::123456789012:role/llm-weights',
      'iam.gke.io/gcp-service-account': 'llm@proj.iam.gserviceaccount.com',
    });
    expect(objs.find(o => o.kind === 'Deployment').spec.template.spec.serviceAccountName).toBe(sa.metadata.name);
  });

  test('none given: no annotations field, as before', () => {
    const chart = Testing.chart();
    new ModelService(chart, 'llama', base);
    expect(Testing.synth(chart).find(o => o.kind === 'ServiceAccount').metadata.annotations).toBeUndefined();
  });

  test('an annotation key Kubernetes would refuse is a ValidationError', () => {
    const e = expectValidationError(() => new ModelService(Testing.chart(), 'llama', { ...base, serviceAccountAnnotations: { 'eks amazonaws com/role arn': 'x' } }));
    expect(e.problems.map(p => p.property)).toEqual(['serviceAccountAnnotations["eks amazonaws com/role arn"]']);
  });
});

describe('ModelNamespace: the namespace, labelled for Pod Security admission', () => {
  function build(props = {}): { objs: any[]; app: App } {
    const app = new App();
    const chart = new Chart(app, 'llm', { namespace: 'llm' });
    new ModelNamespace(chart, 'ns', props);
    new ModelService(chart, 'llama', base);
    return { objs: Testing.synth(chart), app };
  }

  test('restricted enforced (and warned and audited) at a pinned version; cluster-scoped; first in the chart', () => {
    const { objs } = build();
    expectSchemaValid(objs);
    expect(objs[0].kind).toBe('Namespace');
    const ns = objs[0];
    expect(ns.metadata.name).toBe('llm');
    expect(ns.metadata.namespace).toBeUndefined();
    // Label names and values from kubernetes.io/docs/concepts/security/pod-security-admission
    // ("pod-security.kubernetes.io/<MODE>: <LEVEL>", "pod-security.kubernetes.io/<MODE>-version: <VERSION>").
    expect(ns.metadata.labels).toMatchObject({
      'pod-security.kubernetes.io/enforce': 'restricted',
      'pod-security.kubernetes.io/enforce-version': 'v1.28',
      'pod-security.kubernetes.io/warn': 'restricted',
      'pod-security.kubernetes.io/audit': 'restricted',
    });
    // ... and what it enforces, the model pods meet.
    expectRestricted(objs);
    expect(Yaml.stringify(...objs)).not.toMatch(/namespace: undefined/);
  });

  test('another level, version, name and labels', () => {
    const { objs } = build({ name: 'models', podSecurityLevel: PodSecurityLevel.BASELINE, podSecurityVersion: 'latest', labels: { team: 'ml' } });
    expect(objs[0].metadata).toMatchObject({ name: 'models', labels: { 'team': 'ml', 'pod-security.kubernetes.io/enforce': 'baseline', 'pod-security.kubernetes.io/enforce-version': 'latest' } });
  });

  test.each<[string, object, RegExp]>([
    ['a bad version', { podSecurityVersion: '1.28' }, /podSecurityVersion = "1.28": Pod Security admission takes "latest" or a Kubernetes minor version/],
    ['a Pod Security label by hand', { labels: { 'pod-security.kubernetes.io/enforce': 'privileged' } }, /Pod Security labels are set from podSecurityLevel/],
    ['a bad name', { name: 'LLM' }, /name = "LLM": not a DNS-1123 label/],
  ])('refused: %s', (_case, props, message) => {
    expect(expectValidationError(() => build(props)).message).toMatch(message);
  });

  test('a chart without a namespace needs a name; two for one namespace are refused', () => {
    const app = new App();
    const chart = new Chart(app, 'c');
    expect(expectValidationError(() => new ModelNamespace(chart, 'ns')).problems[0].property).toBe('name');
    new ModelNamespace(chart, 'a', { name: 'llm' });
    expect(expectValidationError(() => new ModelNamespace(chart, 'b', { name: 'llm' })).message).toMatch(/the namespace c\/a has the same name/);
  });
});

describe('a single replica: drains go through, and the plan says what that costs', () => {
  function planOf(props: Partial<ModelServiceProps>): { pdb: any; plan: string; warnings: readonly string[] } {
    const app = new App();
    const chart = new Chart(app, 'llm', { namespace: 'llm' });
    const svc = new ModelService(chart, 'llama', { ...base, ...props });
    return { pdb: Testing.synth(chart).find(o => o.kind === 'PodDisruptionBudget'), plan: renderPlanMarkdown(app), warnings: svc.plan.warnings };
  }

  test('one replica: PDB maxUnavailable 1 (minAvailable 1 would block every node drain), with a warning in PLAN.md', () => {
    const { pdb, plan } = planOf({});
    expect(pdb.spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: { 'modelship.dev/service': 'llama' } } });
    expect(plan).toMatch(/llm\/llama: one replica at minimum scale: a node drain .* evicts it.*the API is down until a replacement loads \(startup budget \d+ s\)\. Run 2 or more replicas/);
  });

  test('autoscaling from 1 warns too; 2 replicas do not', () => {
    expect(planOf({ autoscaling: { minReplicas: 1, maxReplicas: 3 } }).warnings.some(n => n.startsWith('one replica'))).toBe(true);
    expect(planOf({ replicas: 2 }).warnings.some(n => n.startsWith('one replica'))).toBe(false);
  });
});
