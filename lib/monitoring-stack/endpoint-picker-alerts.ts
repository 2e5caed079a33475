import { SCRAPE_METRICS } from './known-metrics';
import { alertRule, RuleGroupSpec, RuleSpec } from './rule-group';
import { STACK_LABEL } from './service-series';
import { selector } from '../engines';
import { FAILURE_MODE_SERIES_LABEL, INFERENCE_POOL_SERIES_LABEL } from '../model-service/endpoint-picker';
import { EndpointPickerFailureMode } from '../model-service/routing';

/** One InferencePool's endpoint picker, as the stack watches it. */
export interface WatchedEndpointPicker {
  readonly namespace: string;
  readonly poolName: string;
  readonly failureMode: EndpointPickerFailureMode;
}

/** How long a picker must be down before the alert fires: its pod restarts within about a minute. */
export const ENDPOINT_PICKER_DOWN_FOR = '2m';

/**
 * `EndpointPickerDown` per InferencePool: its picker's scrape target is down, or it has none (no
 * pod, or the pod never got an address). The picker is scraped by its own PodMonitor, whose
 * relabelings write `inference_pool`, `failure_mode` and the stack label on every series.
 *
 * Severity follows the pool's failure mode (InferencePool `endpointPickerRef.failureMode`):
 * with FailClose the Gateway refuses every request while the picker is down, so the model is
 * down: critical. With FailOpen requests still reach a replica, without the picker's scores:
 * warning. One rule per pool (pools are few; the rules live in their own PrometheusRule, so adding
 * a pool renames nothing).
 */
export function endpointPickerAlertGroup(name: string, stack: string, pickers: readonly WatchedEndpointPicker[], runbookBaseUrl?: string): RuleGroupSpec {
  const rules: RuleSpec[] = pickers.map(p => {
    const up = selector(SCRAPE_METRICS.up, { [STACK_LABEL]: stack, namespace: p.namespace, [INFERENCE_POOL_SERIES_LABEL]: p.poolName });
    const closed = p.failureMode === EndpointPickerFailureMode.FAIL_CLOSE;
    const rule = alertRule('EndpointPickerDown',
      `(max by (namespace, ${INFERENCE_POOL_SERIES_LABEL}) (${up}) == 0) or absent(${up})`,
      ENDPOINT_PICKER_DOWN_FOR, {
        severity: closed ? 'critical' : 'warning',
        summary: closed
          ? `The endpoint picker of InferencePool ${p.namespace}/${p.poolName} is down: the model is down (FailClose)`
          : `The endpoint picker of InferencePool ${p.namespace}/${p.poolName} is down: requests are routed without its scores (FailOpen)`,
        description: closed
          ? `The Gateway refuses requests to ${p.namespace}/${p.poolName} while its endpoint picker does not answer (failureMode FailClose).`
          : `Requests to ${p.namespace}/${p.poolName} still reach replicas, blind to queue depth, KV-cache use and prefix caches (failureMode FailOpen).`,
        runbook: `kubectl -n ${p.namespace} get pods -l modelship.dev/endpoint-picker=${p.poolName}; check its logs (config file, RBAC on InferencePools), its gRPC health port 9003, and that the NetworkPolicy admits the metrics namespace on 9090.`,
      }, runbookBaseUrl);
    return { ...rule, labels: { ...rule.labels, [FAILURE_MODE_SERIES_LABEL]: p.failureMode } };
  });
  return { name, rules };
}
