import { EngineMetrics, selector } from '../engines';
import { EngineGroup } from './engine-groups';
import { grafanaSdk } from './grafana-sdk';
import { DCGM_METRICS, KUBE_STATE_METRICS } from './known-metrics';
import { withMatchers } from './promql';
import { podRegex, RECORDING_RULES } from './service-rules';
import { ENGINE_LABEL, SERVICE_SERIES, STACK_LABEL } from './service-series';
import { compareVersions } from '../engines/engine';

/** One query of a panel. */
export interface PanelQuery {
  readonly expr: string;
  readonly legend: string;
}

/** One time-series panel. */
export interface PanelSpec {
  readonly title: string;
  readonly unit: string;
  readonly description?: string;
  readonly queries: PanelQuery[];
}

/** A template variable filled from a Prometheus `label_values(...)` query. */
export interface DashboardVariable {
  readonly name: string;
  readonly label: string;
  readonly query: string;
}

/** A dashboard before rendering: what tests check and what the SDK renders. */
export interface DashboardSpec {
  readonly uid: string;
  readonly title: string;
  readonly description: string;
  readonly tags: string[];
  /** Query variables after the `datasource` one. @default - none */
  readonly variables?: DashboardVariable[];
  readonly panels: PanelSpec[];
}

/** Grafana caps dashboard uids at 40 characters. */
export const MAX_DASHBOARD_UID_LENGTH = 40;

/** A stable uid of at most 40 characters: the text itself, or a prefix plus a hash of it. */
export function dashboardUid(text: string): string {
  if (text.length <= MAX_DASHBOARD_UID_LENGTH) return text;
  // FNV-1a, 32 bits: a hash is bit arithmetic.
  let h = 0x811c9dc5;
  // eslint-disable-next-line no-bitwise
  for (const c of text) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193) >>> 0;
  const hash = h.toString(16).padStart(8, '0');
  return `${text.slice(0, MAX_DASHBOARD_UID_LENGTH - 9)}-${hash}`;
}

/**
 * The dashboard of every service of one engine kind in a stack: `namespace` and `service`
 * variables pick the service, so it does not grow with the fleet. Panels read the recorded
 * series (the same names for every engine); the per-replica KV-cache panel reads the engine's
 * own gauge, one query per name the kind's versions use. A panel is shown when any version
 * of the kind has its metric.
 * @internal
 */
export function runtimeDashboard(uid: string, stack: string, kind: string, groups: readonly EngineGroup[], gpuMetrics = true): DashboardSpec {
  const all = groups.map(g => g.metrics);
  const has = (signal: keyof EngineMetrics) => all.some(m => m[signal] !== undefined);
  const sel = { namespace: '$namespace', service: '$service' };
  const r = RECORDING_RULES;
  const q = (expr: string, legend: string): PanelQuery => ({ expr, legend });
  const quantiles = (name: (q: string) => string) => ['p50', 'p95', 'p99'].map(p => q(selector(name(p), sel), p));
  const panels: PanelSpec[] = [];
  const missing: string[] = [];

  if (has('requests')) panels.push({ title: 'Requests', unit: 'reqps', queries: [q(selector(r.requestRate, sel), 'requests/s')] });
  if (all.some(m => m.errors && m.requests)) panels.push({ title: 'Error ratio', unit: 'percentunit', queries: [q(selector(r.errorRatio('5m'), sel), '5m'), q(selector(r.errorRatio('1h'), sel), '1h')] });
  else missing.push('error ratio');
  if (has('timeToFirstToken')) panels.push({ title: 'Time to first token', unit: 's', queries: quantiles(r.ttftQuantile) });
  else missing.push('time to first token');
  if (has('interTokenLatency')) panels.push({ title: 'Inter-token latency', unit: 's', queries: quantiles(r.itlQuantile) });
  if (has('e2eLatency')) panels.push({ title: 'End-to-end latency', unit: 's', queries: quantiles(r.e2eQuantile) });
  const tokens: PanelQuery[] = [];
  if (has('promptTokens')) tokens.push(q(selector(r.promptTokens, sel), 'prompt'));
  if (has('generationTokens')) tokens.push(q(selector(r.generationTokens, sel), 'generated'));
  if (tokens.length > 0) panels.push({ title: 'Tokens per second', unit: 'short', queries: tokens });
  const load: PanelQuery[] = [];
  if (has('queueDepth')) load.push(q(selector(r.queueDepthSum, sel), 'waiting'));
  if (has('running')) load.push(q(selector(r.runningSum, sel), 'running'));
  if (load.length > 0) panels.push({ title: 'Queue and running requests', unit: 'short', queries: load });
  const kvGauges = [...new Set(all.map(m => m.kvCacheUsage).filter((x): x is string => x !== undefined))].sort();
  if (kvGauges.length > 0) panels.push({ title: 'KV cache use per replica', unit: 'percentunit', queries: kvGauges.map(g => q(selector(g, sel), '{{pod}}')) });
  else missing.push('KV cache use');
  const pods = { pod: podRegex('$service') };
  // Pods, not the Deployment's counters: once Argo Rollouts adopts the Deployment it is scaled to
  // zero and the Rollout's pods (same name prefix) serve; canary pods count too.
  const podReady = (condition: string) =>
    `sum(${withMatchers(selector(KUBE_STATE_METRICS.podReady, { namespace: '$namespace', condition }), pods)})`;
  panels.push({ title: 'Replicas (pods)', unit: 'short', queries: [q(podReady('true'), 'ready'), q(podReady('false'), 'not ready')] });
  panels.push({
    title: 'Container restarts (1h)',
    unit: 'short',
    queries: [
      q(`sum by (pod) (increase(${withMatchers(selector(KUBE_STATE_METRICS.containerRestarts, { namespace: '$namespace' }), pods)}[1h]))`, '{{pod}}'),
    ],
  });
  if (gpuMetrics) panels.push({ title: 'GPU utilisation per pod', unit: 'percent', queries: [q(`avg by (pod) (${withMatchers(selector(DCGM_METRICS.gpuUtil, { namespace: '$namespace' }), pods)})`, '{{pod}}')] });

  // The services of this kind in this stack, from their startup-budget series (see SERVICE_SERIES).
  // Engine group keys are `<kind>-<hash>`.
  const list = (extra: Record<string, string>) => selector(SERVICE_SERIES.startupBudget, { [STACK_LABEL]: stack, ...extra }, { [ENGINE_LABEL]: `${kind}-.*` });
  const versions = [...new Set(groups.flatMap(g => g.versions))].sort(compareVersions);
  const note = missing.length > 0 ? ` ${kind} exports no metric for: ${missing.join(', ')}.` : '';
  return {
    uid: dashboardUid(uid),
    title: `Models on ${kind}`,
    description: `Traffic, latency, tokens, saturation, errors and replicas of one ${kind} model service (${stack}, versions ${versions.join(', ')}): pick it with the namespace and service variables.${note}`,
    tags: ['modelship', 'model-serving'],
    variables: [
      { name: 'namespace', label: 'Namespace', query: `label_values(${list({})}, namespace)` },
      { name: 'service', label: 'Service', query: `label_values(${list({ namespace: '$namespace' })}, service)` },
    ],
    panels,
  };
}

/** The GPU fleet: every GPU the DCGM exporter reports, by node and by pod. */
export function gpuFleetDashboard(uid: string): DashboardSpec {
  const d = DCGM_METRICS;
  const q = (expr: string, legend: string): PanelQuery => ({ expr, legend });
  const byGpu = '{{Hostname}} GPU {{gpu}}';
  return {
    uid: dashboardUid(uid),
    title: 'GPU fleet',
    description: 'Utilisation, memory, temperature, power and XID errors of every GPU, from the DCGM exporter.',
    tags: ['modelship', 'gpu'],
    panels: [
      { title: 'GPU utilisation', unit: 'percent', queries: [q(`avg by (Hostname, gpu) (${d.gpuUtil})`, byGpu)] },
      { title: 'GPU utilisation per pod', unit: 'percent', queries: [q(`avg by (namespace, pod) (${d.gpuUtil})`, '{{namespace}}/{{pod}}')] },
      { title: 'Tensor core activity', unit: 'percentunit', queries: [q(`avg by (Hostname, gpu) (${d.tensorActive})`, byGpu)] },
      { title: 'GPU memory used', unit: 'percentunit', queries: [q(`max by (Hostname, gpu) (${d.fbUsed} / (${d.fbUsed} + ${d.fbFree}))`, byGpu)] },
      { title: 'GPU temperature', unit: 'celsius', queries: [q(`max by (Hostname, gpu) (${d.gpuTemp})`, byGpu)] },
      { title: 'GPU power', unit: 'watt', queries: [q(`sum by (Hostname) (${d.powerUsage})`, '{{Hostname}}')] },
      { title: 'XID errors', unit: 'none', description: 'Last XID per GPU; 0 means none.', queries: [q(`max by (Hostname, gpu, namespace, pod) (${d.xidErrors})`, '{{Hostname}} GPU {{gpu}} {{namespace}}/{{pod}}')] },
    ],
  };
}

/** Renders a dashboard with the Grafana Foundation SDK, as JSON with sorted keys. */
export function renderDashboard(spec: DashboardSpec): string {
  const { common, dashboard, prometheus, timeseries } = grafanaSdk();
  const ds = { type: 'prometheus', uid: '${datasource}' };
  const builder = new dashboard.DashboardBuilder(spec.title)
    .uid(spec.uid)
    .description(spec.description)
    .tags(spec.tags)
    .time({ from: 'now-6h', to: 'now' })
    .refresh('1m')
    .tooltip(dashboard.DashboardCursorSync.Crosshair)
    .withVariable(new dashboard.DatasourceVariableBuilder('datasource').label('Prometheus').type('prometheus'));
  for (const v of spec.variables ?? []) {
    builder.withVariable(new dashboard.QueryVariableBuilder(v.name).label(v.label).datasource(ds)
      .query(v.query).definition(v.query)
      .refresh(dashboard.VariableRefresh.OnTimeRangeChanged).sort(dashboard.VariableSort.AlphabeticalAsc));
  }
  spec.panels.forEach((p, i) => {
    const panel = new timeseries.PanelBuilder()
      .title(p.title)
      .unit(p.unit)
      .datasource(ds)
      .gridPos({ h: 8, w: 12, x: (i % 2) * 12, y: Math.floor(i / 2) * 8 })
      .legend(new common.VizLegendOptionsBuilder().showLegend(true).displayMode(common.LegendDisplayMode.List).placement(common.LegendPlacement.Bottom))
      .fillOpacity(10);
    if (p.description) panel.description(p.description);
    p.queries.forEach((query, j) => panel.withTarget(new prometheus.DataqueryBuilder()
      .expr(query.expr).legendFormat(query.legend).refId(String.fromCharCode(65 + j)).datasource(ds)));
    builder.withPanel(panel);
  });
  return JSON.stringify(sortKeys(builder.build()), undefined, 2) + '\n';
}

/** Deep copy with object keys sorted, so the JSON is byte-stable. */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  // A plain loop: this runs over every dashboard of every service, and the bench shows it.
  const obj = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(obj).sort()) {
    const v = obj[k];
    if (v !== undefined) out[k] = sortKeys(v);
  }
  return out;
}
