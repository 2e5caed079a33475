/**
 * A MonitoringStack's names checked by the API server's own rules (lib/private/api-rules) before
 * any object is built: the labels Prometheus and Grafana select on, the namespaces objects go to,
 * and the DCGM exporter's image and names.
 */
import { Problems } from '../errors';
import { Dcgm } from './dcgm';
import { MonitoringStackProps } from './props';
import { checkDns1035Label, checkDns1123Label, checkDns1123Subdomain, checkImageReference, checkLabels } from '../private/api-rules';

/** Labels, namespaces and the DCGM exporter's options. */
export function checkStackNames(problems: Problems, props: MonitoringStackProps, dcgm: Dcgm): void {
  for (const key of ['serviceMonitorLabels', 'ruleLabels', 'dashboardLabels'] as const) {
    if (props[key] !== undefined) checkLabels(problems, key, props[key]);
  }
  if (props.dashboardNamespace !== undefined) checkDns1123Label(problems, 'dashboardNamespace', props.dashboardNamespace);
  const o = dcgm.exporterOptions;
  if (o === undefined) return;
  if (o.image !== undefined) checkImageReference(problems, 'dcgm.image', o.image);
  if (o.namespace !== undefined) checkDns1123Label(problems, 'dcgm.namespace', o.namespace);
  // The DaemonSet, ServiceAccount and Service share it; a Service name is a DNS-1035 label.
  if (o.name !== undefined) checkDns1035Label(problems, 'dcgm.name', o.name);
  if (o.runtimeClassName !== undefined) checkDns1123Subdomain(problems, 'dcgm.runtimeClassName', o.runtimeClassName);
  if (o.priorityClassName !== undefined) checkDns1123Subdomain(problems, 'dcgm.priorityClassName', o.priorityClassName);
}
