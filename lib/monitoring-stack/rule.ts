import { Duration } from 'cdk8s';
import { factoryOptions } from '../private/prop-guards';

/** How urgent an alert is; the values are what Alertmanager routes on. */
export enum AlertSeverity {
  /** Wake someone up: users are affected now. */
  CRITICAL = 'critical',
  /** Open a ticket: needs attention within a working day. */
  WARNING = 'warning',
  /** For dashboards and inhibition only. */
  INFO = 'info',
}

/** Options of a user alert. */
export interface AlertRuleOptions {
  /** Alert name, e.g. `LlamaSlowPrefill` (letters, digits, `_`). */
  readonly name: string;
  /** PromQL expression; the alert fires for every series it returns. */
  readonly expr: string;
  /**
   * How long the expression must hold before the alert fires.
   * @default - fires on the first evaluation
   */
  readonly for?: Duration;
  /** @default AlertSeverity.WARNING */
  readonly severity?: AlertSeverity;
  /** One line naming what is wrong (Go templates such as `{{ $labels.service }}` allowed). */
  readonly summary: string;
  /** @default - the summary */
  readonly description?: string;
  /** @default - no runbook link */
  readonly runbookUrl?: string;
  /** Extra labels. @default - none */
  readonly labels?: Record<string, string>;
}

/** Options of a user recording rule. */
export interface RecordingRuleOptions {
  /** Series name, by convention `level:metric:operations`. */
  readonly name: string;
  /** PromQL expression to record. */
  readonly expr: string;
  /** Extra labels. @default - none */
  readonly labels?: Record<string, string>;
}

/**
 * A rule the user adds to the stack's PrometheusRule, next to the generated ones.
 * Checked at synth as Prometheus checks it (expression types, result type, templates, labels).
 */
export class MonitoringRule {
  /** An alerting rule. */
  public static alert(options: AlertRuleOptions): MonitoringRule {
    const o = factoryOptions<Partial<AlertRuleOptions>>('MonitoringRule.alert', options, '{ name: "TeamSlow", expr: "...", summary: "..." }') as AlertRuleOptions;
    return new MonitoringRule(o.name, o.expr, o, undefined);
  }
  /** A recording rule. */
  public static record(options: RecordingRuleOptions): MonitoringRule {
    const o = factoryOptions<Partial<RecordingRuleOptions>>('MonitoringRule.record', options, '{ name: "team:requests:rate5m", expr: "..." }') as RecordingRuleOptions;
    return new MonitoringRule(o.name, o.expr, undefined, o);
  }

  private constructor(
    /** Alert or series name. */
    public readonly name: string,
    /** The PromQL expression as given. */
    public readonly expr: string,
    /** Set for alerts. */
    public readonly alert?: AlertRuleOptions,
    /** Set for recording rules. */
    public readonly recording?: RecordingRuleOptions,
  ) {}
}
