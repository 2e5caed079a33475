/**
 * The types of a MonitoringStack's props, checked at run time for JavaScript and config-driven
 * callers (see lib/private/prop-guards.ts).
 */
import { Dcgm, DcgmMode } from './dcgm';
import { AlertSeverity, MonitoringRule } from './rule';
import { ModelService } from '../model-service/model-service';
import { nodePoolGuard } from '../model-service/prop-shapes';
import { Fields, Guard, is, required } from '../private/prop-guards';

const durationGuard = is.duration();
const stringMap = (example: string) => is.record(is.string('value'), example);
const serviceGuard = is.instance(ModelService, 'a service of the app: new ModelService(chart, "llama", {...})');

const sloGuard = is.object({
  availability: is.number(0.99),
  timeToFirstToken: is.object({ threshold: required(is.duration('Duration.seconds(1)')), objective: is.number(0.95) }, '{ threshold: Duration.seconds(1), objective: 0.95 }'),
}, '{ availability: 0.99 }');

/** A Dcgm made by its factories. */
const dcgmGuard: Guard = (sink, property, value) => {
  if (!is.instance(Dcgm, 'Dcgm.exporter({...}), Dcgm.existing({...}) or Dcgm.none()')(sink, property, value)) return false;
  const d = value as Dcgm;
  if (d.mode === DcgmMode.DEPLOY) {
    return is.object({
      image: is.string('nvcr.io/nvidia/k8s/dcgm-exporter:4.5.3-4.8.2-ubuntu22.04'),
      name: is.string('dcgm-exporter'),
      namespace: is.string('gpu-monitoring'),
      runtimeClassName: is.string('nvidia'),
      priorityClassName: is.string('system-node-critical'),
    }, '{ namespace: "gpu-monitoring" }')(sink, property, d.exporterOptions);
  }
  if (d.mode === DcgmMode.EXISTING) return is.object({ job: is.string('nvidia-dcgm-exporter') }, '{ job: "nvidia-dcgm-exporter" }')(sink, property, d.existingOptions);
  return true;
};

/** A MonitoringRule made by its factories. */
const ruleGuard: Guard = (sink, property, value) => {
  if (!is.instance(MonitoringRule, 'MonitoringRule.alert({...}) or MonitoringRule.record({...})')(sink, property, value)) return false;
  const r = value as MonitoringRule;
  const common: Fields = { name: required(is.string('TeamSlowRequests')), expr: required(is.string('up == 0')), labels: stringMap('{ team: "search" }') };
  return r.alert !== undefined
    ? is.object({
      ...common,
      summary: required(is.string('Requests are slow')),
      description: is.string('...'),
      for: durationGuard,
      severity: is.oneOf(Object.values(AlertSeverity), 'AlertSeverity'),
      runbookUrl: is.string('https://runbooks.example.com/llm'),
    }, '{ name, expr, summary }')(sink, property, r.alert)
    : is.object(common, '{ name, expr }')(sink, property, r.recording ?? { name: r.name, expr: r.expr });
};

/** Every field of MonitoringStackProps. */
export const MONITORING_STACK_FIELDS: Fields = {
  services: required(is.array(serviceGuard, '[llama]')),
  nodePools: is.array(nodePoolGuard, '[pool]'),
  slo: sloGuard,
  serviceSlos: is.array(is.object({ service: required(serviceGuard), slo: required(sloGuard) }, '{ service: llama, slo: { availability: 0.999 } }'), '[{ service, slo }]'),
  thresholds: is.object({
    queueDepthPerReplica: is.number(10),
    queueBacklogFor: durationGuard,
    kvCacheUsage: is.number(0.95),
    kvCacheFor: durationGuard,
    ttftAnomalyFactor: is.number(3),
    ttftAnomalyFloor: durationGuard,
    gpuTemperatureCelsius: is.number(85),
    gpuMemoryUsage: is.number(0.98),
    scrapeDownFor: durationGuard,
  }, '{ kvCacheUsage: 0.9 }'),
  serviceMonitorLabels: stringMap('{ release: "kube-prometheus-stack" }'),
  ruleLabels: stringMap('{ release: "kube-prometheus-stack" }'),
  dashboardLabels: stringMap('{ grafana_dashboard: "1" }'),
  dashboardNamespace: is.string('grafana'),
  dashboards: is.boolean(),
  dcgm: dcgmGuard,
  rules: is.array(ruleGuard, '[MonitoringRule.alert({...})]'),
  runbookBaseUrl: is.string('https://runbooks.example.com/llm'),
  scrapeInterval: durationGuard,
  name: is.string('monitoring'),
};
