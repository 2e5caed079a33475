import { readFileSync } from 'fs';
import { join } from 'path';
import { ApiObject, App, Chart, Testing } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import {
  Accelerator, EndpointPickerFailureMode, GatewayImplementation, LoraAdapter, Model, ModelService, ModelServiceProps, renderPlanMarkdown, Routing, Runtime,
} from '../lib';
import { planFleet } from '../lib/pulumi';
import { celErrors, celRuleCount } from './support/cel';
import { evaluateCelRules } from './support/cel-rules';
import { expectValidationError } from './support/errors';
import { synthExampleObjects } from './support/examples';
import { mermaidBlock, parseFlowchart } from './support/mermaid-flowchart';
import { admits, Caller } from './support/network-policy';
import { podSpecsOf, restrictedViolations } from './support/pss';
import { expectSchemaValid, schemaErrors } from './support/schema';

const base: ModelServiceProps = {
  model: Model.huggingFace('meta-llama/Llama-3.1-8B-Instruct'),
  accelerator: Accelerator.NVIDIA_L4,
  runtime: Runtime.vllm({ maxModelLen: 4096 }),
  route: { gatewayName: 'public', gatewayNamespace: 'gateways' },
};

/** A service with LoRA adapters named `adapters` (Hugging Face adapters at a pinned revision). */
function synth(props: Partial<ModelServiceProps> = {}, adapters?: string[]): any[] {
  const app = new App();
  const chart = new Chart(app, 'llm', { namespace: 'llm' });
  const lora = adapters ? { adapters: adapters.map(name => LoraAdapter.huggingFace(`acme/${name.toLowerCase().replace(/[^a-z0-9-]/g, '-')}`, { revision: '3a1f0c2', name })) } : {};
  new ModelService(chart, 'llama', { ...base, ...lora, ...props });
  return Testing.synth(chart);
}

const find = (objs: any[], kind: string, name?: string) => objs.find(o => o.kind === kind && (name === undefined || o.metadata.name === name));
const pooled = () => synth({ routing: Routing.inferencePool() });

describe('Routing.service() is today\'s output', () => {
  test('byte-identical with and without routing: Routing.service()', () => {
    expect(JSON.stringify(synth({ routing: Routing.service() }))).toBe(JSON.stringify(synth()));
  });
});

describe('Routing.inferencePool()', () => {
  test('every object is valid by the Kubernetes schemas and the vendored CRDs', () => {
    const objs = pooled();
    expect(objs.map(o => o.kind).sort()).toEqual([
      'ConfigMap', 'Deployment', 'Deployment', 'DestinationRule', 'HTTPRoute', 'InferencePool', 'NetworkPolicy', 'NetworkPolicy', 'PodDisruptionBudget',
      'PodDisruptionBudget', 'PodMonitor', 'Role', 'RoleBinding', 'Service', 'Service', 'ServiceAccount', 'ServiceAccount',
    ]);
    expectSchemaValid(objs);
  });

  test('InferencePool: the service\'s pods on the engine port, the picker\'s Service on its ext-proc port', () => {
    const objs = pooled();
    const pool = find(objs, 'InferencePool');
    const svc = find(objs, 'Service', 'llama');
    expect(pool.apiVersion).toBe('inference.networking.k8s.io/v1');
    expect(pool.spec.selector.matchLabels).toEqual(svc.spec.selector);
    expect(pool.spec.targetPorts).toEqual([{ number: 8000 }]);
    const epp = find(objs, 'Service', pool.spec.endpointPickerRef.name);
    expect(epp.spec.ports).toContainEqual(expect.objectContaining({ port: pool.spec.endpointPickerRef.port.number, appProtocol: 'kubernetes.io/h2c' }));
    expect(pool.spec.endpointPickerRef.failureMode).toBe('FailOpen');
    // The model Service must not select the picker's pods (and the picker's Service no model pod).
    const eppPods = find(objs, 'Deployment', 'llama-epp').spec.template.metadata.labels;
    expect(Object.entries(svc.spec.selector).every(([k, v]) => eppPods[k] === v)).toBe(false);
    const modelPods = find(objs, 'Deployment', 'llama').spec.template.metadata.labels;
    expect(Object.entries(epp.spec.selector).every(([k, v]) => modelPods[k] === v)).toBe(false);
  });

  test('FailClose is rendered', () => {
    const pool = find(synth({ routing: Routing.inferencePool({ failureMode: EndpointPickerFailureMode.FAIL_CLOSE }) }), 'InferencePool');
    expect(pool.spec.endpointPickerRef.failureMode).toBe('FailClose');
  });

  test('the HTTPRoute sends to the InferencePool; its CEL rules and the pool\'s pass', () => {
    const objs = pooled();
    const route = find(objs, 'HTTPRoute');
    expect(route.spec.rules[0].backendRefs).toEqual([{ group: 'inference.networking.k8s.io', kind: 'InferencePool', name: 'llama' }]);
    const { outcomes } = evaluateCelRules(objs);
    const failed = outcomes.filter(o => o.status !== 'pass');
    expect(failed).toEqual([]);
    // The rules really ran on the route's backendRef and on the pool.
    expect(outcomes.filter(o => o.object === 'InferencePool llm/llama').length).toBeGreaterThanOrEqual(2);
    expect(outcomes.filter(o => o.object === 'HTTPRoute llm/llama' && o.valuePath.includes('backendRefs')).length).toBeGreaterThan(0);
    expect(celRuleCount(find(objs, 'InferencePool'))).toBeGreaterThan(0);
  });

  test('negative controls: the checkers refuse a pool without the picker\'s port and a route to a portless Service', () => {
    const pool = structuredClone(find(pooled(), 'InferencePool'));
    delete pool.spec.endpointPickerRef.port;
    expect(celErrors(pool).join('\n')).toMatch(/port is required/);
    const route = structuredClone(find(pooled(), 'HTTPRoute'));
    route.spec.rules[0].backendRefs = [{ name: 'llama' }];
    expect(celErrors(route).length).toBeGreaterThan(0);
    const dup = structuredClone(find(pooled(), 'InferencePool'));
    dup.spec.targetPorts = [{ number: 8000 }, { number: 8000 }];
    expect(celErrors(dup).join('\n')).toMatch(/unique/);
    const noSelector = structuredClone(find(pooled(), 'InferencePool'));
    delete noSelector.spec.selector;
    expect(schemaErrors(noSelector).length).toBeGreaterThan(0);
  });

  test('one InferenceObjective per adapter, valid by the llm-d.ai CRD, pointing at the pool', () => {
    const objs = synth({ routing: Routing.inferencePool() }, ['sql-lora', 'chat-lora']);
    const objectives = objs.filter(o => o.kind === 'InferenceObjective');
    expect(objectives.map(o => o.metadata.name)).toEqual(['sql-lora', 'chat-lora']);
    for (const o of objectives) {
      expect(o.apiVersion).toBe('llm-d.ai/v1alpha2');
      expect(o.spec).toEqual({ priority: 0, poolRef: { group: 'inference.networking.k8s.io', kind: 'InferencePool', name: 'llama' } });
    }
    expectSchemaValid(objs);
    expect(evaluateCelRules(objs).outcomes.filter(o => o.status !== 'pass')).toEqual([]);
    // Without a pool, adapters make no objectives.
    expect(synth({}, ['sql-lora']).some(o => o.kind === 'InferenceObjective')).toBe(false);
  });

  test('an adapter name that cannot name an object is a ValidationError', () => {
    const e = expectValidationError(() => synth({ routing: Routing.inferencePool() }, ['Org/Adapter']));
    expect(e.problems[0]).toMatchObject({ property: expect.stringMatching(/^adapters\[0\]/), value: expect.stringContaining('Org/Adapter') });
    expect(e.problems[0].fix).toBeTruthy();
  });

  test('the picker\'s pods are PSS restricted, probed on the gRPC health port', () => {
    const d = find(pooled(), 'Deployment', 'llama-epp');
    expect(restrictedViolations(d.spec.template.spec)).toEqual([]);
    const c = d.spec.template.spec.containers[0];
    expect(c.livenessProbe.grpc.port).toBe(9003);
    expect(c.readinessProbe.grpc.port).toBe(9003);
    expect(c.ports.find((p: any) => p.name === 'grpc-health').containerPort).toBe(9003);
    // Pinned image, from the reference chart's repository.
    const values = readFileSync(join(__dirname, '..', 'vendor', 'reference', 'llm-d-router', 'routerlib_values.yaml'), 'utf8');
    expect(values).toMatch(/registry: ghcr\.io\/llm-d\s+repository: llm-d-router-endpoint-picker/);
    expect(c.image).toBe('ghcr.io/llm-d/llm-d-router-endpoint-picker:v0.10.0');
  });

  test('the plugin config: the chart\'s default scorers and weights, configurable, SGLang names its engine', () => {
    const cfg = (objs: any[]) => find(objs, 'ConfigMap').data['default-plugins.yaml'] as string;
    const parsed = parseAllDocuments(cfg(pooled()))[0].toJSON();
    expect(parsed.kind).toBe('EndpointPickerConfig');
    expect(parsed.schedulingProfiles[0].plugins).toEqual([
      { pluginRef: 'queue-scorer', weight: 2 }, { pluginRef: 'kv-cache-utilization-scorer', weight: 2 }, { pluginRef: 'prefix-cache-scorer', weight: 3 },
    ]);
    // The chart's own default profile, read from the vendored template (Helm lines dropped).
    const chart = readFileSync(join(__dirname, '..', 'vendor', 'reference', 'llm-d-router', 'routerlib__config.yaml'), 'utf8');
    for (const p of parsed.schedulingProfiles[0].plugins) expect(chart).toMatch(new RegExp(`pluginRef: ${p.pluginRef}\\s+weight: ${p.weight}`));
    const custom = parseAllDocuments(cfg(synth({ routing: Routing.inferencePool({ scorers: { prefixCache: 0, queue: 5, loraAffinity: 1 } }) })))[0].toJSON();
    expect(custom.schedulingProfiles[0].plugins).toEqual([
      { pluginRef: 'queue-scorer', weight: 5 }, { pluginRef: 'kv-cache-utilization-scorer', weight: 2 }, { pluginRef: 'lora-affinity-scorer', weight: 1 },
    ]);
    expect(custom.plugins.map((p: any) => p.type)).not.toContain('prefix-cache-scorer');
    const sglang = parseAllDocuments(cfg(synth({ runtime: Runtime.sglang({ maxModelLen: 4096 }), routing: Routing.inferencePool() })))[0].toJSON();
    expect(sglang.plugins.find((p: any) => p.type === 'core-metrics-extractor').parameters).toEqual({ defaultEngine: 'sglang' });
    expect(find(synth({ runtime: Runtime.sglang({ maxModelLen: 4096 }), routing: Routing.inferencePool() }), 'InferencePool').spec.targetPorts).toEqual([{ number: 30000 }]);
  });
});

describe('RBAC: least privilege, compared with the picker\'s own chart', () => {
  /** Role rules of a vendored Helm template: template lines dropped, the YAML left parsed. */
  function chartRules(file: string): { kind: string; pairs: string[] }[] {
    const text = readFileSync(join(__dirname, '..', 'vendor', 'reference', 'llm-d-router', file), 'utf8')
      .split('\n').filter(l => !/^\s*\{\{.*\}\}\s*$/.test(l)).map(l => l.replace(/\{\{[^}]*\}\}/g, 'x')).join('\n');
    return parseAllDocuments(text).map(d => d.toJSON()).filter(d => d && (d.kind === 'Role' || d.kind === 'ClusterRole'))
      .map(d => ({ kind: d.kind, pairs: pairsOf(d.rules) }));
  }
  function pairsOf(rules: any[]): string[] {
    return rules.flatMap(r => (r.nonResourceURLs ?? []).length > 0
      ? r.nonResourceURLs.flatMap((u: string) => r.verbs.map((v: string) => `nonResource ${u} ${v}`))
      : r.apiGroups.flatMap((g: string) => r.resources.flatMap((res: string) => r.verbs.map((v: string) => `${g || 'core'}/${res} ${v}`)))).sort();
  }

  test('every verb on every resource the EPP gets, its charts ask for; what they ask for beyond it is the three documented omissions', () => {
    const objs = pooled();
    expect(objs.some(o => o.kind === 'ClusterRole' || o.kind === 'ClusterRoleBinding')).toBe(false);
    const emitted = pairsOf(find(objs, 'Role').rules);
    const upstream = [...chartRules('routerlib__rbac.yaml'), ...chartRules('gateway_rbac.yaml')];
    const upstreamRole = [...new Set(upstream.filter(r => r.kind === 'Role').flatMap(r => r.pairs))].sort();
    expect(upstreamRole.length).toBeGreaterThan(0);
    // Nothing beyond what upstream asks for.
    expect(emitted.filter(p => !upstreamRole.includes(p))).toEqual([]);
    // What upstream asks for and modelship leaves out: the deprecated group only.
    expect(upstreamRole.filter(p => !emitted.includes(p)).every(p => p.startsWith('inference.networking.x-k8s.io/'))).toBe(true);
    // The ClusterRole (metrics auth) is left out: --metrics-endpoint-auth=false.
    const cluster = upstream.filter(r => r.kind === 'ClusterRole').flatMap(r => r.pairs);
    expect(cluster).toEqual(expect.arrayContaining(['authentication.k8s.io/tokenreviews create', 'nonResource /metrics get']));
    expect(find(objs, 'Deployment', 'llama-epp').spec.template.spec.containers[0].args).toContain('--metrics-endpoint-auth=false');
    // Read-only.
    expect(emitted.every(p => / (get|list|watch)$/.test(p))).toBe(true);
    expect(emitted).toEqual([
      'core/pods get', 'core/pods list', 'core/pods watch',
      'inference.networking.k8s.io/inferencepools get', 'inference.networking.k8s.io/inferencepools list', 'inference.networking.k8s.io/inferencepools watch',
      'llm-d.ai/inferencemodelrewrites get', 'llm-d.ai/inferencemodelrewrites list', 'llm-d.ai/inferencemodelrewrites watch',
      'llm-d.ai/inferenceobjectives get', 'llm-d.ai/inferenceobjectives list', 'llm-d.ai/inferenceobjectives watch',
    ]);
    // Bound to the picker's ServiceAccount, which its pods run as.
    const binding = find(objs, 'RoleBinding');
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'llama-epp', namespace: 'llm' }]);
    expect(find(objs, 'Deployment', 'llama-epp').spec.template.spec.serviceAccountName).toBe('llama-epp');
  });
});

describe('NetworkPolicies with an InferencePool', () => {
  const istioProxy: Caller = { namespace: 'gateways', podLabels: { 'gateway.networking.k8s.io/gateway-name': 'public' } };
  const prometheus: Caller = { namespace: 'monitoring', podLabels: { app: 'prometheus' } };
  const eppPod: Caller = { namespace: 'llm', podLabels: { 'modelship.dev/endpoint-picker': 'llama' } };
  const stranger: Caller = { namespace: 'other', podLabels: { app: 'x' } };

  test('the picker: the Gateway\'s proxies on ext-proc, Prometheus on metrics, nobody else', () => {
    const np = find(pooled(), 'NetworkPolicy', 'llama-epp');
    expect(admits(np, istioProxy, 9002)).toBe(true);
    expect(admits(np, istioProxy, 9090)).toBe(false);
    expect(admits(np, prometheus, 9090)).toBe(true);
    expect(admits(np, prometheus, 9002)).toBe(false);
    expect(admits(np, stranger, 9002)).toBe(false);
  });

  test('the model pods: the picker scrapes their metrics; the proxies still reach the API port', () => {
    const np = find(pooled(), 'NetworkPolicy', 'llama');
    expect(admits(np, eppPod, 8000)).toBe(true);
    expect(admits(np, istioProxy, 8000)).toBe(true);
    expect(admits(np, stranger, 8000)).toBe(false);
  });

  test('Envoy Gateway and GKE: each implementation\'s callers reach the picker', () => {
    const envoy = find(synth({ routing: Routing.inferencePool(), route: { gatewayName: 'public', gatewayNamespace: 'gateways', implementation: GatewayImplementation.envoyGateway() } }), 'NetworkPolicy', 'llama-epp');
    expect(admits(envoy, { namespace: 'envoy-gateway-system', podLabels: { 'gateway.envoyproxy.io/owning-gateway-name': 'public', 'gateway.envoyproxy.io/owning-gateway-namespace': 'gateways' } }, 9002)).toBe(true);
    expect(admits(envoy, istioProxy, 9002)).toBe(false);
    const gke = find(synth({ routing: Routing.inferencePool(), route: { gatewayName: 'public', implementation: GatewayImplementation.gke() } }), 'NetworkPolicy', 'llama-epp');
    // GKE health-checks the picker on its gRPC health port (llm-d-router gateway chart, gke.yaml).
    expect(admits(gke, { ip: '35.191.3.4' }, 9003)).toBe(true);
    expect(admits(gke, { ip: '35.191.3.4' }, 9002)).toBe(true);
  });
});

describe('bad input: ValidationErrors with fixes', () => {
  test.each([
    ['TGI', Runtime.tgi()],
    ['Triton', Runtime.triton()],
    ['vLLM before 0.9.2', Runtime.vllm({ version: '0.9.1', maxModelLen: 4096 })],
    ['a custom container', Runtime.custom({ image: 'registry.example.com/server:v1' })],
  ])('an InferencePool on %s', (_name, runtime) => {
    const e = expectValidationError(() => synth({ runtime, routing: Routing.inferencePool() }));
    const p = e.problems.find(x => x.property === 'routing')!;
    expect(p).toBeDefined();
    expect(p.reason).toMatch(/endpoint picker/);
    expect(p.fix).toMatch(/Runtime\.vllm|vLLM 0\.9\.2|Routing\.service/);
    expect(p.path).toBe('llm/llama');
  });

  test.each([
    [{ queue: -1 }, 'scorers.queue'],
    [{ prefixCache: 1.5 }, 'scorers.prefixCache'],
    [{ kvCacheUtilization: Number.NaN }, 'scorers.kvCacheUtilization'],
    [{ queue: Infinity }, 'scorers.queue'],
    [{ queue: '2' as any }, 'scorers.queue'],
    [{ queue: 101 }, 'scorers.queue'],
    [{ queue: 0, kvCacheUtilization: 0, prefixCache: 0 }, 'scorers'],
    [{ latency: 1 } as any, 'scorers.latency'],
  ])('bad scorer weights %p', (scorers, property) => {
    const e = expectValidationError(() => synth({ routing: Routing.inferencePool({ scorers }) }));
    expect(e.problems.map(p => p.property)).toContain(`routing.${property}`);
    expect(e.problems.every(p => p.fix.length > 0)).toBe(true);
  });

  test('a bad failure mode, picker resources and option shapes (JavaScript callers)', () => {
    const e = expectValidationError(() => synth({ routing: Routing.inferencePool({ failureMode: 'Open' as any, endpointPicker: { cpu: 0, memoryGiB: 2.5, image: 'a b' } }) }));
    expect(e.problems.map(p => p.property).sort()).toEqual(['routing.endpointPicker.cpu', 'routing.endpointPicker.image', 'routing.endpointPicker.memoryGiB', 'routing.failureMode']);
    expectValidationError(() => Routing.inferencePool({ scorers: 3 as any }));
    expectValidationError(() => Routing.inferencePool('x' as any));
    const wrong = expectValidationError(() => synth({ routing: 'inference-pool' as any }));
    expect(wrong.problems[0].property).toBe('routing');
  });
});

describe('Pulumi: the pool after its picker\'s RBAC and Deployment, routes and objectives after the pool', () => {
  test('dependencies and creation order', () => {
    const app = new App();
    const chart = new Chart(app, 'llm', { namespace: 'llm' });
    ApiObjectNamespace(chart);
    new ModelService(chart, 'llama', { ...base, adapters: [LoraAdapter.huggingFace('acme/sql-lora', { revision: '3a1f0c2', name: 'sql-lora' })], routing: Routing.inferencePool() });
    const plan = planFleet(chart);
    const deps = Object.fromEntries(plan.objects.map(o => [o.key, o.dependsOn]));
    const pool = 'InferencePool/llm/llama';
    expect(deps[pool]).toEqual(expect.arrayContaining(['Namespace/llm', 'Deployment/llm/llama-epp', 'Deployment/llm/llama']));
    // Transitively after the picker's Role, RoleBinding, ServiceAccount and ConfigMap (Deployments wait for config).
    expect(deps['Deployment/llm/llama-epp']).toEqual(expect.arrayContaining(['Role/llm/llama-epp', 'RoleBinding/llm/llama-epp', 'ServiceAccount/llm/llama-epp', 'ConfigMap/llm/llama-epp']));
    expect(deps['HTTPRoute/llm/llama']).toContain(pool);
    expect(deps['InferenceObjective/llm/sql-lora']).toContain(pool);
    const position = new Map(plan.objects.map((o, i) => [o.key, i]));
    for (const o of plan.objects) for (const d of o.dependsOn) expect(position.get(d)!).toBeLessThan(position.get(o.key)!);
  });
});

function ApiObjectNamespace(chart: Chart): void {
  new ApiObject(chart, 'ns', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'llm' } });
}

describe('PLAN.md and the topology', () => {
  test('gateway -> InferencePool -> EPP -> replicas, with the picker\'s scorers and failure mode', () => {
    const app = new App();
    const chart = new Chart(app, 'llm', { namespace: 'llm' });
    new ModelService(chart, 'llama', { ...base, adapters: [LoraAdapter.huggingFace('acme/sql-lora', { revision: '3a1f0c2', name: 'sql-lora' })], routing: Routing.inferencePool({ failureMode: EndpointPickerFailureMode.FAIL_CLOSE }) });
    const md = renderPlanMarkdown(chart);
    expect(md).toContain('## inference-pool: llm/llama');
    expect(md).toContain('- scorers: queue 2, kvCacheUtilization 2, prefixCache 3');
    expect(md).toContain('- failure mode: FailClose (picker down = model down)');
    expect(md).toContain('- objectives: sql-lora');
    const flow = parseFlowchart(mermaidBlock(md));
    const [poolId, pool] = [...flow.nodes].find(([, n]) => n.label.includes('InferencePool llama'))!;
    expect(pool.label).toContain('gateway gateways/public -#gt; InferencePool llama -#gt; EPP llama-epp -#gt; replicas');
    const [svcId] = [...flow.nodes].find(([, n]) => n.label.startsWith('llm/llama'))!;
    expect(flow.edges).toContainEqual({ from: poolId, to: svcId, dotted: true });
  });
});

test('without a route, the picker admits the service\'s own callers on ext-proc (a Gateway set up elsewhere)', () => {
  const objs = synth({ routing: Routing.inferencePool(), route: undefined, network: { allowNamespaces: ['gateways'] } });
  const np = find(objs, 'NetworkPolicy', 'llama-epp');
  expect(admits(np, { namespace: 'gateways', podLabels: { app: 'gw' } }, 9002)).toBe(true);
  expect(admits(np, { namespace: 'llm', podLabels: { app: 'client' } }, 9002)).toBe(true);
  expect(admits(np, { namespace: 'other', podLabels: { app: 'x' } }, 9002)).toBe(false);
});

test('examples/inference-gateway: every pod of the restricted namespace, model server and endpoint picker alike, is PSS restricted', () => {
  // The DCGM exporter (a node agent with host access) runs in gpu-system, outside the ModelNamespace.
  const objs = synthExampleObjects('inference-gateway').filter(o => o.metadata?.namespace === 'llm');
  const pods = objs.flatMap(podSpecsOf);
  expect(pods.filter(p => p.labels['app.kubernetes.io/component'] === 'endpoint-picker')).toHaveLength(2);
  for (const p of pods) expect(restrictedViolations(p.spec)).toEqual([]);
});
