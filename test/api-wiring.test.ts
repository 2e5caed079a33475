/**
 * Issue 11: every prop that ends up in an object goes through the API rules (lib/private/api-rules,
 * lib/private/crd-rules), and each problem names the property, the value and a fix. This file
 * pins WHICH property each bad input is reported on; test/api-input.test.ts and
 * test/battery.test.ts prove, with checkers independent of lib, that nothing a cluster refuses
 * gets through.
 */
import { App, Chart, Duration, Testing } from 'cdk8s';
import {
  Accelerator, CanaryRollout, Dcgm, DevicePlugin, GpuNodePool, Model, ModelCache, ModelNamespace, ModelService, MonitoringRule, MonitoringStack,
  Provisioner, Runtime, SurgePolicy, TrafficStrategy, ValidationError,
} from '../lib';

const LLAMA_8B = 'meta-llama/Llama-3.1-8B-Instruct';

function refusal(build: (chart: Chart) => void, namespace: string | undefined = 'llm'): ValidationError {
  const chart = new Chart(new App({ outdir: Testing.app().outdir }), 'c', { namespace });
  try {
    build(chart);
    Testing.synth(chart);
  } catch (e) {
    if (e instanceof ValidationError) return e;
    throw e;
  }
  throw new Error('accepted: expected a ValidationError');
}

const svc = (extra: Record<string, unknown> = {}) => (c: Chart) =>
  new ModelService(c, 'llama', { model: Model.huggingFace(LLAMA_8B), accelerator: Accelerator.NVIDIA_L4, ...extra });
const pool = (o: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => (c: Chart) =>
  new GpuNodePool(c, 'h100', {
    accelerator: Accelerator.NVIDIA_H100_80GB,
    maxGpus: 8,
    provisioner: Provisioner.karpenter({ clusterName: 'llm-prod', nodeRole: 'KarpenterNodeRole', ...o }),
    ...extra,
  });
const canary = (extra: Record<string, unknown> = {}) => (c: Chart) => {
  const p = new GpuNodePool(c, 'h100', { accelerator: Accelerator.NVIDIA_H100_80GB, provisioner: Provisioner.existing(), maxGpus: 64 });
  const s = new ModelService(c, 'llama', { model: Model.huggingFace(LLAMA_8B), runtime: Runtime.vllm({ version: '0.9.2' }), nodePool: p, replicas: 2 });
  new CanaryRollout(c, 'canary', { service: s, candidate: { runtime: Runtime.vllm({ version: '0.10.0' }) }, ...extra });
};
const stack = (extra: Record<string, unknown> = {}) => (c: Chart) =>
  new MonitoringStack(c, 'monitoring', { services: [svc()(c)], ...extra });

/** [title, build, property the problem is reported on, chart namespace] */
export const WIRED: Array<[string, (c: Chart) => unknown, string | RegExp, string?]> = [
  ['chart namespace "LLM"', svc(), 'namespace', 'LLM'],
  ['chart namespace ""', svc(), 'namespace', ''],
  ['label key with a space', svc({ labels: { 'team name': 'a' } }), 'labels["team name"]'],
  ['label value of 64 characters', svc({ labels: { team: 'a'.repeat(64) } }), 'labels["team"]'],
  ['ServiceAccount annotation key', svc({ serviceAccountAnnotations: { 'a b/c': 'x' } }), 'serviceAccountAnnotations["a b/c"]'],
  ['token secret "HF_Token"', svc({ model: Model.huggingFace(LLAMA_8B, { tokenSecret: 'HF_Token' }) }), 'model.tokenSecret.name'],
  ['token secret key "a/b"', svc({ model: Model.huggingFace(LLAMA_8B, { tokenSecret: { name: 'hf', key: 'a/b' } }) }), 'model.tokenSecret.key'],
  ['credentials secret "S3 Creds"', svc({ model: Model.fromObjectStore('s3://b/m', { credentialsSecret: 'S3 Creds' }), gpusPerReplica: 1 }), 'model.credentialsSecret'],
  ['claim name ""', svc({ model: Model.fromVolume({ claimName: '' }), gpusPerReplica: 1 }), 'model.claimName'],
  ['storageClassName "EFS SC"', svc({ cache: ModelCache.shared({ storageClassName: 'EFS SC' }) }), 'cache.storageClassName'],
  ['perReplica storageClassName "gp3!"', svc({ cache: ModelCache.perReplica({ storageClassName: 'gp3!' }) }), 'cache.storageClassName'],
  ['existing cache claim "HF_Token"', svc({ cache: ModelCache.existingClaim('HF_Token') }), 'cache.claimName'],
  ['env name with a space', svc({ env: { 'MY VAR': 'x' } }), 'env["MY VAR"]'],
  ['runtime env name "1X"', svc({ runtime: Runtime.vllm({ env: { '1X': 'x' } }) }), 'runtime.env["1X"]'],
  ['allowNamespaces ["Team A"]', svc({ network: { allowNamespaces: ['Team A'] } }), 'network.allowNamespaces[0]'],
  ['metricsNamespace "Mon"', svc({ network: { metricsNamespace: 'Mon' } }), 'network.metricsNamespace'],
  ['allowPods label "a b"', svc({ network: { allowPods: [{ 'a b': 'x' }] } }), 'network.allowPods[0]["a b"]'],
  ['route gatewayNamespace "GW NS"', svc({ route: { gatewayName: 'gw', gatewayNamespace: 'GW NS' } }), 'route.gatewayNamespace'],
  ['route gatewayName "My GW"', svc({ route: { gatewayName: 'My GW' } }), 'route.gatewayName'],
  ['replicas 1e10', svc({ replicas: 1e10 }), 'replicas'],
  ['maxSurge 1e10', svc({ maxSurge: 1e10 }), 'maxSurge'],
  ['maxReplicas 1e10', svc({ autoscaling: { minReplicas: 1, maxReplicas: 1e10 } }), 'autoscaling.maxReplicas'],
  ['queueDepthPerReplica Infinity', svc({ autoscaling: { minReplicas: 1, maxReplicas: 2, queueDepthPerReplica: Infinity } }), 'autoscaling.queueDepthPerReplica'],
  ['cpu Infinity', svc({ resources: { cpu: Infinity } }), 'resources.cpu'],
  ['memoryGiB 1e21', svc({ resources: { memoryGiB: 1e21 } }), 'resources.memoryGiB'],
  ['cache sizeGiB 0', svc({ cache: ModelCache.shared({ sizeGiB: 0 }) }), 'cache.sizeGiB'],
  ['cache sizeGiB NaN', svc({ cache: ModelCache.perReplica({ sizeGiB: NaN }) }), 'cache.sizeGiB'],
  ['requestTimeout days(5000)', svc({ route: { gatewayName: 'gw', requestTimeout: Duration.days(5000) } }), 'route.requestTimeout'],
  ['requestTimeout 0.5 ms', svc({ route: { gatewayName: 'gw', requestTimeout: Duration.millis(0.5) } }), 'route.requestTimeout'],
  ['Karpenter expireAfter days(1e9)', pool({ expireAfter: Duration.days(1e9) }), 'provisioner.expireAfter'],
  ['monitoring scrapeInterval days(1e9)', stack({ scrapeInterval: Duration.days(1e9) }), 'scrapeInterval'],
  ['monitoring thresholds.kvCacheFor days(1e9)', stack({ thresholds: { kvCacheFor: Duration.days(1e9) } }), 'thresholds.kvCacheFor'],
  ['monitoring rule for days(1e9)', stack({ rules: [MonitoringRule.alert({ name: 'A', expr: 'up == 0', summary: 's', for: Duration.days(1e9) })] }), 'rules[0].for'],
  ['canary pause days(1e9)', canary({ pause: Duration.days(1e9) }), 'pause'],
  ['canary analysis interval 100.25 s', canary({ analysis: { interval: Duration.millis(100250) }, pause: Duration.minutes(30) }), 'analysis.interval'],
  ['custom image "repo:v1:v2"', svc({ runtime: Runtime.custom({ image: 'repo:v1:v2' }), model: Model.fromVolume({ claimName: 'w' }), gpusPerReplica: 1 }), 'runtime.image'],
  ['vLLM image "VLLM/Server:v1"', svc({ runtime: Runtime.vllm({ image: 'VLLM/Server:v1' }) }), 'runtime.image'],
  ['custom port 70000', svc({ runtime: Runtime.custom({ image: 'r/x:v1', port: 70000 }), model: Model.fromVolume({ claimName: 'w' }), gpusPerReplica: 1 }), 'runtime.port'],
  ['custom metricsPort 0', svc({ runtime: Runtime.custom({ image: 'r/x:v1', metricsPort: 0 }), model: Model.fromVolume({ claimName: 'w' }), gpusPerReplica: 1 }), 'runtime.metricsPort'],
  ['custom apiPathPrefix "v1" with a route', svc({ runtime: Runtime.custom({ image: 'r/x:v1', apiPathPrefix: 'v1' }), model: Model.fromVolume({ claimName: 'w' }), gpusPerReplica: 1, route: { gatewayName: 'gw', pathPrefix: '/x/v1' } }), 'runtime.apiPathPrefix'],
  ['autoscaling prometheusUrl "prometheus:9090"', svc({ autoscaling: { minReplicas: 1, maxReplicas: 2, prometheusUrl: 'prometheus:9090' } }), 'autoscaling.prometheusUrl'],
  ['canary analysis prometheusUrl "javascript:alert(1)"', canary({ analysis: { prometheusUrl: 'javascript:alert(1)' } }), 'analysis.prometheusUrl'],
  ['monitoring runbookBaseUrl "javascript:alert(1)"', stack({ runbookBaseUrl: 'javascript:alert(1)' }), 'runbookBaseUrl'],
  ['monitoring rule runbookUrl "data:text/html,x"', stack({ rules: [MonitoringRule.alert({ name: 'A', expr: 'up == 0', summary: 's', runbookUrl: 'data:text/html,x' })] }), 'rules[0].runbookUrl'],
  ['DCGM image "NVCR/DCGM:v1"', (c: Chart) => { const p = pool()(c); stack({ nodePools: [p], dcgm: Dcgm.exporter({ image: 'NVCR/DCGM:v1' }) })(c); }, 'dcgm.image'],
  ['device plugin image "NVCR/Plugin:v1"', pool({}, { devicePlugin: DevicePlugin.nvidia({ image: 'NVCR/Plugin:v1' }) }), 'devicePlugin.image'],
  ['Karpenter nodeRole ""', pool({ nodeRole: '' }), 'provisioner.nodeRole'],
  ['Karpenter instanceProfile ""', pool({ nodeRole: undefined, instanceProfile: '' }), 'provisioner.instanceProfile'],
  ['Karpenter clusterName ""', pool({ clusterName: '' }), 'provisioner.clusterName'],
  ['Karpenter 21 discoveryTags', pool({ discoveryTags: Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, 'v'])) }), 'provisioner.discoveryTags'],
  ['Karpenter amiAlias "al2023@latest"', pool({ amiAlias: 'al2023@latest' }), 'provisioner.amiAlias'],
  ['Karpenter amiAlias "windows2022@latest"', pool({ amiAlias: 'windows2022@latest' }), 'provisioner.amiAlias'],
  ['Karpenter label "notkarpenter.sh/x"', pool({ labels: { 'notkarpenter.sh/x': 'a' } }), 'provisioner.labels.notkarpenter.sh/x'],
  ['Karpenter label "xkarpenter.sh"', pool({ labels: { 'xkarpenter.sh': 'a' } }), 'provisioner.labels.xkarpenter.sh'],
  ['device plugin namespace "GPU Ops"', pool({}, { devicePlugin: DevicePlugin.nvidia({ namespace: 'GPU Ops' }) }), 'devicePlugin.namespace'],
  ['monitoring dashboardNamespace "Team A"', stack({ dashboardNamespace: 'Team A' }), 'dashboardNamespace'],
  ['monitoring ruleLabels key "a b"', stack({ ruleLabels: { 'a b': 'c' } }), 'ruleLabels["a b"]'],
  ['monitoring serviceMonitorLabels value of 64', stack({ serviceMonitorLabels: { release: 'x'.repeat(64) } }), 'serviceMonitorLabels["release"]'],
  ['monitoring dashboardLabels key "/x"', stack({ dashboardLabels: { '/x': '1' } }), 'dashboardLabels["/x"]'],
  ['DCGM namespace "GPU Ops"', (c: Chart) => { const p = pool()(c); stack({ nodePools: [p], dcgm: Dcgm.exporter({ namespace: 'GPU Ops' }) })(c); }, 'dcgm.namespace'],
  ['DCGM name "9dcgm"', (c: Chart) => { const p = pool()(c); stack({ nodePools: [p], dcgm: Dcgm.exporter({ name: '9dcgm' }) })(c); }, 'dcgm.name'],
  ['DCGM runtimeClassName "NVIDIA"', (c: Chart) => { const p = pool()(c); stack({ nodePools: [p], dcgm: Dcgm.exporter({ runtimeClassName: 'NVIDIA' }) })(c); }, 'dcgm.runtimeClassName'],
  ['canary maxExtraReplicas 1e10', canary({ surge: SurgePolicy.extraCapacity({ maxExtraReplicas: 1e10 }), strategy: TrafficStrategy.argoRollouts({ replicaBased: true }) }), 'surge.maxExtraReplicas'],
  ['canary gateway pathPrefix "v1"', canary({ strategy: TrafficStrategy.gatewayWeights({ gatewayName: 'gw', pathPrefix: 'v1' }) }), 'strategy.pathPrefix'],
  ['canary gatewayName "My GW"', canary({ strategy: TrafficStrategy.gatewayWeights({ gatewayName: 'My GW' }) }), 'strategy.gatewayName'],
  ['canary gatewayNamespace "GW NS"', canary({ strategy: TrafficStrategy.gatewayWeights({ gatewayName: 'gw', gatewayNamespace: 'GW NS' }) }), 'strategy.gatewayNamespace'],
  ['canary httpRoute "My Route"', canary({ strategy: TrafficStrategy.argoRollouts({ httpRoute: 'My Route' }) }), 'strategy.httpRoute'],
  ['canary httpRouteNamespace "R NS"', canary({ strategy: TrafficStrategy.argoRollouts({ httpRoute: 'r', httpRouteNamespace: 'R NS' }) }), 'strategy.httpRouteNamespace'],
  ['custom metric "queue depth"', svc({ runtime: Runtime.custom({ image: 'r/x:v1', metrics: { queueDepth: 'queue depth' } }), model: Model.fromVolume({ claimName: 'w' }), gpusPerReplica: 1 }), 'runtime.metrics.queueDepth'],
  ['custom counter label "status-code"', svc({ runtime: Runtime.custom({ image: 'r/x:v1', metrics: { errors: { metric: 'req_total', matchers: { 'status-code': '500' } } } }), model: Model.fromVolume({ claimName: 'w' }), gpusPerReplica: 1 }), 'runtime.metrics.errors.matchers["status-code"]'],
  ['chart namespace of a pool', pool(), 'namespace', 'GPU_Ops'],
  ['chart namespace of a ModelNamespace', c => new ModelNamespace(c, 'ns'), 'namespace', 'Team-A'],
];

describe('each bad input is refused on its own property, with a fix', () => {
  for (const [title, build, property, namespace] of WIRED) {
    test(title, () => {
      const e = refusal(build, namespace ?? 'llm');
      const match = e.problems.find(p => (typeof property === 'string' ? p.property === property : property.test(p.property)));
      if (!match) throw new Error(`no problem on ${String(property)}; got:\n${e.message}`);
      expect(match.fix.length).toBeGreaterThan(10);
      expect(match.path).toMatch(/^c\//);
    });
  }
});

test('a chart without a namespace is fine (the objects go where they are applied)', () => {
  const chart = new Chart(Testing.app(), 'c');
  svc()(chart);
  expect(Testing.synth(chart).length).toBeGreaterThan(0);
});

// Keep the imports used as the table grows.
void [Duration, CanaryRollout, Dcgm, DevicePlugin, ModelCache, MonitoringRule, Runtime, SurgePolicy, TrafficStrategy];

test('al2023@latest is accepted with allowLatestAmi', () => {
  const chart = new Chart(Testing.app(), 'c');
  pool({ amiAlias: 'al2023@latest', allowLatestAmi: true })(chart);
  expect(Testing.synth(chart).find(o => o.kind === 'EC2NodeClass').spec.amiSelectorTerms).toEqual([{ alias: 'al2023@latest' }]);
});

describe('numbers JavaScript writes in exponent notation render as quantities without it', () => {
  const container = (extra: Record<string, unknown>) => {
    const chart = new Chart(Testing.app(), 'c', { namespace: 'llm' });
    svc(extra)(chart);
    return Testing.synth(chart).find(o => o.kind === 'Deployment').spec.template.spec.containers[0];
  };
  test('memoryGiB 1e-9 is 1 KiB (rounded up), cpu 1e-7 is 1m', () => {
    const c = container({ resources: { cpu: 1e-7, memoryGiB: 1e-9 } });
    expect(c.resources.requests).toMatchObject({ cpu: '1m', memory: '1Ki' });
    expect(c.resources.limits.memory).toBe('1Ki');
  });
  test('plain numbers keep their form (byte-identical to before)', () => {
    const c = container({ resources: { cpu: 1.5, memoryGiB: 40.5 } });
    expect(c.resources.requests).toMatchObject({ cpu: 1.5, memory: '40.5Gi' });
  });
});

describe('credentials never as literal env values', () => {
  test.each([
    ['HF_TOKEN', /tokenSecret/], ['OPENAI_API_KEY', /secretEnv/], ['db_password', /secretEnv/], ['AWS_SECRET_ACCESS_KEY', /secretEnv/],
    ['AWS_ACCESS_KEY_ID', /secretEnv/], ['WANDB_SECRET', /secretEnv/], ['GITHUB_TOKEN', /secretEnv/],
  ])('env %s with a literal value is refused', (name, fix) => {
    for (const extra of [{ env: { [name]: 'sk-123' } }, { runtime: Runtime.vllm({ env: { [name]: 'sk-123' } }) }]) {
      const e = refusal(svc(extra));
      const p = e.problems.find(x => x.property.endsWith(`env["${name}"]`))!;
      expect(p.reason).toMatch(/looks like a credential/);
      expect(p.fix).toMatch(fix);
      // The value never reaches the error message.
      expect(e.message).not.toContain('sk-123');
    }
  });

  test.each(['AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_ENDPOINT_URL_S3', 'VLLM_LOGGING_LEVEL', 'TOKENIZERS_PARALLELISM', 'KEYCLOAK_URL'])('env %s is not a credential', name => {
    const chart = new Chart(Testing.app(), 'c', { namespace: 'llm' });
    svc({ env: { [name]: 'x' } })(chart);
    expect(Testing.synth(chart).find(o => o.kind === 'Deployment').spec.template.spec.containers[0].env).toContainEqual({ name, value: 'x' });
  });

  test('secretEnv renders secretKeyRefs, sorted, after the token', () => {
    const chart = new Chart(Testing.app(), 'c', { namespace: 'llm' });
    svc({
      model: Model.huggingFace(LLAMA_8B, { tokenSecret: 'hf-token' }),
      secretEnv: { WANDB_API_KEY: { secretName: 'wandb', key: 'api-key' }, AWS_ACCESS_KEY_ID: { secretName: 's3', key: 'id' } },
    })(chart);
    const env = Testing.synth(chart).find(o => o.kind === 'Deployment').spec.template.spec.containers[0].env;
    expect(env.slice(-3)).toEqual([
      { name: 'HF_TOKEN', valueFrom: { secretKeyRef: { name: 'hf-token', key: 'token' } } },
      { name: 'AWS_ACCESS_KEY_ID', valueFrom: { secretKeyRef: { name: 's3', key: 'id' } } },
      { name: 'WANDB_API_KEY', valueFrom: { secretKeyRef: { name: 'wandb', key: 'api-key' } } },
    ]);
  });

  test.each([
    ['a bad Secret name', { API_KEY: { secretName: 'My Secret', key: 'k' } }, 'secretEnv["API_KEY"].secretName'],
    ['a bad key', { API_KEY: { secretName: 's', key: 'a/b' } }, 'secretEnv["API_KEY"].key'],
    ['a bad variable name', { 'API KEY': { secretName: 's', key: 'k' } }, 'secretEnv["API KEY"]'],
    ['a name modelship sets', { HOME: { secretName: 's', key: 'k' } }, 'secretEnv["HOME"]'],
  ])('secretEnv with %s is refused', (_t, secretEnv, property) => {
    expect(refusal(svc({ secretEnv })).problems.map(p => p.property)).toContain(property);
  });

  test('a name in both env and secretEnv is refused', () => {
    const e = refusal(svc({ env: { MODE: 'a' }, secretEnv: { MODE: { secretName: 's', key: 'k' } } }));
    expect(e.problems.map(p => p.property)).toEqual(['secretEnv["MODE"]']);
  });
});

describe('every Deployment modelship emits has a PodDisruptionBudget', () => {
  /** Deployments of the output that no PDB of their namespace selects. */
  const unprotected = (objects: any[]) => objects.filter(o => o.kind === 'Deployment').filter(d => !objects.some(p => p.kind === 'PodDisruptionBudget'
    && p.metadata.namespace === d.metadata.namespace
    && Object.entries(p.spec.selector.matchLabels ?? {}).every(([k, v]) => d.spec.template.metadata.labels?.[k] === v))).map(d => d.metadata.name);

  test.each([
    ['the gateway-weights candidate (llama-canary)', { strategy: TrafficStrategy.gatewayWeights({ currentWeight: 10 }) }],
    ['a gateway-weights warm-up', { strategy: TrafficStrategy.gatewayWeights() }],
    ['an Argo Rollouts canary', {}],
  ])('%s', (_t, extra) => {
    const chart = new Chart(Testing.app(), 'c', { namespace: 'llm' });
    const p = new GpuNodePool(chart, 'h100', { accelerator: Accelerator.NVIDIA_H100_80GB, provisioner: Provisioner.existing(), maxGpus: 64 });
    const s = new ModelService(chart, 'llama', { model: Model.huggingFace(LLAMA_8B), runtime: Runtime.vllm({ version: '0.9.2' }), nodePool: p, replicas: 2, route: { gatewayName: 'gw' } });
    new CanaryRollout(chart, 'canary', { service: s, candidate: { runtime: Runtime.vllm({ version: '0.10.0' }) }, ...extra });
    const objects = Testing.synth(chart);
    expect(objects.filter((o: any) => o.kind === 'Deployment').length).toBeGreaterThan(0);
    expect(unprotected(objects)).toEqual([]);
  });
});
