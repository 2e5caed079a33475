import { DashboardSpec, dashboardUid, PanelQuery } from './dashboards';
import { ENDPOINT_PICKER_METRICS, SCRAPE_METRICS } from './known-metrics';
import { STACK_LABEL } from './service-series';
import { selector } from '../engines';
import { INFERENCE_POOL_SERIES_LABEL } from '../model-service/endpoint-picker';

/**
 * The endpoint pickers of a stack's InferencePools: up, ready endpoints, the pool averages the
 * picker computes, and requests by requested model (LoRA adapters included: the picker labels
 * requests with the body's `model`), errors and latency, from the picker's own metrics
 * (ENDPOINT_PICKER_METRICS). Every query selects the stack's series by its label, which the
 * pickers' PodMonitors write.
 */
export function endpointPickerDashboard(uid: string, stack: string): DashboardSpec {
  const m = ENDPOINT_PICKER_METRICS;
  const sel = (metric: string, extra: Record<string, string> = {}) => selector(metric, { [STACK_LABEL]: stack, ...extra });
  const q = (expr: string, legend: string): PanelQuery => ({ expr, legend });
  const pool = `{{namespace}}/{{${INFERENCE_POOL_SERIES_LABEL}}}`;
  const by = `namespace, ${INFERENCE_POOL_SERIES_LABEL}`;
  return {
    uid: dashboardUid(uid),
    title: 'Endpoint pickers',
    description: 'The llm-d endpoint pickers of the InferencePools: health, ready endpoints, queue and KV-cache averages, and requests by model or adapter.',
    tags: ['modelship', 'inference-pool'],
    panels: [
      { title: 'Picker up', unit: 'none', description: '1 when Prometheus scrapes the picker; with FailClose a 0 means the model is down.', queries: [q(`max by (${by}) (${selector(SCRAPE_METRICS.up, { [STACK_LABEL]: stack }, { [INFERENCE_POOL_SERIES_LABEL]: '.+' })})`, pool)] },
      { title: 'Ready endpoints', unit: 'none', queries: [q(`max by (${by}) (${sel(m.readyEndpoints)})`, pool)] },
      { title: 'Average queue size', unit: 'none', queries: [q(`max by (${by}) (${sel(m.averageQueueSize)})`, pool)] },
      { title: 'Average KV-cache utilisation', unit: 'percentunit', queries: [q(`max by (${by}) (${sel(m.averageKvCacheUtilization)})`, pool)] },
      { title: 'Requests by model or adapter', unit: 'reqps', queries: [q(`sum by (${by}, model_name) (rate(${sel(m.requests)}[5m]))`, `${pool} {{model_name}}`)] },
      { title: 'Request errors by code', unit: 'reqps', queries: [q(`sum by (${by}, error_code) (rate(${sel(m.requestErrors)}[5m]))`, `${pool} {{error_code}}`)] },
      { title: 'Request latency p95', unit: 's', queries: [q(`histogram_quantile(0.95, sum by (${by}, le) (rate(${sel(`${m.requestDuration}_bucket`)}[5m])))`, pool)] },
    ],
  };
}
