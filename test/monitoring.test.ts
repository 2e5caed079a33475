import { Duration, Testing } from 'cdk8s';
import {
  Dcgm, EngineMetrics, Model, ModelService, MonitoringRule, MonitoringStack, Runtime, ValidationError,
} from '../lib';
import { KNOWN_NON_ENGINE_METRICS } from '../lib/monitoring-stack/known-metrics';
import { analyzePromql } from '../lib/monitoring-stack/promql';
import { fleet, stackChart } from './support/monitoring-fixture';
import { expectSchemaValid } from './support/schema';

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

  test('a ServiceMonitor per service on the port that carries the metrics, with kube-prometheus-stack labels', () => {
    const { objs, vllm, tgi, triton } = synthAll();
    const sm = (name: string) => objs.find(o => o.kind === 'ServiceMonitor' && o.metadata.name === name);
    expect(sm(vllm.name).spec).toEqual({
      selector: { matchLabels: { 'modelship.dev/service': vllm.name } },
      namespaceSelector: { matchNames: ['default'] },
      endpoints: [{ port: 'http', path: '/metrics' }],
    });
    expect(sm(vllm.name).metadata.labels.release).toBe('kube-prometheus-stack');
    // TGI 3 and Triton serve metrics on their own port, which the Service names `metrics`.
    expect(sm(tgi.name).spec.endpoints[0].port).toBe('metrics');
    expect(sm(triton.name).spec.endpoints[0].port).toBe('metrics');
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
    expect(objs.filter(o => o.metadata.name === 'dcgm-exporter').map(o => o.kind).sort()).toEqual(['DaemonSet', 'Service', 'ServiceAccount', 'ServiceMonitor']);
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
    const rule = objs.find(o => o.kind === 'PrometheusRule');
    const recorded = rule.spec.groups.flatMap((g: any) => g.rules.filter((r: any) => r.record).map((r: any) => r.record));
    const known = new Set([...services.flatMap(s => engineMetricNames(s.metrics)), ...KNOWN_NON_ENGINE_METRICS, ...recorded]);
    const exprs: string[] = rule.spec.groups.flatMap((g: any) => g.rules.map((r: any) => r.expr));
    for (const cm of objs.filter(o => o.kind === 'ConfigMap')) {
      for (const json of Object.values(cm.data) as string[]) {
        for (const p of JSON.parse(json).panels) for (const t of p.targets) exprs.push(t.expr);
      }
    }
    expect(exprs.length).toBeGreaterThan(200);
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

  test('vLLM 0.8 and 0.9 rules use each version\'s metric names', () => {
    const { stack, vllm, vllmOld } = synthAll();
    const text = (name: string) => JSON.stringify(stack.ruleGroups.find(g => g.name === `modelship.default.${name}`));
    expect(text(vllm.name)).toContain('vllm:kv_cache_usage_perc');
    expect(text(vllm.name)).toContain('vllm:inter_token_latency_seconds_bucket');
    expect(text(vllmOld.name)).toContain('vllm:gpu_cache_usage_perc');
    expect(text(vllmOld.name)).toContain('vllm:time_per_output_token_seconds_bucket');
    expect(text(vllmOld.name)).not.toContain('kv_cache_usage_perc');
  });

  test.each([
    ['llama-8b', ['ModelErrorBudgetBurnFast', 'ModelTimeToFirstTokenBudgetBurnFast', 'ModelKVCacheNearFull', 'ModelTimeToFirstTokenAnomaly'], []],
    // TGI: no TTFT metric and no KV-cache gauge; the alerts that need them are skipped.
    ['llama-8b-tgi', ['ModelErrorBudgetBurnFast', 'ModelQueueBacklog'], ['ModelTimeToFirstTokenBudgetBurnFast', 'ModelTimeToFirstTokenAnomaly', 'ModelKVCacheNearFull']],
    // SGLang: no error counter.
    ['llama-8b-sglang', ['ModelTimeToFirstTokenBudgetBurnFast'], ['ModelErrorBudgetBurnFast']],
    ['triton', ['ModelErrorBudgetBurnFast', 'ModelQueueBacklog'], ['ModelTimeToFirstTokenBudgetBurnFast', 'ModelKVCacheNearFull']],
  ])('%s gets only the alerts its engine can support', (name, present, absent) => {
    const { stack } = synthAll();
    const alerts = stack.ruleGroups.find(g => g.name === `modelship.default.${name}`)!.rules.map(r => r.alert).filter(Boolean);
    for (const a of present) expect(alerts).toContain(a);
    for (const a of absent) expect(alerts).not.toContain(a);
    for (const a of ['ModelNoReadyReplicas', 'ModelPodCrashLooping', 'ModelPodOOMKilled', 'ModelPodNotReadyAfterStartup', 'ModelScrapeTargetDown']) expect(alerts).toContain(a);
  });

  test('burn-rate thresholds come from the SLO', () => {
    const { stack } = synthAll({ slo: { availability: 0.999 } });
    const fast = stack.ruleGroups[0].rules.find(r => r.alert === 'ModelErrorBudgetBurnFast')!;
    expect(fast.expr).toContain('modelship:request_error_ratio:rate1h{namespace="default",service="llama-8b"} > 0.0144');
    expect(fast.expr).toContain('modelship:request_error_ratio:rate30m{namespace="default",service="llama-8b"} > 0.006');
  });

  test('not-ready alert waits for the service\'s startup budget', () => {
    const { stack, vllm } = synthAll();
    const r = stack.ruleGroups[0].rules.find(x => x.alert === 'ModelPodNotReadyAfterStartup')!;
    expect(r.expr).toContain(`> ${vllm.plan.startupBudgetSeconds})`);
  });

  test('dashboards: one per service and a GPU fleet view, sidecar-labelled, deterministic JSON', () => {
    const a = synthAll().objs.filter(o => o.kind === 'ConfigMap');
    const b = synthAll().objs.filter(o => o.kind === 'ConfigMap');
    expect(a).toEqual(b);
    expect(a.map(o => o.metadata.name)).toEqual([
      'monitoring-dashboard-default-llama-8b', 'monitoring-dashboard-default-llama-8b-old', 'monitoring-dashboard-default-llama-8b-tgi',
      'monitoring-dashboard-default-llama-8b-sglang', 'monitoring-dashboard-default-triton', 'monitoring-dashboard-gpu-fleet',
    ]);
    for (const cm of a) expect(cm.metadata.labels.grafana_dashboard).toBe('1');
    const vllmDash = JSON.parse(a[0].data['default-llama-8b.json']);
    expect(vllmDash.panels.map((p: any) => p.title)).toEqual(expect.arrayContaining(['Requests', 'Error ratio', 'Time to first token', 'Inter-token latency', 'End-to-end latency', 'Tokens per second', 'Queue and running requests', 'KV cache use per replica', 'Replicas']));
    const tgiDash = JSON.parse(a[2].data['default-llama-8b-tgi.json']);
    expect(tgiDash.panels.map((p: any) => p.title)).not.toContain('Time to first token');
    expect(tgiDash.description).toContain('no metric for: time to first token');
    const gpu = JSON.parse(a[5].data['gpu-fleet.json']);
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
      services: f.services, slo: { availability: 2 }, thresholds: { kvCacheUsage: 90 },
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
