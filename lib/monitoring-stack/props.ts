import { Duration } from 'cdk8s';
import { IGpuNodePool } from '../gpu-node-pool/contract';
import { ModelService } from '../model-service';
import { Dcgm } from './dcgm';
import { MonitoringRule } from './rule';
import { SloOptions } from './slo';
import { AlertThresholds } from './thresholds';

/** The label a kube-prometheus-stack install (release `kube-prometheus-stack`) selects monitors and rules by. */
export const DEFAULT_SERVICE_MONITOR_LABELS: Record<string, string> = { release: 'kube-prometheus-stack' };
/** The label the Grafana dashboard sidecar (kube-prometheus-stack default) picks ConfigMaps by. */
export const DEFAULT_DASHBOARD_LABELS: Record<string, string> = { grafana_dashboard: '1' };

/** SLOs set for one service explicitly: an SLO its engine cannot measure is an error. */
export interface ServiceSlo {
  readonly service: ModelService;
  readonly slo: SloOptions;
}

/** Props of {@link MonitoringStack}. */
export interface MonitoringStackProps {
  /** Model services to scrape, record, alert on and draw. */
  readonly services: ModelService[];
  /**
   * GPU pools whose nodes run the DCGM exporter.
   * @default - none (no exporter unless `dcgm` says otherwise)
   */
  readonly nodePools?: IGpuNodePool[];
  /**
   * SLOs for every service. Applied where the engine exports the metric and skipped where it
   * does not (TGI has no TTFT histogram, SGLang no error counter).
   * @default DEFAULT_SLO
   */
  readonly slo?: SloOptions;
  /**
   * Per-service SLOs, overriding `slo`. Asked for explicitly, so one the engine cannot measure
   * is a ValidationError rather than skipped.
   * @default - none
   */
  readonly serviceSlos?: ServiceSlo[];
  /** @default DEFAULT_ALERT_THRESHOLDS */
  readonly thresholds?: AlertThresholds;
  /**
   * Labels on every ServiceMonitor, so Prometheus selects them.
   * @default DEFAULT_SERVICE_MONITOR_LABELS
   */
  readonly serviceMonitorLabels?: Record<string, string>;
  /**
   * Labels on the PrometheusRule, so Prometheus selects it.
   * @default - the serviceMonitorLabels
   */
  readonly ruleLabels?: Record<string, string>;
  /**
   * Labels on the dashboard ConfigMaps, so the Grafana sidecar loads them.
   * @default DEFAULT_DASHBOARD_LABELS
   */
  readonly dashboardLabels?: Record<string, string>;
  /**
   * Namespace of the dashboard ConfigMaps (the sidecar watches only Grafana's own namespace
   * unless `searchNamespace` is set).
   * @default - the stack's namespace
   */
  readonly dashboardNamespace?: string;
  /**
   * Grafana folder for the dashboards, written as the `grafana_folder` annotation. The sidecar reads
   * it only when configured to: kube-prometheus-stack leaves `grafana.sidecar.dashboards.folderAnnotation`
   * unset (grafana chart `values.yaml`: `folderAnnotation: null`), so set it to `grafana_folder` and
   * `provider.foldersFromFilesStructure: true` there, or the dashboards land in the default folder.
   * @default - no annotation: Grafana's default folder
   */
  readonly dashboardFolder?: string;
  /** @default true */
  readonly dashboards?: boolean;
  /**
   * GPU metrics source.
   * @default - Dcgm.exporter() when nodePools is non-empty, else Dcgm.none()
   */
  readonly dcgm?: Dcgm;
  /**
   * Extra rules, checked at synth as Prometheus checks them: PromQL syntax and types, a vector or scalar
   * result, alert templates, label names (see docs/monitoring.md).
   * @default - none
   */
  readonly rules?: MonitoringRule[];
  /**
   * Base URL of your runbooks: each alert gets `runbook_url: <base>#<alertname lowercased>`.
   * Every alert carries a short `runbook` hint annotation either way.
   * @default - no runbook_url
   */
  readonly runbookBaseUrl?: string;
  /** @default - Prometheus' global scrape interval */
  readonly scrapeInterval?: Duration;
  /**
   * Name prefix of the stack's objects (PrometheusRule, dashboards).
   * @default - the construct id
   */
  readonly name?: string;
}
