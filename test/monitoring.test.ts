import { ApiObject, Chart, Duration, Testing } from 'cdk8s';
import {
  Accelerator, Dcgm, EngineMetrics, GpuNodePool, Model, ModelService, MonitoringRule, MonitoringStack, Provisioner,
  RuleGroupSpec, Runtime, ValidationError,
} from '../lib';
import { fleet, stackChart } from './support/monitoring-fixture';
import { expectSchemaValid } from './support/schema';
import { KNOWN_NON_ENGINE_METRICS } from '../lib/monitoring-stack/known-metrics';
import { analyzePromql } from '../lib/monitoring-stack/promql';

/** The per-service series docs/monitoring.md documents; objectives exist only for services given their own. */
const PER_SERVICE_SERIES = [
  'modelship:service_startup_budget:seconds', 'modelship:slo_availability:ratio',
  'modelship:slo_time_to_first_token:ratio', 'modelship:slo_time_to_first_token_threshold:seconds',
];

/** The rule group of a service's own series, and that of its engine group's recording rules. */
function groupsOf(groups: readonly RuleGroupSpec[], svc: ModelService): { own: RuleGroupSpec; engine: RuleGroupSpec } {
  const own = groups.find(g => g.name === `modelship.${svc.namespace}.${svc.name}`)!;
  const key = own.rules.find(r => r.record === 'modelship:service_startup_budget:seconds')!.labels!.modelship_engine;
  const engine = groups.filter(g => g !== own && g.rules.some(r => r.record && r.labels?.modelship_engine === key));
  expect(engine).toHaveLength(1);
  return { own, engine: engine[0] };
}

function engineMetricNames(m: EngineMetrics): string[] {
  const names: string[] = [];
  for (const h of [m.timeToFirstToken, m.interTokenLatency, m.e2eLatency]) if (h) names.push(`${h}_bucket`, `${h}_count`, `${h}_sum`);
  for (const g of [m.queueDepth, m.running, m.kvCacheUsage, m.promptTokens, m.generationTokens]) if (g) names.push(g);
  for (const c of [...(m.requests ?? []), ...(m.errors ? [m.errors] : [])]) names.push(c.metric);
  return names;
}

function synthAll(extra = {}) {
  const built = stackChart(extra);
  return { ...built, objs: Testing.synth(built.chart) as any[] };
}

describe('MonitoringStack', () => {
  test('every object validates against its schema', () => {
    const { objs } = synthAll({ rules: [MonitoringRule.alert({ name: 'TeamSlow', expr: 'modelship:requests:rate5m > 100', summary: 'busy {{ $labels.service }}', for: Duration.minutes(5) })] });
    const mine = objs.filter(o => ['ServiceMonitor', 'PrometheusRule', 'ConfigMap', 'DaemonSet', 'Service', 'ServiceAccount'].includes(o.kind));
    expect(mine.map(o => o.kind)).toEqual(expect.arrayContaining(['ServiceMonitor', 'PrometheusRule', 'ConfigMap', 'DaemonSet']));
    expectSchemaValid(objs);
  });

  test('each service\'s PodMonitor, configured by the stack: the port that carries the metrics, kube-prometheus-stack labels, the stack label', () => {
    const { objs, vllm, tgi, triton } = synthAll();
    const pm = (name: string) => objs.find(o => o.kind === 'PodMonitor' && o.metadata.name === name);
    expect(pm(vllm.name).spec).toEqual({
      // Stable and Argo canary pods (`<name>`) and a gateway-weights candidate (`<name>-canary`): each pod once.
      selector: { matchExpressions: [{ key: 'modelship.dev/service', operator: 'In', values: [vllm.name, `${vllm.name}-canary`] }] },
      podMetricsEndpoints: [{
        port: 'http',
        path: '/metrics',
        relabelings: [
          { action: 'replace', sourceLabels: ['__meta_kubernetes_pod_label_modelship_dev_service'], targetLabel: 'service' },
          { action: 'replace', sourceLabels: ['__meta_kubernetes_pod_label_rollouts_pod_template_hash'], targetLabel: 'rollouts_pod_template_hash' },
          // The stack label the shared rules select on.
          { action: 'replace', targetLabel: 'modelship_stack', replacement: 'default/monitoring' },
        ],
      }],
    });
    expect(pm(vllm.name).metadata.labels.release).toBe('kube-prometheus-stack');
    // No ServiceMonitor for model services: a Service (stable or canary) would scrape the same pods again.
    expect(objs.filter(o => o.kind === 'ServiceMonitor').map(o => o.metadata.name)).toEqual(['dcgm-exporter']);
    // TGI 3 and Triton serve metrics on their own port, which the pod names `metrics`.
    expect(pm(tgi.name).spec.podMetricsEndpoints[0].port).toBe('metrics');
    expect(pm(triton.name).spec.podMetricsEndpoints[0].port).toBe('metrics');
    const svcObj = objs.find(o => o.kind === 'Service' && o.metadata.name === tgi.name);
    expect(svcObj.spec.ports.map((p: any) => p.name)).toContain('metrics');
  });

  test('DCGM exporter in Kubernetes mode on the pools\' nodes, with the pod-resources socket', () => {
    const { objs } = synthAll();
    const ds = objs.find(o => o.kind === 'DaemonSet');
    const pod = ds.spec.template.spec;
    const c = pod.containers[0];
    expect(c.image).toMatch(/^nvcr\.io\/nvidia\/k8s\/dcgm-exporter:\d/);
    expect(c.env).toEqual(expect.arrayContaining([{ name: 'DCGM_EXPORTER_KUBERNETES', value: 'true' }]));
    expect(pod.volumes).toEqual([{ name: 'pod-resources', hostPath: { path: '/var/lib/kubelet/pod-resources', type: 'Directory' } }]);
    expect(c.volumeMounts[0].readOnly).toBe(true);
    expect(pod.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([
      { matchExpressions: [{ key: 'karpenter.sh/nodepool', operator: 'In', values: ['h100'] }] },
      { matchExpressions: [{ key: 'karpenter.sh/nodepool', operator: 'In', values: ['l4'] }] },
    ]);
    expect(pod.tolerations.map((t: any) => t.key).sort()).toEqual(['nvidia.com/gpu', 'spot']);
    expect(pod.serviceAccountName).toBe('dcgm-exporter');
    expect(objs.filter(o => o.metadata.name === 'dcgm-exporter').map(o => o.kind).sort()).toEqual(['DaemonSet', 'NetworkPolicy', 'Service', 'ServiceAccount', 'ServiceMonitor']);
  });

  describe('node agents: their own namespace, nothing they do not need', () => {
    test('the exporter lives in gpu-system, a Namespace labelled privileged, never the model namespace', () => {
      const { objs } = synthAll();
      const agents = objs.filter(o => o.metadata.name === 'dcgm-exporter');
      for (const o of agents) expect(o.metadata.namespace).toBe('gpu-system');
      const ns = objs.find(o => o.kind === 'Namespace' && o.metadata.name === 'gpu-system');
      expect(ns.metadata.namespace).toBeUndefined();
      // Also in a namespaced chart (cdk8s stamps the chart's namespace on every object otherwise).
      const chart = new Chart(Testing.app(), 'c', { namespace: 'llm' });
      const pool = new GpuNodePool(chart, 'l4', { accelerator: Accelerator.NVIDIA_L4, provisioner: Provisioner.gke(), maxGpus: 8 });
      const svc = new ModelService(chart, 'llama', { model: Model.huggingFace('meta-llama/Llama-3.1-8B-Instruct'), nodePool: pool });
      new MonitoringStack(chart, 'mon', { services: [svc], nodePools: [pool] });
      const namespaced = Testing.synth(chart).find((o: any) => o.kind === 'Namespace');
      expect([namespaced.metadata.name, namespaced.metadata.namespace]).toEqual(['gpu-system', undefined]);
      expect(ns.metadata.labels).toMatchObject({ 'pod-security.kubernetes.io/enforce': 'privileged', 'pod-security.kubernetes.io/warn': 'privileged', 'pod-security.kubernetes.io/audit': 'privileged' });
      expect(objs.find(o => o.kind === 'ServiceMonitor' && o.metadata.name === 'dcgm-exporter').spec.namespaceSelector).toEqual({ matchNames: ['gpu-system'] });
    });

    test('every capability dropped but SYS_ADMIN (profiling counters), no escalation, RuntimeDefault seccomp', () => {
      const c = synthAll().objs.find(o => o.kind === 'DaemonSet').spec.template.spec.containers[0];
      expect(c.securityContext).toEqual({
        allowPrivilegeEscalation: false,
        runAsNonRoot: false,
        runAsUser: 0,
        capabilities: { drop: ['ALL'], add: ['SYS_ADMIN'] },
        seccompProfile: { type: 'RuntimeDefault' },
      });
    });

    test('a NetworkPolicy opens the metrics port to the Prometheus namespace only', () => {
      const np = synthAll().objs.find(o => o.kind === 'NetworkPolicy' && o.metadata.name === 'dcgm-exporter');
      expect(np.spec).toEqual({
        podSelector: { matchLabels: { 'app.kubernetes.io/component': 'gpu-metrics', 'app.kubernetes.io/name': 'dcgm-exporter' } },
        policyTypes: ['Ingress'],
        ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }], ports: [{ port: 9400, protocol: 'TCP' }] }],
      });
    });

    test('on GKE nodes the exporter reads the driver from the host (COS has no NVIDIA runtime)', () => {
      const chart = Testing.chart();
      const pool = new GpuNodePool(chart, 'l4', { accelerator: Accelerator.NVIDIA_L4, provisioner: Provisioner.gke(), maxGpus: 8 });
      const svc = new ModelService(chart, 'llama', { model: Model.huggingFace('meta-llama/Llama-3.1-8B-Instruct'), nodePool: pool });
      new MonitoringStack(chart, 'mon', { services: [svc], nodePools: [pool] });
      const pod = Testing.synth(chart).find((o: any) => o.kind === 'DaemonSet').spec.template.spec;
      expect(pod.volumes).toContainEqual({ name: 'nvidia-driver', hostPath: { path: '/home/kubernetes/bin/nvidia', type: 'Directory' } });
      expect(pod.containers[0].volumeMounts).toContainEqual({ name: 'nvidia-driver', mountPath: '/usr/local/nvidia', readOnly: true });
      expect(pod.containers[0].env).toContainEqual({ name: 'LD_LIBRARY_PATH', value: '/usr/local/nvidia/lib64' });
    });

    test('GKE and other pools together: one DaemonSet per kind of node, the driver hostPath and privilege only where GKE needs them', () => {
      const chart = Testing.chart();
      const l4 = new GpuNodePool(chart, 'l4', { accelerator: Accelerator.NVIDIA_L4, provisioner: Provisioner.gke(), maxGpus: 8 });
      const h100 = new GpuNodePool(chart, 'h100', { accelerator: Accelerator.NVIDIA_H100_80GB, provisioner: Provisioner.existing({ nodeLabels: { 'example.com/gpu': 'h100' } }), maxGpus: 8 });
      const svc = new ModelService(chart, 'llama', { model: Model.huggingFace('meta-llama/Llama-3.1-8B-Instruct'), nodePool: l4 });
      new MonitoringStack(chart, 'mon', { services: [svc], nodePools: [l4, h100] });
      const objs = Testing.synth(chart);
      const ds = objs.filter((o: any) => o.kind === 'DaemonSet');
      expect(ds.map((d: any) => d.metadata.name)).toEqual(['dcgm-exporter', 'dcgm-exporter-gke']);
      const [plain, gke] = ds.map((d: any) => d.spec.template.spec);
      expect(JSON.stringify(plain)).not.toContain('/home/kubernetes/bin/nvidia');
      expect(JSON.stringify(plain.affinity)).toContain('example.com/gpu');
      expect(JSON.stringify(plain.affinity)).not.toContain('cloud.google.com/gke-accelerator');
      expect(plain.containers[0].securityContext.privileged).toBeUndefined();
      expect(gke.containers[0].securityContext).toEqual({ privileged: true, runAsUser: 0 });
      expect(JSON.stringify(gke.affinity)).toContain('cloud.google.com/gke-accelerator');
      // Distinct selectors (no DaemonSet adopts the other's pods); the Service reaches both.
      expect(ds[0].spec.selector.matchLabels['modelship.dev/node-flavor']).toBe('default');
      expect(ds[1].spec.selector.matchLabels['modelship.dev/node-flavor']).toBe('gke');
      const service = objs.find((o: any) => o.kind === 'Service' && o.metadata.name === 'dcgm-exporter');
      for (const d of ds) expect(Object.entries(service.spec.selector).every(([k, v]) => d.spec.template.metadata.labels[k] === v)).toBe(true);
      expectSchemaValid(objs);
    });

    test('namespace and metrics namespace are configurable; the Namespace can be left to another tool', () => {
      const { objs } = synthAll({ dcgm: Dcgm.exporter({ namespace: 'gpu-ops', createNamespace: false, metricsNamespace: 'observability' }) });
      expect(objs.find(o => o.kind === 'DaemonSet').metadata.namespace).toBe('gpu-ops');
      expect(objs.filter(o => o.kind === 'Namespace')).toEqual([]);
      expect(JSON.stringify(objs.find(o => o.kind === 'NetworkPolicy' && o.metadata.name === 'dcgm-exporter').spec)).toContain('"observability"');
    });
  });

  test.each([
    ['existing', Dcgm.existing(), 0, true],
    ['none', Dcgm.none(), 0, false],
  ])('Dcgm.%s(): no exporter objects', (_n, dcgm, daemonSets, gpuRules) => {
    const { objs, stack } = synthAll({ dcgm });
    expect(objs.filter(o => o.kind === 'DaemonSet')).toHaveLength(daemonSets);
    expect(stack.ruleGroups.some(g => g.name.endsWith('.gpu'))).toBe(gpuRules);
    expect(objs.some(o => o.kind === 'ConfigMap' && o.metadata.name.endsWith('gpu-fleet'))).toBe(gpuRules);
  });

  test('every expression parses and names only known metrics', () => {
    const { objs, services } = synthAll();
    const groups = objs.filter(o => o.kind === 'PrometheusRule').flatMap(o => o.spec.groups);
    const recorded = groups.flatMap((g: any) => g.rules.filter((r: any) => r.record).map((r: any) => r.record));
    const known = new Set([...services.flatMap(s => engineMetricNames(s.metrics)), ...KNOWN_NON_ENGINE_METRICS, ...recorded, ...PER_SERVICE_SERIES]);
    const exprs: string[] = groups.flatMap((g: any) => g.rules.map((r: any) => r.expr));
    for (const cm of objs.filter(o => o.kind === 'ConfigMap')) {
      for (const json of Object.values(cm.data) as string[]) {
        const dash = JSON.parse(json);
        for (const p of dash.panels) for (const t of p.targets) exprs.push(t.expr);
        // Template variables: label_values(<selector>, <label>).
        for (const v of dash.templating.list.filter((x: any) => x.type === 'query')) exprs.push(/^label_values\((.+), [a-z_]+\)$/.exec(v.query)![1]);
      }
    }
    expect(exprs.length).toBeGreaterThan(150);
    for (const e of exprs) {
      const a = analyzePromql(e);
      expect({ e, errors: a.errors }).toEqual({ e, errors: [] });
      expect({ e, unknown: a.metrics.filter(m => !known.has(m)) }).toEqual({ e, unknown: [] });
    }
  });

  test('recording rules follow level:metric:operations, and every alert names its model and has a runbook hint', () => {
    const { stack } = synthAll();
    for (const g of stack.ruleGroups) {
      for (const r of g.rules) {
        if (r.record) expect(r.record).toMatch(/^modelship:[a-z0-9_]+:[a-z0-9_]+$/);
        if (r.alert) {
          expect(['critical', 'warning']).toContain(r.labels!.severity);
          expect(r.annotations!.summary).toContain('{{ $labels.');
          expect(r.annotations!.description).toContain('{{ $labels.');
          expect(r.annotations!.runbook.length).toBeGreaterThan(20);
          if (!g.name.endsWith('.gpu')) expect(r.annotations!.summary).toContain('{{ $labels.service }}');
        }
      }
    }
  });

  test('vLLM 0.8.5 and 0.10.2 (both renames apart) get one recording-rule group each, with each version\'s metric names', () => {
    const { stack, vllm, vllmOld } = synthAll();
    const text = (svc: ModelService) => JSON.stringify(groupsOf(stack.ruleGroups, svc).engine);
    expect(groupsOf(stack.ruleGroups, vllm).engine).not.toBe(groupsOf(stack.ruleGroups, vllmOld).engine);
    expect(text(vllm)).toContain('vllm:kv_cache_usage_perc');
    expect(text(vllm)).toContain('vllm:inter_token_latency_seconds_bucket');
    expect(text(vllmOld)).toContain('vllm:gpu_cache_usage_perc');
    expect(text(vllmOld)).toContain('vllm:time_per_output_token_seconds_bucket');
    expect(text(vllmOld)).not.toContain('kv_cache_usage_perc');
  });

  test.each([
    ['llama-8b', ['modelship:request_error_ratio:rate1h', 'modelship:time_to_first_token_slo_miss_ratio:rate1h', 'modelship:kv_cache_usage:max', 'modelship:time_to_first_token_seconds:p95_rate5m'], []],
    // TGI: no TTFT metric and no KV-cache gauge: no rules (and so no alerts) that need them.
    ['llama-8b-tgi', ['modelship:request_error_ratio:rate1h', 'modelship:queue_depth:avg'], ['modelship:time_to_first_token_slo_miss_ratio:rate1h', 'modelship:time_to_first_token_seconds:p95_rate5m', 'modelship:kv_cache_usage:max']],
    // SGLang: no error counter.
    ['llama-8b-sglang', ['modelship:time_to_first_token_slo_miss_ratio:rate1h'], ['modelship:request_error_ratio:rate1h']],
    ['triton', ['modelship:request_error_ratio:rate1h', 'modelship:queue_depth:avg'], ['modelship:time_to_first_token_slo_miss_ratio:rate1h', 'modelship:kv_cache_usage:max']],
  ])('%s\'s engine group records only what its engine exports', (name, present, absent) => {
    const { stack, services } = synthAll();
    const records = groupsOf(stack.ruleGroups, services.find(s => s.name === name)!).engine.rules.map(r => r.record);
    for (const r of present) expect(records).toContain(r);
    for (const r of absent) expect(records).not.toContain(r);
  });

  test('the shared alerts are there once per stack, and only those some service can use', () => {
    const alerts = (stack: MonitoringStack) => stack.ruleGroups.find(g => g.name === 'modelship.monitoring.services')!.rules.filter(r => r.alert).map(r => r.alert);
    expect(alerts(synthAll().stack)).toHaveLength(12);
    const chart = Testing.chart();
    const { tgi } = fleet(chart);
    const tgiOnly = new MonitoringStack(chart, 'monitoring', { services: [tgi] });
    expect(alerts(tgiOnly)).not.toEqual(expect.arrayContaining(['ModelTimeToFirstTokenBudgetBurnFast']));
    expect(alerts(tgiOnly)).not.toContain('ModelKVCacheNearFull');
    expect(alerts(tgiOnly)).toContain('ModelErrorBudgetBurnFast');
  });

  test('objectives: the stack\'s in the shared alerts, a service\'s own as its own series', () => {
    const chart = Testing.chart();
    const f = fleet(chart);
    const stack = new MonitoringStack(chart, 'monitoring', {
      services: f.services,
      slo: { availability: 0.999 },
      serviceSlos: [{ service: f.vllm, slo: { availability: 0.995, timeToFirstToken: { threshold: Duration.millis(500), objective: 0.97 } } }],
    });
    const fast = stack.ruleGroups.find(g => g.name === 'modelship.monitoring.services')!.rules.find(r => r.alert === 'ModelErrorBudgetBurnFast')!;
    expect(fast.expr).toContain('> on (namespace, service) group_left () (14.4 * (1 - (modelship:slo_availability:ratio{modelship_stack="default/monitoring"} or on (namespace, service) (0 * modelship:service_startup_budget:seconds{modelship_stack="default/monitoring"} + 0.999))))');
    const own = (svc: ModelService) => Object.fromEntries(groupsOf(stack.ruleGroups, svc).own.rules.map(r => [r.record, r.expr]));
    expect(own(f.vllm)).toEqual({
      'modelship:service_startup_budget:seconds': `vector(${f.vllm.plan.startupBudgetSeconds})`,
      'modelship:slo_availability:ratio': 'vector(0.995)',
      'modelship:slo_time_to_first_token:ratio': 'vector(0.97)',
      'modelship:slo_time_to_first_token_threshold:seconds': 'vector(0.5)',
    });
    // On the stack's objectives: only the startup budget, which lists the service.
    expect(Object.keys(own(f.tgi))).toEqual(['modelship:service_startup_budget:seconds']);
    // The vLLM 0.9 group counts the 0.5 s bucket for llama-8b only.
    const miss = groupsOf(stack.ruleGroups, f.vllm).engine.rules.filter(r => r.record === 'modelship:time_to_first_token_slo_miss_ratio:rate1h');
    expect(miss.map(r => r.labels!.threshold_seconds)).toEqual(['0.5']);
  });

  test('not-ready alert waits for each service\'s own startup budget', () => {
    const { stack, vllm } = synthAll();
    const r = stack.ruleGroups.find(g => g.name === 'modelship.monitoring.services')!.rules.find(x => x.alert === 'ModelPodNotReadyAfterStartup')!;
    expect(r.expr).toContain('> on (namespace, service) group_left modelship:service_startup_budget:seconds{modelship_stack="default/monitoring"}');
    expect(groupsOf(stack.ruleGroups, vllm).own.rules[0]).toMatchObject({ record: 'modelship:service_startup_budget:seconds', expr: `vector(${vllm.plan.startupBudgetSeconds})` });
  });

  test('PrometheusRules: a shared one, one per engine metric map, one small one per service', () => {
    const { objs } = synthAll();
    const names = objs.filter(o => o.kind === 'PrometheusRule').map(o => o.metadata.name);
    expect(names.slice(0, 1)).toEqual(['monitoring']);
    expect(names.slice(1, 6)).toEqual([
      expect.stringMatching(/^monitoring-sglang-[0-9a-f]{10}$/), expect.stringMatching(/^monitoring-tgi-[0-9a-f]{10}$/),
      expect.stringMatching(/^monitoring-triton-[0-9a-f]{10}$/), expect.stringMatching(/^monitoring-vllm-[0-9a-f]{10}$/),
      expect.stringMatching(/^monitoring-vllm-[0-9a-f]{10}$/),
    ]);
    expect(names.slice(6)).toEqual(['monitoring.default.llama-8b', 'monitoring.default.llama-8b-old', 'monitoring.default.llama-8b-tgi', 'monitoring.default.llama-8b-sglang', 'monitoring.default.triton']);
    for (const o of objs.filter(x => x.kind === 'PrometheusRule' && x.metadata.name.includes('.'))) expect(JSON.stringify(o).length).toBeLessThan(1024);
  });

  test('adding a service changes no other object: only its own objects appear', () => {
    const build = (extra: boolean) => {
      const chart = Testing.chart();
      const f = fleet(chart);
      const services = [...f.services];
      if (extra) {
        services.push(new ModelService(chart, 'qwen', { model: Model.huggingFace('Qwen/Qwen2.5-7B-Instruct'), runtime: Runtime.vllm({ version: '0.10.2', maxModelLen: 4096 }), nodePool: f.pools[0] }));
      }
      new MonitoringStack(chart, 'monitoring', { services, nodePools: f.pools });
      return new Map(Testing.synth(chart).map((o: any) => [`${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`, o]));
    };
    const before = build(false);
    const after = build(true);
    for (const [key, obj] of before) expect({ key, obj: after.get(key) }).toEqual({ key, obj });
    const added = [...after.keys()].filter(k => !before.has(k));
    expect(added.filter(k => /^(PodMonitor|PrometheusRule|ConfigMap)\//.test(k))).toEqual(['PodMonitor//qwen', 'PrometheusRule//monitoring.default.qwen']);
  });

  test('dashboards: one per engine kind with namespace and service variables, and a GPU fleet view, sidecar-labelled, deterministic JSON', () => {
    const a = synthAll().objs.filter(o => o.kind === 'ConfigMap');
    const b = synthAll().objs.filter(o => o.kind === 'ConfigMap');
    expect(a).toEqual(b);
    expect(a.map(o => o.metadata.name)).toEqual([
      'monitoring-dashboard-sglang', 'monitoring-dashboard-tgi', 'monitoring-dashboard-triton', 'monitoring-dashboard-vllm', 'monitoring-dashboard-gpu-fleet',
    ]);
    for (const cm of a) expect(cm.metadata.labels.grafana_dashboard).toBe('1');
    const vllmDash = JSON.parse(a[3].data['vllm.json']);
    expect(vllmDash.panels.map((p: any) => p.title)).toEqual(expect.arrayContaining(['Requests', 'Error ratio', 'Time to first token', 'Inter-token latency', 'End-to-end latency', 'Tokens per second', 'Queue and running requests', 'KV cache use per replica', 'Replicas (pods)']));
    expect(vllmDash.templating.list.map((v: any) => v.name)).toEqual(['datasource', 'namespace', 'service']);
    expect(vllmDash.templating.list[2].query).toBe('label_values(modelship:service_startup_budget:seconds{modelship_engine=~"vllm-.*",modelship_stack="default/monitoring",namespace="$namespace"}, service)');
    // vLLM 0.8 and 0.9 name their KV-cache gauge differently: one query each.
    expect(vllmDash.panels.find((p: any) => p.title === 'KV cache use per replica').targets.map((t: any) => t.expr))
      .toEqual(['vllm:gpu_cache_usage_perc{namespace="$namespace",service="$service"}', 'vllm:kv_cache_usage_perc{namespace="$namespace",service="$service"}']);
    expect(vllmDash.description).toContain('versions 0.8.5, 0.10.2');
    const tgiDash = JSON.parse(a[1].data['tgi.json']);
    expect(tgiDash.panels.map((p: any) => p.title)).not.toContain('Time to first token');
    expect(tgiDash.description).toContain('no metric for: time to first token');
    const gpu = JSON.parse(a[4].data['gpu-fleet.json']);
    expect(gpu.panels.map((p: any) => p.title)).toEqual(expect.arrayContaining(['GPU utilisation', 'GPU memory used', 'GPU temperature', 'GPU power', 'XID errors']));
    // Keys sorted at every level.
    const keys = Object.keys(vllmDash);
    expect(keys).toEqual([...keys].sort());
  });

  test('labels are configurable', () => {
    const { objs } = synthAll({ serviceMonitorLabels: { prometheus: 'main' }, ruleLabels: { role: 'alert-rules' }, dashboardLabels: { dash: 'yes' }, dashboardNamespace: 'monitoring' });
    expect(objs.find(o => o.kind === 'ServiceMonitor').metadata.labels.prometheus).toBe('main');
    expect(objs.find(o => o.kind === 'PrometheusRule').metadata.labels.role).toBe('alert-rules');
    const cm = objs.find(o => o.kind === 'ConfigMap');
    expect(cm.metadata.labels.dash).toBe('yes');
    expect(cm.metadata.namespace).toBe('monitoring');
  });

  test('the size check refuses an object kubectl apply could not store, naming it', () => {
    const chart = Testing.chart();
    const f = fleet(chart);
    // ~300 KB of user rules: the only part of the main PrometheusRule that grows.
    const rules = Array.from({ length: 300 }, (_, i) => MonitoringRule.record({ name: `team:big_${i}:sum`, expr: `sum(${'modelship:requests:rate5m + '.repeat(40)}modelship:requests:rate5m)` }));
    new MonitoringStack(chart, 'monitoring', { services: f.services, rules });
    // Any object of the app is checked, not only the stack's.
    new ApiObject(chart, 'big', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'big' }, data: { blob: 'x'.repeat(270_000) } });
    let err: unknown;
    try { Testing.synth(chart); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(ValidationError);
    const problems = (err as ValidationError).problems;
    expect(problems.map(p => `${p.path} ${p.property}`)).toEqual(['test/monitoring/Resource PrometheusRule monitoring', 'test/big ConfigMap big']);
    expect(problems[0].reason).toMatch(/^PrometheusRule monitoring is \d{6} bytes as JSON; .*kubectl.kubernetes.io\/last-applied-configuration annotation, and the API server refuses annotations over 262144 bytes/);
    expect(problems[0].fix).toMatch(/your `rules`/);
    expect(problems[1].fix).toMatch(/split it/);
  });

  test('snapshot of the rule file', () => {
    const { stack } = synthAll();
    expect(stack.ruleGroups).toMatchSnapshot();
  });
});

describe('MonitoringStack input checks', () => {
  function problemsOf(build: (f: ReturnType<typeof fleet>, chart: any) => void): ValidationError {
    const chart = Testing.chart();
    const f = fleet(chart);
    try {
      build(f, chart);
      Testing.synth(chart);
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      return e as ValidationError;
    }
    throw new Error('expected a ValidationError');
  }

  test('a PromQL expression that does not parse', () => {
    const err = problemsOf((f, chart) => new MonitoringStack(chart, 'monitoring', {
      services: f.services,
      rules: [MonitoringRule.alert({ name: 'Broken', expr: 'sum(rate(vllm:num_requests_waiting[5m]) >', summary: 'x' })],
    }));
    expect(err.problems[0]).toMatchObject({ path: 'test/monitoring', property: 'rules[0].expr', value: '"sum(rate(vllm:num_requests_waiting[5m]) >"' });
    expect(err.problems[0].reason).toMatch(/PromQL does not parse/);
  });

  test.each([
    [{ availability: 1.5 }, 'slo.availability', /strictly between 0 and 1/],
    [{ availability: 99 }, 'slo.availability', /0\.99/],
    [{ availability: 0.9 }, 'slo.availability', /could never fire/],
    [{ timeToFirstToken: { threshold: 2 as any, objective: 0.95 } }, 'slo.timeToFirstToken.threshold', /Duration/],
    [{ timeToFirstToken: { threshold: Duration.seconds(1), objective: 0 } }, 'slo.timeToFirstToken.objective', /between 0 and 1/],
  ])('SLO %j is refused', (slo, property, fix) => {
    const err = problemsOf((f, chart) => new MonitoringStack(chart, 'monitoring', { services: f.services, slo }));
    const p = err.problems.find(x => x.property === property)!;
    expect(p).toBeDefined();
    expect(`${p.reason} ${p.fix}`).toMatch(fix);
  });

  test('a TTFT threshold between histogram buckets', () => {
    const err = problemsOf((f, chart) => new MonitoringStack(chart, 'monitoring', { services: [f.vllm], slo: { timeToFirstToken: { threshold: Duration.seconds(2), objective: 0.95 } } }));
    expect(err.problems[0].reason).toMatch(/no bucket at 2 s \(nearest: 1 s and 2\.5 s\)/);
  });

  test.each([
    [{ kvCacheUsage: 95 }, /write 95 % as 0\.95/],
    [{ gpuMemoryUsage: 1.5 }, /ratio/],
    [{ queueBacklogFor: 900 as any }, /Duration/],
    [{ scrapeDownFor: Duration.millis(250) }, /Duration.minutes\(5\)/],
    [{ kvCacheFor: Duration.millis(1500) }, /Duration.minutes\(5\)/],
    [{ gpuTemperatureCelsius: 185 }, /°F/],
  ])('threshold %j of the wrong unit is refused', (thresholds, fix) => {
    const err = problemsOf((f, chart) => new MonitoringStack(chart, 'monitoring', { services: f.services, thresholds }));
    expect(err.problems[0].fix).toMatch(fix);
  });

  test('an explicit TTFT SLO on TGI is an error, the stack-wide default is skipped', () => {
    const err = problemsOf((f, chart) => new MonitoringStack(chart, 'monitoring', {
      services: f.services,
      serviceSlos: [{ service: f.tgi, slo: { timeToFirstToken: { threshold: Duration.seconds(1), objective: 0.95 } } }],
    }));
    expect(err.problems).toHaveLength(1);
    expect(err.problems[0]).toMatchObject({ property: 'serviceSlos[0].slo.timeToFirstToken' });
    expect(err.problems[0].reason).toMatch(/tgi 3\.3\.4 exports no time-to-first-token metric/);
  });

  test('an explicit availability SLO on SGLang is an error', () => {
    const err = problemsOf((f, chart) => new MonitoringStack(chart, 'monitoring', { services: f.services, serviceSlos: [{ service: f.sglang, slo: { availability: 0.99 } }] }));
    expect(err.problems[0].reason).toMatch(/no failed-request counter/);
  });

  test.each([Duration.millis(250), Duration.seconds(0)])('scrape interval %j is a problem, not a cdk8s conversion error', scrapeInterval => {
    const err = problemsOf((f, chart) => new MonitoringStack(chart, 'monitoring', { services: f.services, scrapeInterval }));
    expect(err.problems.map(p => p.property)).toEqual(['scrapeInterval']);
  });

  test('a user alert held for a sub-second time is a problem, not a cdk8s conversion error', () => {
    const err = problemsOf((f, chart) => new MonitoringStack(chart, 'monitoring', {
      services: f.services, rules: [MonitoringRule.alert({ name: 'TeamSlow', expr: 'up == 0', summary: 'down', for: Duration.millis(250) })],
    }));
    expect(err.problems.map(p => `${p.property} = ${p.value}`)).toEqual(['rules[0].for = "0.25s"']);
  });

  test('all problems at once', () => {
    const err = problemsOf((f, chart) => new MonitoringStack(chart, 'monitoring', {
      services: f.services,
      slo: { availability: 2 },
      thresholds: { kvCacheUsage: 90 },
      rules: [MonitoringRule.record({ name: 'bad name', expr: 'rate(' })],
      dcgm: Dcgm.exporter(),
    }));
    expect(err.problems.map(p => p.property).sort()).toEqual(['dcgm', 'rules[0].expr', 'rules[0].name', 'slo.availability', 'thresholds.kvCacheUsage']);
  });

  test('a service can be given without a pool or DCGM', () => {
    const chart = Testing.chart();
    const svc = new ModelService(chart, 'solo', { model: Model.huggingFace('Qwen/Qwen2.5-7B-Instruct'), runtime: Runtime.vllm({ version: '0.9.2', maxModelLen: 4096 }), accelerator: fleet(Testing.chart()).pools[0].accelerator });
    new MonitoringStack(chart, 'monitoring', { services: [svc] });
    const objs = Testing.synth(chart);
    expectSchemaValid(objs);
    expect(objs.filter(o => o.kind === 'DaemonSet')).toHaveLength(0);
  });
});
