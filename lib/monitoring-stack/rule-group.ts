/** One rule as it appears in a Prometheus rule file. */
export interface RuleSpec {
  readonly record?: string;
  readonly alert?: string;
  readonly expr: string;
  readonly for?: string;
  readonly labels?: Record<string, string>;
  readonly annotations?: Record<string, string>;
}

/** One rule group as it appears in a Prometheus rule file. */
export interface RuleGroupSpec {
  readonly name: string;
  readonly rules: RuleSpec[];
}

/** What every generated alert carries besides its expression. */
export interface AlertText {
  readonly severity: string;
  readonly summary: string;
  readonly description: string;
  /** First thing to check: shown as the `runbook` annotation. */
  readonly runbook: string;
}

/** Turns an alert into a rule with the annotations modelship promises on every alert. */
export function alertRule(name: string, expr: string, forDuration: string | undefined, text: AlertText, runbookBaseUrl?: string): RuleSpec {
  const annotations: Record<string, string> = {
    description: text.description,
    runbook: text.runbook,
    summary: text.summary,
  };
  if (runbookBaseUrl) annotations.runbook_url = `${runbookBaseUrl}#${name.toLowerCase()}`;
  return {
    alert: name,
    expr,
    ...(forDuration ? { for: forDuration } : {}),
    labels: { severity: text.severity },
    annotations,
  };
}

/** Renders a threshold without float noise (`14.4 * 0.01` -> `0.144`). */
export function num(x: number): string {
  return String(Number(x.toPrecision(6)));
}
