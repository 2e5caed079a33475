/**
 * The test-side API-server checker (test/support/api-server-rules.ts) over everything the examples
 * emit, and over targeted bad objects that prove each class of rule fires (a checker that cannot
 * fail proves nothing).
 */
import { API_RULES, ApiRule, ApiViolation, apiServerViolations, expectApiServerAccepts, formatViolation } from './support/api-server-rules';
import { CDK8S_EXAMPLES, synthExampleObjects } from './support/examples';

/**
 * Violations today's example output is known to have, each a bug to fix in lib/ (empty: none).
 * Matched by object, path and rule; printed by the test, never silently accepted.
 */
const KNOWN_BUGS: ReadonlyArray<{ object: RegExp; path: RegExp; rule: ApiRule; issue: string }> = [];

describe.each(CDK8S_EXAMPLES)('example %s', name => {
  let objects: any[];
  beforeAll(() => { objects = synthExampleObjects(name); });

  test('every object is accepted by the API server\'s own rules', () => {
    expect(objects.length).toBeGreaterThan(0);
    const { warnings, known } = expectApiServerAccepts(objects, v => KNOWN_BUGS.some(b => b.rule === v.rule && b.object.test(v.object) && b.path.test(v.path)));
    for (const v of [...warnings, ...known]) console.warn(`[${name}] ${v.severity === 'warning' ? 'warning' : 'KNOWN BUG'}:${formatViolation(v)}`);
  });
});

// ---------------------------------------------------------------------------------------------
// Targeted objects: a valid base of each kind, then one mutation per rule.

const podSpec = () => ({
  serviceAccountName: 'llama',
  containers: [{
    name: 'server',
    image: 'vllm/vllm-openai:v0.9.2',
    ports: [{ name: 'http', containerPort: 8000 }],
    env: [
      { name: 'HF_TOKEN', valueFrom: { secretKeyRef: { name: 'hf-token', key: 'token' } } },
      { name: 'VLLM_PORT', value: '8000' },
    ],
    resources: { requests: { 'cpu': '4', 'memory': '80Gi', 'nvidia.com/gpu': '1' }, limits: { 'memory': '80Gi', 'nvidia.com/gpu': '1' } },
    readinessProbe: { httpGet: { path: '/health', port: 'http' }, periodSeconds: 10 },
    volumeMounts: [{ name: 'model-cache', mountPath: '/models' }],
  }],
  volumes: [{ name: 'model-cache', persistentVolumeClaim: { claimName: 'llama-model-cache' } }],
  nodeSelector: { 'karpenter.sh/nodepool': 'h100' },
  tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }],
  affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'node.kubernetes.io/instance-type', operator: 'In', values: ['p5.48xlarge'] }] }] } } },
});
const base = (): Record<string, any> => {
  const labels = { 'app.kubernetes.io/name': 'llama', 'modelship.dev/service': 'llama' };
  return {
    deployment: {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'llama', namespace: 'llm', labels, annotations: { 'modelship.dev/plan': 'x' } },
      spec: { replicas: 2, selector: { matchLabels: labels }, strategy: { rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } }, template: { metadata: { labels }, spec: podSpec() } },
    },
    service: {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'llama', namespace: 'llm' },
      spec: { selector: labels, ports: [{ name: 'http', port: 8000, targetPort: 'http' }, { name: 'metrics', port: 9000, targetPort: 9000 }] },
    },
    pvc: {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'llama-model-cache', namespace: 'llm' },
      spec: { accessModes: ['ReadWriteMany'], storageClassName: 'efs-sc', resources: { requests: { storage: '200Gi' } } },
    },
    configMap: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'dashboards', namespace: 'llm' }, data: { 'llama.json': '{}' } },
    pdb: { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'llama', namespace: 'llm' }, spec: { maxUnavailable: 1, selector: { matchLabels: labels } } },
    networkPolicy: {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'llama', namespace: 'llm' },
      spec: { podSelector: { matchLabels: labels }, ingress: [{ ports: [{ port: 8000 }, { port: 'http' }], from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'gateway' } } }] }] },
    },
    hpa: {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'llama', namespace: 'llm' },
      spec: { minReplicas: 1, maxReplicas: 4, behavior: { scaleDown: { stabilizationWindowSeconds: 300, policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] } } },
    },
    rollout: {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Rollout',
      metadata: { name: 'llama', namespace: 'llm' },
      spec: {
        selector: { matchLabels: labels },
        workloadRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'llama' },
        strategy: { canary: { maxSurge: '25%', steps: [{ setWeight: 5 }, { pause: { duration: '900s' } }, { pause: { duration: 60 } }] } },
      },
    },
    analysis: {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'AnalysisTemplate',
      metadata: { name: 'llama-canary-error-ratio', namespace: 'llm' },
      spec: { metrics: [{ name: 'error-ratio', interval: '1m', initialDelay: '30s', count: 5, successCondition: 'result[0] <= 0.01', provider: { prometheus: { address: 'http://p:9090', query: 'x' } } }] },
    },
    scaledObject: {
      apiVersion: 'keda.sh/v1alpha1',
      kind: 'ScaledObject',
      metadata: { name: 'llama', namespace: 'llm' },
      spec: {
        scaleTargetRef: { name: 'llama' },
        minReplicaCount: 1,
        maxReplicaCount: 4,
        advanced: { horizontalPodAutoscalerConfig: { behavior: { scaleDown: { stabilizationWindowSeconds: 600 } } } },
        triggers: [{ type: 'prometheus', metadata: { query: 'x', threshold: '5', serverAddress: 'http://p:9090' } }],
      },
    },
    nodePool: {
      apiVersion: 'karpenter.sh/v1',
      kind: 'NodePool',
      metadata: { name: 'h100' },
      spec: { weight: 10, limits: { 'nvidia.com/gpu': '16' }, template: { metadata: { labels: { 'modelship.dev/pool': 'h100' } }, spec: { nodeClassRef: { group: 'karpenter.k8s.aws', kind: 'EC2NodeClass', name: 'h100' }, requirements: [] } } },
    },
  };
};

test('the valid base objects have no violation (so each case below fails for its mutation alone)', () => {
  expect(apiServerViolations(Object.values(base()))).toEqual([]);
});

type Case = [string, keyof ReturnType<typeof base>, (o: any) => void, ApiRule, RegExp];
const c0 = (o: any) => o.spec.template.spec.containers[0];
const cases: Case[] = [
  ['namespace "LLM"', 'deployment', o => { o.metadata.namespace = 'LLM'; }, 'namespace', /^metadata\.namespace$/],
  ['namespace "llm_prod"', 'service', o => { o.metadata.namespace = 'llm_prod'; }, 'namespace', /namespace/],
  ['namespace of 64 characters', 'pvc', o => { o.metadata.namespace = 'n'.repeat(64); }, 'namespace', /namespace/],
  ['namespace ""', 'configMap', o => { o.metadata.namespace = ''; }, 'namespace', /namespace/],
  ['Deployment name "Llama"', 'deployment', o => { o.metadata.name = 'Llama'; }, 'object-name', /^metadata\.name$/],
  ['Deployment name of 254 characters', 'deployment', o => { o.metadata.name = 'a'.repeat(254); }, 'object-name', /metadata\.name/],
  ['Service name starting with a digit (DNS-1035)', 'service', o => { o.metadata.name = '70b'; }, 'object-name', /metadata\.name/],
  ['Service name with a dot', 'service', o => { o.metadata.name = 'llama.v1'; }, 'object-name', /metadata\.name/],
  ['custom resource name with "_"', 'analysis', o => { o.metadata.name = 'llama_canary'; }, 'object-name', /metadata\.name/],
  ['missing name', 'configMap', o => { delete o.metadata.name; }, 'required', /metadata\.name/],
  ['label key with a space', 'deployment', o => { o.metadata.labels = { 'team name': 'a' }; }, 'label-key', /metadata\.labels/],
  ['label value of 64 characters', 'deployment', o => { o.metadata.labels = { team: 'a'.repeat(64) }; }, 'label-value', /metadata\.labels/],
  ['version "0.9.2+cu126" as a label value', 'deployment', o => { o.spec.template.metadata.labels['modelship.dev/version'] = '0.9.2+cu126'; }, 'label-value', /template\.metadata\.labels/],
  ['selector label value', 'pdb', o => { o.spec.selector.matchLabels.x = 'a b'; }, 'label-value', /spec\.selector\.matchLabels/],
  ['node selector key', 'deployment', o => { o.spec.template.spec.nodeSelector = { 'GPU Ops': 'true' }; }, 'label-key', /nodeSelector/],
  ['Service selector value', 'service', o => { o.spec.selector = { team: 'Team A' }; }, 'label-value', /spec\.selector/],
  ['NodePool template (node) label value', 'nodePool', o => { o.spec.template.metadata.labels.x = '-bad'; }, 'label-value', /spec\.template\.metadata\.labels/],
  ['annotation key with two slashes', 'deployment', o => { o.metadata.annotations = { 'a/b/c': 'x' }; }, 'annotation-key', /metadata\.annotations/],
  ['annotations over 256 KiB', 'configMap', o => { o.metadata.annotations = { big: 'x'.repeat(256 * 1024) }; }, 'annotations-size', /metadata\.annotations/],
  ['selector that does not match the template', 'deployment', o => { o.spec.selector.matchLabels = { other: 'x' }; }, 'selector-mismatch', /template\.metadata\.labels/],
  ['env name with a space', 'deployment', o => { c0(o).env[1].name = 'VLLM PORT'; }, 'env-name', /env\[1\]\.name/],
  ['env name starting with a digit', 'deployment', o => { c0(o).env[1].name = '1VAR'; }, 'env-name', /env\[1\]\.name/],
  ['envFrom prefix', 'deployment', o => { c0(o).envFrom = [{ prefix: 'MY PREFIX_', configMapRef: { name: 'cfg' } }]; }, 'env-name', /envFrom\[0\]\.prefix/],
  ['secret name "HF_Token"', 'deployment', o => { c0(o).env[0].valueFrom.secretKeyRef.name = 'HF_Token'; }, 'reference-name', /secretKeyRef\.name/],
  ['secret name ""', 'deployment', o => { c0(o).env[0].valueFrom.secretKeyRef.name = ''; }, 'required', /secretKeyRef\.name/],
  ['secret key with "/"', 'deployment', o => { c0(o).env[0].valueFrom.secretKeyRef.key = 'a/b'; }, 'configmap-key', /secretKeyRef\.key/],
  ['claim name ""', 'deployment', o => { o.spec.template.spec.volumes[0].persistentVolumeClaim.claimName = ''; }, 'required', /claimName/],
  ['claim name "HF_Token"', 'deployment', o => { o.spec.template.spec.volumes[0].persistentVolumeClaim.claimName = 'HF_Token'; }, 'reference-name', /claimName/],
  ['serviceAccountName with upper case', 'deployment', o => { o.spec.template.spec.serviceAccountName = 'Llama'; }, 'reference-name', /serviceAccountName/],
  ['storageClassName "EFS SC"', 'pvc', o => { o.spec.storageClassName = 'EFS SC'; }, 'reference-name', /storageClassName/],
  ['memory "1e-9Gi"', 'deployment', o => { c0(o).resources.requests.memory = '1e-9Gi'; c0(o).resources.limits.memory = '1e-9Gi'; }, 'quantity', /resources\.(requests|limits)\["memory"\]/],
  ['cpu ".inf"', 'deployment', o => { c0(o).resources.requests.cpu = '.inf'; }, 'quantity', /requests\["cpu"\]/],
  ['cpu Infinity (a YAML .inf)', 'deployment', o => { c0(o).resources.requests.cpu = Infinity; }, 'number', /requests\.cpu/],
  ['negative memory', 'deployment', o => { c0(o).resources.requests.memory = '-5Gi'; }, 'quantity', /requests\["memory"\]/],
  ['storage "0"', 'pvc', o => { o.spec.resources.requests.storage = '0'; }, 'quantity', /storage/],
  ['storage NaN rendered "NaNGi"', 'pvc', o => { o.spec.resources.requests.storage = 'NaNGi'; }, 'quantity', /storage/],
  ['emptyDir sizeLimit "-5Gi"', 'deployment', o => { o.spec.template.spec.volumes.push({ name: 'shm', emptyDir: { sizeLimit: '-5Gi' } }); }, 'quantity', /sizeLimit/],
  ['NodePool limit quantity (schema-driven)', 'nodePool', o => { o.spec.limits['nvidia.com/gpu'] = '16e-3Gi'; }, 'quantity', /spec\.limits/],
  ['request above limit', 'deployment', o => { c0(o).resources.requests.memory = '100Gi'; }, 'resource-limits', /requests\["memory"\]/],
  ['GPU request without limit', 'deployment', o => { delete c0(o).resources.limits['nvidia.com/gpu']; }, 'resource-limits', /limits\["nvidia\.com\/gpu"\]/],
  ['fractional GPU', 'deployment', o => { c0(o).resources.requests['nvidia.com/gpu'] = '0.5'; c0(o).resources.limits['nvidia.com/gpu'] = '0.5'; }, 'resource-limits', /nvidia\.com\/gpu/],
  ['replicas 1e10', 'deployment', o => { o.spec.replicas = 1e10; }, 'int32', /spec\.replicas/],
  ['replicas -1', 'deployment', o => { o.spec.replicas = -1; }, 'non-negative', /spec\.replicas/],
  ['replicas 1.5', 'deployment', o => { o.spec.replicas = 1.5; }, 'int32', /spec\.replicas/],
  ['maxSurge "1e10" (not a percent)', 'deployment', o => { o.spec.strategy.rollingUpdate.maxSurge = '1e10'; }, 'int-or-percent', /maxSurge/],
  ['maxSurge 1e10', 'deployment', o => { o.spec.strategy.rollingUpdate.maxSurge = 1e10; }, 'int32', /maxSurge/],
  ['maxSurge and maxUnavailable both 0', 'deployment', o => { o.spec.strategy.rollingUpdate.maxSurge = 0; }, 'int-or-percent', /maxUnavailable/],
  ['PDB maxUnavailable "150%"', 'pdb', o => { o.spec.maxUnavailable = '150%'; }, 'int-or-percent', /maxUnavailable/],
  ['Rollout maxSurge "x"', 'rollout', o => { o.spec.strategy.canary.maxSurge = 'x'; }, 'int-or-percent', /canary\.maxSurge/],
  ['ScaledObject maxReplicaCount 1e10 (format int32)', 'scaledObject', o => { o.spec.maxReplicaCount = 1e10; }, 'int32', /maxReplicaCount/],
  ['NodePool weight 1e10 (format int32)', 'nodePool', o => { o.spec.weight = 1e10; }, 'int32', /spec\.weight/],
  ['probe periodSeconds -1', 'deployment', o => { c0(o).readinessProbe.periodSeconds = -1; }, 'non-negative', /periodSeconds/],
  ['container port 0', 'deployment', o => { c0(o).ports[0].containerPort = 0; }, 'port', /containerPort/],
  ['container port 70000', 'deployment', o => { c0(o).ports[0].containerPort = 70000; }, 'port', /containerPort/],
  ['Service port 65536', 'service', o => { o.spec.ports[0].port = 65536; }, 'port', /spec\.ports\[0\]\.port/],
  ['NetworkPolicy port 0', 'networkPolicy', o => { o.spec.ingress[0].ports[0].port = 0; }, 'port', /ingress\[0\]\.ports\[0\]\.port/],
  ['container port name of 16 characters', 'deployment', o => { c0(o).ports[0].name = 'http-openai-apis'; c0(o).readinessProbe.httpGet.port = 'http-openai-apis'; }, 'port-name', /ports\[0\]\.name/],
  ['container port name "HTTP"', 'deployment', o => { c0(o).ports[0].name = 'HTTP'; c0(o).readinessProbe.httpGet.port = 'HTTP'; }, 'port-name', /ports\[0\]\.name/],
  ['probe port name no container port has', 'deployment', o => { c0(o).readinessProbe.httpGet.port = 'metrics'; }, 'port-name', /readinessProbe\.httpGet\.port/],
  ['Service targetPort name "a--b"', 'service', o => { o.spec.ports[0].targetPort = 'a--b'; }, 'port-name', /targetPort/],
  ['Service port name "HTTP" (a DNS label)', 'service', o => { o.spec.ports[0].name = 'HTTP'; }, 'service-port-name', /spec\.ports\[0\]\.name/],
  ['volume name "Model_Cache"', 'deployment', o => { o.spec.template.spec.volumes[0].name = 'Model_Cache'; c0(o).volumeMounts[0].name = 'Model_Cache'; }, 'volume-name', /volumes\[0\]\.name/],
  ['mount of a volume that does not exist', 'deployment', o => { c0(o).volumeMounts[0].name = 'cache'; }, 'volume-mount', /volumeMounts\[0\]\.name/],
  ['container name "Server"', 'deployment', o => { c0(o).name = 'Server'; }, 'container-name', /containers\[0\]\.name/],
  ['two containers with one name', 'deployment', o => { o.spec.template.spec.containers.push({ ...c0(o), volumeMounts: [], ports: [], readinessProbe: undefined }); }, 'duplicate-name', /containers\[1\]\.name/],
  ['ConfigMap key with a space', 'configMap', o => { o.data = { 'llama 70b.json': '{}' }; }, 'configmap-key', /data\["llama 70b\.json"\]/],
  ['ConfigMap over 1 MiB', 'configMap', o => { o.data = { 'a.json': 'x'.repeat(1024 * 1024) }; }, 'configmap-size', /data/],
  ['image "vllm/vllm openai:v1"', 'deployment', o => { c0(o).image = 'vllm/vllm openai:v1'; }, 'image', /containers\[0\]\.image/],
  ['image "VLLM/Server:v1"', 'deployment', o => { c0(o).image = 'VLLM/Server:v1'; }, 'image', /image/],
  ['image "repo:v1:v2"', 'deployment', o => { c0(o).image = 'repo:v1:v2'; }, 'image', /image/],
  ['image ""', 'deployment', o => { c0(o).image = ''; }, 'required', /image/],
  ['object over 1.5 MiB', 'configMap', o => { o.data = { a: 'x'.repeat(800 * 1024), b: 'y'.repeat(800 * 1024) }; }, 'object-size', /\(object\)/],
  ['AnalysisTemplate interval "5 minutes"', 'analysis', o => { o.spec.metrics[0].interval = '5 minutes'; }, 'duration', /interval/],
  ['AnalysisTemplate initialDelay "1d"', 'analysis', o => { o.spec.metrics[0].initialDelay = '1d'; }, 'duration', /initialDelay/],
  ['Rollout pause "1z"', 'rollout', o => { o.spec.strategy.canary.steps[1].pause.duration = '1z'; }, 'duration', /pause\.duration/],
  ['Rollout pause beyond int32 seconds', 'rollout', o => { o.spec.strategy.canary.steps[1].pause.duration = '20000000000'; }, 'duration', /pause\.duration/],
  ['HPA scale-down window of 2 hours', 'hpa', o => { o.spec.behavior.scaleDown.stabilizationWindowSeconds = 7200; }, 'hpa-behavior', /stabilizationWindowSeconds/],
  ['ScaledObject scale-down window of 2 hours', 'scaledObject', o => { o.spec.advanced.horizontalPodAutoscalerConfig.behavior.scaleDown.stabilizationWindowSeconds = 7200; }, 'hpa-behavior', /stabilizationWindowSeconds/],
  ['NaN threshold as a number field', 'hpa', o => { o.spec.maxReplicas = NaN; }, 'number', /spec\.maxReplicas/],
  ['toleration Exists with a value', 'deployment', o => { o.spec.template.spec.tolerations[0].value = 'true'; }, 'toleration', /tolerations\[0\]\.value/],
  ['node affinity In without values', 'deployment', o => { o.spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values = []; }, 'node-selector-requirement', /matchExpressions\[0\]\.values/],
];

describe('each rule fires on a targeted bad object', () => {
  test.each(cases)('%s', (_title, which, mutate, rule, where) => {
    const objects = base();
    mutate(objects[which]);
    // Only the mutated object is checked; the other base objects stay untouched (labels are per call).
    const found = apiServerViolations([objects[which]]);
    const match = found.filter((v: ApiViolation) => v.rule === rule && where.test(v.path));
    if (match.length === 0) throw new Error(`expected a "${rule}" violation at ${where}, got:\n${found.map(formatViolation).join('\n') || '  (none)'}`);
  });

  test('every rule class of the checker is exercised by a case above', () => {
    const exercised = new Set(cases.map(c => c[3]));
    expect(API_RULES.filter(r => !exercised.has(r))).toEqual([]);
  });

  test('object size over 256 KiB is a warning (client-side apply), not an error', () => {
    const cm = base().configMap;
    cm.data = { a: 'x'.repeat(300 * 1024) };
    const found = apiServerViolations([cm]);
    expect(found).toEqual([expect.objectContaining({ rule: 'object-size', severity: 'warning' })]);
    expect(() => expectApiServerAccepts([cm])).not.toThrow();
  });

  test('expectApiServerAccepts throws listing every error', () => {
    const d = base().deployment;
    d.metadata.namespace = 'LLM';
    c0(d).env[1].name = 'A B';
    expect(() => expectApiServerAccepts([d])).toThrow(/2 violation\(s\)[\s\S]*metadata\.namespace[\s\S]*env\[1\]\.name/);
  });
});
