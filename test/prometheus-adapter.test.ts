/**
 * HPA mode: the HorizontalPodAutoscaler asks the custom metrics API for a Pods metric by name, and
 * only a prometheus-adapter rule makes that name exist. For every runtime with a queue metric, this
 * applies prometheus-adapter's own rule semantics (reimplemented here from its source, not taken from
 * lib/) to the rules docs/autoscaling.md tells users to install, and checks the name the adapter
 * would serve is exactly `metrics[0].pods.metric.name` of the HPA modelship emits. promtool then
 * evaluates the query the adapter would run on sample series.
 *
 * prometheus-adapter v0.12.0, pkg/naming/metric_namer.go: a series is named by
 * `nameMatches.FindStringSubmatchIndex(series.Name)` (no match: the series is skipped) and
 * `nameMatches.ExpandString(nil, nameAs, series.Name, matches)`; an empty `as` defaults to `$0`
 * without capture groups, `$1` with one, and is an error with more. pkg/naming/metrics_query.go:
 * `metricsQuery` is a Go template (delimiters << >>) over Series, LabelMatchers (for pods:
 * `namespace="<ns>",pod=~"<a>|<b>"`) and GroupBy (`pod`).
 */
import { spawnSync } from 'child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Testing } from 'cdk8s';
import { parse, stringify } from 'yaml';
import {
  Accelerator, AutoscalerProvider, Model, ModelService, ModelServiceProps, prometheusAdapterRule, prometheusAdapterRules, Runtime,
} from '../lib';
import { PROMTOOL, requirePromtool } from './support/promtool';

interface AdapterRule {
  seriesQuery: string;
  resources: { overrides?: Record<string, { resource: string; group?: string }>; template?: string };
  name?: { matches?: string; as?: string };
  metricsQuery: string;
}

// --- prometheus-adapter, reimplemented from its source (see the header) ---

/** Go regexp syntax to JavaScript for the constructs a rule may use (named groups are spelled differently). */
function goRegExp(pattern: string): RegExp {
  return new RegExp(pattern.replace(/\(\?P</g, '(?<'));
}

/**
 * Go's `Regexp.Expand`: `$name` or `${name}`, name a non-empty run of letters, digits and
 * underscores (as long as possible in the `$name` form); numeric names are submatch indexes; an
 * unknown or unmatched reference expands to nothing; `$$` is a literal `$`; a `$` not followed by a
 * valid reference is copied as is.
 */
function goExpand(template: string, match: RegExpExecArray): string {
  let out = '';
  for (let i = 0; i < template.length; i++) {
    const ch = template[i];
    if (ch !== '$') { out += ch; continue; }
    if (template[i + 1] === '$') { out += '$'; i++; continue; }
    const braced = /^\{([A-Za-z0-9_]+)\}/.exec(template.slice(i + 1));
    const bare = /^[A-Za-z0-9_]+/.exec(template.slice(i + 1));
    const name = braced ? braced[1] : bare ? bare[0] : undefined;
    if (name === undefined) { out += ch; continue; }
    i += braced ? braced[0].length : bare![0].length;
    out += (/^\d+$/.test(name) ? match[Number(name)] : match.groups?.[name]) ?? '';
  }
  return out;
}

/** The name prometheus-adapter serves `series` under with `rule`, or undefined when the rule skips it. */
function adapterName(rule: AdapterRule, series: string): string | undefined {
  const matches = rule.name?.matches || '.*';
  const regexp = goRegExp(matches);
  const match = regexp.exec(series);
  if (!match) return undefined;
  let as = rule.name?.as ?? '';
  if (as === '') {
    const groups = match.length - 1;
    if (groups > 1) throw new Error(`must specify an 'as' value for name matcher ${JSON.stringify(matches)}`);
    as = groups === 0 ? '$0' : '$1';
  }
  return goExpand(as, match);
}

/** A Prometheus series selector `name{l!="",...}` split into its metric name and `!=""` labels. */
function parseSeriesQuery(query: string): { metric: string; nonEmpty: string[] } {
  const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)\{(.*)\}$/.exec(query);
  if (!m) throw new Error(`unexpected seriesQuery ${query}`);
  const nonEmpty = m[2].split(',').map(s => s.trim()).map(s => {
    const l = /^([a-zA-Z_][a-zA-Z0-9_]*)!=""$/.exec(s);
    if (!l) throw new Error(`unexpected matcher ${s} in ${query}`);
    return l[1];
  });
  return { metric: m[1], nonEmpty };
}

/** The adapter's metricsQuery template for a Pods request on `pods` in `namespace`. */
function renderMetricsQuery(rule: AdapterRule, series: string, namespace: string, pods: string[]): string {
  const query = rule.metricsQuery
    .replace(/<<\s*\.Series\s*>>/g, series)
    .replace(/<<\s*\.LabelMatchers\s*>>/g, `namespace="${namespace}",pod=~"${pods.join('|')}"`)
    .replace(/<<\s*\.GroupBy\s*>>/g, 'pod');
  if (query.includes('<<')) throw new Error(`template action not modelled by this test: ${rule.metricsQuery}`);
  return query;
}

describe('the reimplemented adapter naming, on the examples of prometheus-adapter docs/config.md', () => {
  test.each([
    [{ matches: '^(.*)_total$', as: '${1}_per_second' }, 'http_requests_total', 'http_requests_per_second'],
    [{ matches: '^container_(.*)_seconds_total$' }, 'container_cpu_usage_seconds_total', 'cpu_usage'],
    [{ matches: '' }, 'some_metric', 'some_metric'],
    [{ matches: '^(?P<base>.*)_count$', as: '$base' }, 'x_count', 'x'],
    [{ matches: '^(.*)_total$', as: '$1x' }, 'a_total', ''], // `$1x` is `${1x}`: no such group
    [{ matches: '^(.*)_total$' }, 'a_count', undefined],
  ])('%j names %s %s', (name, series, expected) => {
    expect(adapterName({ seriesQuery: '', resources: {}, name, metricsQuery: '' }, series)).toBe(expected);
  });

  test('two capture groups without `as` are an error, as in the adapter', () => {
    expect(() => adapterName({ seriesQuery: '', resources: {}, name: { matches: '^(a)(b)$' }, metricsQuery: '' }, 'ab')).toThrow(/must specify an 'as'/);
  });
});

// --- the rules users install, from the docs ---

const docs = readFileSync(join(__dirname, '..', 'docs', 'autoscaling.md'), 'utf8');
const marker = docs.indexOf('<!-- prometheus-adapter values');
const documentedValues = parse(/```yaml\n([\s\S]*?)```/.exec(docs.slice(marker))![1]);
const documentedRules: AdapterRule[] = documentedValues.rules.custom;

const base = { accelerator: Accelerator.NVIDIA_L4, autoscaling: { minReplicas: 1, maxReplicas: 3, provider: AutoscalerProvider.HPA } };
const LLAMA_8B = Model.huggingFace('meta-llama/Llama-3.1-8B-Instruct');
const runtimes: [string, ModelServiceProps][] = [
  ['vLLM (default version)', { ...base, model: LLAMA_8B, runtime: Runtime.vllm({ maxModelLen: 4096 }) }],
  ['vLLM 0.8.5', { ...base, model: LLAMA_8B, runtime: Runtime.vllm({ version: '0.8.5', maxModelLen: 4096 }) }],
  ['SGLang', { ...base, model: LLAMA_8B, runtime: Runtime.sglang({ maxModelLen: 4096 }) }],
  ['TGI', { ...base, model: LLAMA_8B, runtime: Runtime.tgi({ maxModelLen: 4096, allowRootImage: true }) }],
  ['Triton', { ...base, model: Model.fromVolume({ claimName: 'triton-repo' }), runtime: Runtime.triton(), gpusPerReplica: 1 }],
];

function hpaOf(props: ModelServiceProps): { service: ModelService; metricName: string } {
  const chart = Testing.chart();
  const service = new ModelService(chart, 'svc', props);
  const hpa = Testing.synth(chart).find(o => o.kind === 'HorizontalPodAutoscaler');
  expect(hpa.spec.metrics).toHaveLength(1);
  expect(hpa.spec.metrics[0].type).toBe('Pods');
  return { service, metricName: hpa.spec.metrics[0].pods.metric.name };
}

/** The one rule of `rules` that exposes `series` on pods, and the name it gives it. */
function servedName(rules: AdapterRule[], series: string): string | undefined {
  const selecting = rules.filter(r => {
    const q = parseSeriesQuery(r.seriesQuery);
    // A scraped series carries namespace and pod (prometheus-operator's target labels), so `!=""` holds.
    return q.metric === series && q.nonEmpty.every(l => ['namespace', 'pod'].includes(l));
  });
  expect(selecting).toHaveLength(1);
  const [rule] = selecting;
  expect(rule.resources.overrides).toEqual({ namespace: { resource: 'namespace' }, pod: { resource: 'pod' } });
  return adapterName(rule, series);
}

describe.each(runtimes)('HPA mode on %s', (_name, props) => {
  test('the documented adapter rule serves the queue metric under the exact name the HPA asks for', () => {
    const { service, metricName } = hpaOf(props);
    const series = service.metrics.queueDepth!;
    expect(servedName(documentedRules, series)).toBe(metricName);
  });

  test('prometheusAdapterRules() gives the documented rule', () => {
    const { service } = hpaOf(props);
    const rule = documentedRules.find(r => parseSeriesQuery(r.seriesQuery).metric === service.metrics.queueDepth);
    expect(prometheusAdapterRules([service])).toEqual([rule]);
  });
});

test('a custom runtime\'s declared queue metric: prometheusAdapterRule() serves it under the HPA\'s name', () => {
  const { service, metricName } = hpaOf({
    ...base,
    model: Model.fromVolume({ claimName: 'weights' }),
    gpusPerReplica: 1,
    runtime: Runtime.custom({ image: 'ghcr.io/acme/server:1.2.3', metrics: { queueDepth: 'acme:scheduler:waiting_requests' } }),
  });
  expect(metricName).toBe('acme_scheduler_waiting_requests');
  expect(servedName(prometheusAdapterRules([service]), 'acme:scheduler:waiting_requests')).toBe(metricName);
  expect(prometheusAdapterRules([service])).toEqual([prometheusAdapterRule('acme:scheduler:waiting_requests')]);
});

test('every rule names only its own series: no documented rule renames another engine\'s queue metric', () => {
  const queueMetrics = runtimes.map(([, props]) => hpaOf(props).service.metrics.queueDepth!);
  for (const rule of documentedRules) {
    const own = parseSeriesQuery(rule.seriesQuery).metric;
    for (const other of queueMetrics.filter(m => m !== own)) expect([rule.name?.matches, adapterName(rule, other)]).toEqual([rule.name?.matches, undefined]);
    // Near misses of the anchored pattern are not renamed either.
    expect(adapterName(rule, `${own}_total`)).toBeUndefined();
    expect(adapterName(rule, `x${own}`)).toBeUndefined();
  }
});

test('prometheusAdapterRules() needs nothing for KEDA-scaled or fixed services, and one rule per metric', () => {
  const chart = Testing.chart();
  const keda = new ModelService(chart, 'keda', { ...base, model: LLAMA_8B, autoscaling: { minReplicas: 1, maxReplicas: 2 } });
  const fixed = new ModelService(chart, 'fixed', { accelerator: Accelerator.NVIDIA_L4, model: LLAMA_8B });
  const a = new ModelService(chart, 'a', { ...base, model: LLAMA_8B });
  const b = new ModelService(chart, 'b', { ...base, model: LLAMA_8B });
  const t = new ModelService(chart, 'tgi', { ...base, model: LLAMA_8B, runtime: Runtime.tgi({ maxModelLen: 4096, allowRootImage: true }) });
  expect(prometheusAdapterRules([keda, fixed])).toEqual([]);
  expect(prometheusAdapterRules([t, a, keda, b]).map(r => r.name.matches)).toEqual(['^tgi_queue_size$', '^vllm:num_requests_waiting$']);
});

// --- promtool: the selector and the query the adapter runs are PromQL Prometheus accepts and evaluates as intended ---

requirePromtool('the promtool checks of the prometheus-adapter rules');
const testIfPromtool = PROMTOOL ? test : test.skip;

testIfPromtool('promtool: each rule\'s query, for two pods, returns each pod\'s queue (and not another namespace\'s)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'modelship-adapter-'));
  try {
    const records = documentedRules.map((rule, i) => {
      const series = parseSeriesQuery(rule.seriesQuery).metric;
      return { series, record: `adapter_query_${i}`, expr: renderMetricsQuery(rule, series, 'llm', ['a', 'b']), selector: rule.seriesQuery };
    });
    // Recording rules (the form promtool evaluates): the adapter's query, and its series selector.
    writeFileSync(join(dir, 'rules.yaml'), stringify({
      groups: [{ name: 'adapter', rules: records.flatMap(r => [{ record: r.record, expr: r.expr }, { record: `${r.record}_series`, expr: r.selector }]) }],
    }));
    const check = spawnSync(PROMTOOL!, ['check', 'rules', join(dir, 'rules.yaml')], { encoding: 'utf8' });
    expect(check.stdout + check.stderr).toMatch(/SUCCESS/);

    writeFileSync(join(dir, 'test.yaml'), stringify({
      rule_files: ['rules.yaml'],
      evaluation_interval: '1m',
      tests: [{
        interval: '1m',
        input_series: records.flatMap(r => [
          // Two replicas of the service, each series split by another label (model name) as engines do.
          { series: `${r.series}{namespace="llm",pod="a",model_name="x"}`, values: '2x5' },
          { series: `${r.series}{namespace="llm",pod="a",model_name="y"}`, values: '1x5' },
          { series: `${r.series}{namespace="llm",pod="b",model_name="x"}`, values: '7x5' },
          { series: `${r.series}{namespace="other",pod="a",model_name="x"}`, values: '100x5' },
        ]),
        promql_expr_test: records.map(r => ({
          expr: r.record,
          eval_time: '2m',
          exp_samples: [{ labels: `${r.record}{pod="a"}`, value: 3 }, { labels: `${r.record}{pod="b"}`, value: 7 }],
        })),
      }],
    }));
    const unit = spawnSync(PROMTOOL!, ['test', 'rules', join(dir, 'test.yaml')], { encoding: 'utf8', cwd: dir });
    expect(unit.stdout + unit.stderr).toMatch(/SUCCESS/);
    expect(unit.status).toBe(0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
